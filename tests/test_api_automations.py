"""Rules, the run log and the outbox through the JSON API."""

from growbase.auth import create_token, create_user
from growbase.tables import AutomationRun, Outbox

from starter import make_order
from helpers import Api, run_pending

RULE = {"name": "VIP order", "entity": "order", "when": {"updated": {}},
        "if": {"field": "amount", "gte": 50000},
        "then": [{"notify_role": {"role": "manager", "text": "VIP {{ record.number }}"}}]}


def test_owner_adds_a_rule_by_api_and_it_fires_on_the_next_change(api, shop, service):
    response = api.put("/api/automations/vip", json=RULE)
    assert response.status_code == 200
    assert response.get_json()["version"] == 1 and response.get_json()["warnings"] == []
    make_order(service, shop.id, amount="60000")
    run_pending()
    assert AutomationRun.get(AutomationRun.rule == "vip").status == "done"
    listed = api.get("/api/automations").get_json()["items"]
    assert "vip" in [r["key"] for r in listed]


def test_a_bad_rule_is_refused_with_each_problem_and_nothing_changes(api, shop):
    bad = dict(RULE, when={"status_changed": {"to": "sent_to_moon"}},
               then=[{"send_sms": {"to": "{{ record.phone ", "text": "x"}}])
    response = api.put("/api/automations/vip", json=bad)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert any("when.status_changed.to" in path for path in errors)
    assert any("then[0].send_sms.to" in path for path in errors)
    assert api.get("/api/automations/vip").status_code == 404


def test_only_the_owner_changes_rules(app, shop):
    manager = create_user("mila", "mila-password-1", role="manager")
    api = Api(app.test_client(), create_token(manager, "t"))
    assert api.put("/api/automations/vip", json=RULE).status_code == 403
    for path in ("/api/automations", "/api/automations/order_received"):  # phones, URLs
        assert api.get(path).status_code == 403, path
    from growbase.designer.service import set_designer_roles
    set_designer_roles(["manager"], "owner")  # the owner lets managers design: they read rules
    assert api.get("/api/automations").status_code == 200
    for path in ("/api/outbox", "/api/automation-runs"):  # customers' phones and texts
        assert api.get(path).status_code == 403, path
    tested = api.post("/api/automations/order_received/test", json={"record_id": shop.id})
    assert tested.status_code == 403


def test_test_endpoint_previews_and_rerun_refuses_a_done_run(api, shop, service):
    order = service.create("order", {"customer": shop.id})
    shown = api.post("/api/automations/order_received/test", json={"record_id": order.id})
    assert shown.status_code == 200 and shown.get_json()["matches"] is True
    assert Outbox.select().count() == 0
    assert api.post("/api/automations/order_received/test", json={}).status_code == 400
    run_pending()
    run = AutomationRun.get(AutomationRun.rule == "order_received")
    assert api.post(f"/api/automation-runs/{run.id}/rerun").status_code == 409
    logged = api.get(f"/api/automation-runs?record_id={order.id}").get_json()["items"][0]
    sms = [a for a in logged["actions"] if a["action"] == "send_sms"][0]
    assert sms["delivery"]["status"] == "stored" and sms["delivery"]["recipient"] == "+79123456789"
