"""A message whose text prints an empty field ("трек .") is held, not sent: the outbox
says why and for which record, the rule's run says so, the owners are told once, the
rule preview warns, and "Send anyway" lets it go as it is."""

from growbase.automation.preview import preview
from growbase.automation.rules import apply_rules
from growbase.catalog import catalog
from growbase.tables import ActionRun, Notification, Outbox

from starter import make_order
from helpers import run_pending

BLUNT = {"key": "blunt", "name": "Shipped, tracking always", "entity": "order",
         "when": {"status_changed": {"to": "shipping"}},
         "then": [{"send_sms": {"to": "{{ record.customer.phone }}",
                                "text": "Заказ {{ record.number }}: трек {{ record.tracking }}."}}]}


def shipped(service, shop, **more):
    order = make_order(service, shop.id, amount="990", status="confirmed")
    service.update("order", order.id, dict({"status": "shipping", "courier": "own"}, **more))
    run_pending()
    return order


def test_a_message_with_a_hole_is_held_said_and_can_be_sent_anyway(shop, service, api, owner):
    apply_rules([BLUNT])
    order = shipped(service, shop)  # ORD-00001
    held = Outbox.get(Outbox.rule == "blunt")
    assert held.status == "held" and held.body == "Заказ ORD-00001: трек ."
    assert "Tracking number" in held.error and held.record_id == order.id
    run = ActionRun.get(ActionRun.message == held.id)
    assert run.outcome.startswith("held, not sent") and "Tracking number" in run.outcome
    shipped(service, shop)  # ORD-00002, a second one: the owner is not told twice
    told = Notification.select().where(Notification.user == owner.id)
    assert told.count() == 1 and "Shipped, tracking always" in told.get().text
    sent = api.post(f"/api/outbox/{held.id}/resend")
    assert sent.status_code == 202 and sent.get_json()["status"] == "stored"
    whole = shipped(service, shop, tracking="CDEK-1")  # ORD-00003
    assert Outbox.get((Outbox.rule == "blunt") & (Outbox.record_id == whole.id)).status == \
        "stored"


def test_the_preview_warns_and_the_starter_rule_needs_no_tracking(shop, service):
    apply_rules([BLUNT])
    order = shipped(service, shop)  # ORD-00001
    shown = preview(catalog().rule("blunt"), order.id)["actions"][0]["would"]
    assert "would be held" in shown and "Tracking number" in shown
    starter = Outbox.get((Outbox.rule == "order_shipped") & (Outbox.channel == "sms"))
    assert starter.status == "stored" and "трек" not in starter.body  # the own courier
    assert starter.body == "Заказ ORD-00001 передан в доставку: Свой курьер."


def test_a_blank_tested_in_if_is_not_a_hole(shop, service):
    apply_rules([dict(BLUNT, then=[{"send_sms": {
        "to": "{{ record.customer.phone }}",
        "text": "{{ record.number }}{% if record.tracking %} {{ record.tracking }}{% endif %}"}}])])
    shipped(service, shop)  # ORD-00001
    assert Outbox.get(Outbox.rule == "blunt").status == "stored"
