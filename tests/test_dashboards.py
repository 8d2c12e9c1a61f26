"""Each role's home page: the owner's revenue against plan and stuck orders, a manager's
own tasks, every figure over what the role may see; the owner arranges any role's
dashboard, and a wrong arrangement is refused with the place and the fix."""

from datetime import timedelta

import pytest

from growbase.auth import create_token
from growbase.catalog import catalog
from growbase.dashboards.store import apply_dashboards
from growbase.definitions import DefinitionError
from growbase.designer.store import load_files
from growbase.reports.store import apply_reports
from growbase.tables import SavedView, User, utcnow
from helpers import ROOT, Api
from starter import add_line


@pytest.fixture
def home(shop, service):
    apply_reports(load_files(ROOT / "reports"))
    apply_dashboards(load_files(ROOT / "dashboards"))
    anna = User.get(username="anna").id
    today = utcnow().replace(hour=10)
    order = service.create("order", {"customer": shop.id, "manager": anna, "ordered_at": today})
    add_line(service, order.id, 1200)
    service.update("order", order.id, {"status": "confirmed"})
    stuck = service.create("order", {"customer": shop.id, "manager": anna})
    model = catalog().entity("order").model
    model.update(status_since=utcnow() - timedelta(days=9)).where(model.id == stuck.id).execute()
    service.create("sales_plan", {"month": today.date().replace(day=1), "manager": anna,
                                  "target": 4800})
    for title, due, who in (("Call back", today - timedelta(days=1), anna),
                            ("Ship", today + timedelta(days=3), anna),
                            ("Not hers", today, None)):
        service.create("task", {"title": title, "due": due, "assignee": who, "state": "open"})
    return {"order": order, "stuck": stuck}


def as_user(app, username):
    return Api(app.test_client(), create_token(User.get(username=username), "t"))


def widget_of(client, heading, role=""):
    layout = client.get(f"/api/dashboard{role}").get_json()
    index = next(w["index"] for w in layout["widgets"] if w["heading"] == heading)
    return client.get(f"/api/dashboard/{index}{role}").get_json()


def test_the_owner_sees_this_months_revenue_against_plan_and_the_stuck_orders(home, api):
    layout = api.get("/api/dashboard").get_json()
    assert layout["role"] == "owner" and layout["can_arrange"]
    revenue = widget_of(api, "Revenue this month, against plan")["report"]
    assert revenue["totals"] == ["1200.00", "4800.00", "25.0"]
    stuck = widget_of(api, "Orders stuck over 7 days")
    assert stuck["count"] == 1 and stuck["items"][0]["id"] == home["stuck"].id
    assert "/admin/grid/order/?filter=" in stuck["grid"]


def test_a_manager_sees_her_own_tasks_and_not_anothers_dashboard(home, app):
    anna = as_user(app, "anna")
    tasks = widget_of(anna, "My tasks today and overdue")
    assert [i["title"] for i in tasks["items"]] == ["Call back"]
    ahead = widget_of(anna, "My tasks ahead")
    assert [i["title"] for i in ahead["items"]] == ["Ship"]
    mine = widget_of(anna, "My orders by stage")["report"]
    assert mine["totals"] == ["Total", 2, "1200.00"]
    refused = anna.get("/api/dashboard?role=owner")
    assert refused.status_code == 403
    assert anna.put("/api/dashboard/manager", json={"widgets": []}).status_code == 403


def test_the_owner_arranges_a_roles_dashboard_and_a_wrong_widget_is_refused(home, api, owner):
    view = SavedView.create(entity="order", user=owner.id, name="Big ones", shared=True,
                            config={"filter": {"field": "status", "eq": "confirmed"}})
    saved = api.put("/api/dashboard/logistics", json={"widgets": [
        {"kind": "view", "view": view.id, "size": "full"},
        {"kind": "report", "report": "orders_by_stage", "show": "table"}]})
    assert saved.status_code == 200, saved.get_json()
    shown = api.get("/api/dashboard?role=logistics").get_json()["widgets"]
    assert [w["heading"] for w in shown] == ["Big ones", "Orders by stage"]
    listed = api.get("/api/dashboard/0?role=logistics").get_json()
    assert listed["count"] == 1 and listed["grid"].endswith(f"?view={view.id}")
    wrong = api.put("/api/dashboard/logistics", json={"widgets": [
        {"kind": "report", "report": "no_such"},
        {"kind": "records", "entity": "order", "filter": {"field": "colour", "eq": "red"}}]})
    assert wrong.status_code == 422
    errors = wrong.get_json()["errors"]
    assert "no_such" in errors["logistics: $.widgets[0].report"]
    assert "colour" in errors["logistics: $.widgets[1].filter.field"]
    assert [w["heading"] for w in api.get("/api/dashboard?role=logistics").get_json()["widgets"]] \
        == ["Big ones", "Orders by stage"]  # nothing of the refused arrangement kept


def test_a_grid_view_no_longer_shared_cannot_be_put_on_a_dashboard(home, owner):
    private = SavedView.create(entity="order", user=owner.id, name="Mine", shared=False, config={})
    with pytest.raises(DefinitionError) as refused:
        apply_dashboards([{"role": "owner", "widgets": [{"kind": "view", "view": private.id}]}])
    assert "Shared with everyone" in refused.value.problems[0][1]


def test_the_home_page_is_the_dashboard_and_says_how_old_the_backup_is(home, client, app):
    page = client.get("/admin/").get_data(as_text=True)
    assert 'id="gb-dashboard"' in page and "dashboard.js" in page
    assert "No backup has been made yet" in page
    from growbase.auth import create_user
    from helpers import log_in
    create_user("kira", "kira-password", role="accountant")
    other = app.test_client()
    log_in(other, "kira", "kira-password")
    cards = other.get("/admin/").get_data(as_text=True)
    assert 'id="gb-dashboard"' not in cards and "gb-cards" in cards  # no accountant's yet
