"""Automation rules run by the engine in this process (the worker process is tested apart)."""

import pytest

from helpers import ROOT

from growbase.automation.engine import handle_event
from growbase.automation.rules import apply_rules
from growbase.definitions import DefinitionError
from growbase.definitions.store import load_files
from growbase.auth import create_user
from growbase.records import RecordService
from growbase.tables import ActionRun, AutomationRun, Event, Notification, Outbox, User


@pytest.fixture
def shop(service):
    apply_rules(load_files(ROOT / "automations"))
    create_user("lena", "lena-password", role="logistics", full_name="Лена")
    create_user("anna", "anna-password", role="manager", full_name="Анна")
    customer = service.create("customer", {"name": "Иван Петров", "phone": "8 912 345-67-89"})
    return customer


def run_pending():
    for event in Event.select().where(Event.state == "pending").order_by(Event.id):
        handle_event(event.id)


def test_new_order_notifies_sales_and_texts_the_customer(shop, service):
    order = service.create("order", {"number": "ORD-00001", "customer": shop.id, "amount": "1500"})
    run_pending()
    sms = Outbox.get(Outbox.channel == "sms")
    assert sms.recipient == "+79123456789" and "ORD-00001 получен" in sms.body
    assert sms.rule == "order_received" and sms.record_id == order.id
    note = Notification.get()
    assert note.user.username == "anna" and "ORD-00001" in note.text and "Иван Петров" in note.text
    run = AutomationRun.get(AutomationRun.rule == "order_received")
    assert run.status == "done" and run.actions.count() == 2


def test_confirmed_order_makes_a_task_for_logistics(shop, service):
    order = service.create("order", {"number": "ORD-00001", "customer": shop.id, "amount": "1500"})
    service.update("order", order.id, {"status": "confirmed"})
    run_pending()
    task = RecordService().get("task", 1)[1]
    assert task.title == "Check stock for ORD-00001" and task.order == order.id
    assert task.assignee == User.get(User.username == "lena").id  # the logistics member
    confirmed = Outbox.get(Outbox.rule == "order_confirmed")
    assert confirmed.body == "Заказ ORD-00001 подтверждён. Сумма: 1\u00a0500,00\u00a0₽."


def test_each_action_runs_once_however_often_the_event_is_handled(shop, service):
    service.create("order", {"number": "ORD-00001", "customer": shop.id})
    event = Event.get(Event.entity == "order")
    handle_event(event.id)
    Event.update(state="pending").where(Event.id == event.id).execute()  # as after a crash
    handle_event(event.id)
    assert Outbox.select().count() == 1 and ActionRun.select().count() == 2


def test_updated_with_a_condition_fires_when_it_starts_to_match(shop, service):
    apply_rules([{"key": "big_order", "name": "Big order", "entity": "order",
                  "when": {"updated": {}}, "if": {"field": "amount", "gte": 10000},
                  "then": [{"notify_role": {"role": "manager", "text": "Big: {{ record.number }}"}}]}])
    order = service.create("order", {"number": "ORD-00001", "customer": shop.id, "amount": "100"})
    for amount in ("20000", "25000", "50", "30000"):
        service.update("order", order.id, {"amount": amount})
    run_pending()
    assert Notification.select().where(Notification.text == "Big: ORD-00001").count() == 2


def test_a_rule_that_triggers_itself_stops_at_the_depth_limit(shop, service):
    apply_rules([{"key": "echo", "name": "Echo", "entity": "order", "when": {"updated": {}},
                  "then": [{"update_field": {"field": "comment", "value": "{{ record.comment }}+"}}]}])
    order = service.create("order", {"number": "ORD-00001", "customer": shop.id})
    service.update("order", order.id, {"amount": "1"})
    for _round in range(10):
        run_pending()
    stopped = AutomationRun.get(AutomationRun.status == "failed")
    assert "levels deep" in stopped.error and stopped.rule == "echo"


def test_a_broken_action_fails_the_run_not_the_save(shop, service):
    apply_rules([{"key": "text_nobody", "name": "Text nobody", "entity": "order",
                  "when": {"created": {}},
                  "then": [{"send_sms": {"to": "{{ record.tracking }}", "text": "hi"}}]}])
    order = service.create("order", {"number": "ORD-00001", "customer": shop.id})
    assert order.id  # the save went through
    with pytest.raises(Exception):
        handle_event(Event.get(Event.entity == "order").id)
    run = AutomationRun.get(AutomationRun.rule == "text_nobody")
    assert run.status == "failed" and "No phone number" in run.error and run.attempts == 1


def test_bad_rules_are_refused_with_paths(shop):
    with pytest.raises(DefinitionError) as err:
        apply_rules([{"key": "x", "name": "X", "entity": "order",
                      "when": {"status_changed": {"to": "lost"}},
                      "if": {"field": "amunt", "gt": 0},
                      "then": [{"send_sms": {"to": "{{ record.phone", "text": "x"}},
                               {"launch_rocket": {}}]}])
    report = err.value.report()
    assert "$.then[1]" in report
    with pytest.raises(DefinitionError) as err:
        apply_rules([{"key": "x", "name": "X", "entity": "order",
                      "when": {"status_changed": {"to": "lost"}},
                      "if": {"field": "amunt", "gt": 0},
                      "then": [{"send_sms": {"to": "{{ record.phone", "text": "x"}}]}])
    report = err.value.report()
    assert "$.when.status_changed.to" in report and "lost is not one of" in report
    assert "$.if.field" in report and "$.then[0].send_sms.to" in report


def test_inbox_outbox_and_run_log_pages(shop, service, app):
    from helpers import csrf_token, log_in
    order = service.create("order", {"number": "ORD-00001", "customer": shop.id})
    service.update("order", order.id, {"status": "confirmed"})
    run_pending()
    lena = app.test_client()
    assert log_in(lena, "lena", "lena-password").status_code == 302
    home = lena.get("/admin/").get_data(as_text=True)
    assert 'id="gb-unread">1<' in home  # the new task waits in logistics' inbox
    inbox = lena.get("/admin/inbox/").get_data(as_text=True)
    assert "New task: Check stock for ORD-00001" in inbox
    note = Notification.get(Notification.user == User.get(User.username == "lena"))
    opened = lena.post(f"/admin/inbox/read/{note.id}", data={"csrf_token": csrf_token(inbox)})
    assert opened.status_code == 302 and "/admin/records/task/details/" in opened.headers["Location"]
    assert 'id="gb-unread"' not in lena.get("/admin/").get_data(as_text=True)
    outbox = lena.get("/admin/outbox/").get_data(as_text=True)
    assert "+79123456789" in outbox and "ORD-00001 подтверждён" in outbox
    runs = lena.get("/admin/runs/?rule=order_confirmed").get_data(as_text=True)
    assert "order_confirmed" in runs and "create_task" in runs and "order_received" not in runs
