"""Automation rules run by the engine in this process (the worker process is tested apart)."""

import pytest

from growbase.automation.effects import outcome_words
from growbase.automation.engine import handle_event
from growbase.automation.rules import apply_rules
from growbase.catalog import catalog
from growbase.definitions import DefinitionError
from growbase.i18n import in_locale
from growbase.records import RecordService
from growbase.tables import ActionRun, AutomationRun, Event, Notification, Outbox, User

from starter import add_line, make_order
from helpers import run_pending


def test_new_order_notifies_sales_and_texts_the_customer(shop, service):
    order = make_order(service, shop.id, amount="1500")
    run_pending()
    sms = Outbox.get(Outbox.channel == "sms")
    assert sms.recipient == "+79123456789" and "ORD-00001 получен" in sms.body
    assert sms.rule == "order_received" and sms.record_id == order.id
    note = Notification.get()
    assert note.user.username == "anna" and "ORD-00001" in note.text and "Иван Петров" in note.text
    run = AutomationRun.get(AutomationRun.rule == "order_received")
    assert run.status == "done" and run.actions.count() == 2


def test_confirmed_order_makes_a_task_for_logistics(shop, service):
    order = make_order(service, shop.id, amount="1500")
    service.update("order", order.id, {"status": "confirmed"})
    run_pending()
    task = RecordService().get("task", 1)[1]
    assert task.title == "Check stock for ORD-00001" and task.order == order.id
    assert task.assignee == User.get(User.username == "lena").id  # the logistics member
    confirmed = Outbox.get(Outbox.rule == "order_confirmed")
    assert confirmed.body == "Заказ ORD-00001 подтверждён. Сумма: 1\u00a0500,00\u00a0₽."


def test_each_action_runs_once_however_often_the_event_is_handled(shop, service):
    service.create("order", {"customer": shop.id})
    event = Event.get(Event.entity == "order")
    handle_event(event.id)
    Event.update(state="pending").where(Event.id == event.id).execute()  # as after a crash
    handle_event(event.id)
    assert Outbox.select().count() == 1 and ActionRun.select().count() == 2


def test_updated_with_a_condition_fires_when_it_starts_to_match(shop, service):
    apply_rules([{"key": "big_order", "name": "Big order", "entity": "order",
                  "when": {"updated": {}}, "if": {"field": "amount", "gte": 10000},
                  "then": [{"notify_role": {"role": "manager", "text": "Big: {{ record.number }}"}}]}])
    order = make_order(service, shop.id)
    line = add_line(service, order.id, "100")  # the order's amount is its lines' sum
    for amount in ("20000", "25000", "50", "30000"):
        service.update("order_line", line.id, {"unit_price": amount})
    run_pending()
    assert Notification.select().where(Notification.text == "Big: ORD-00001").count() == 2


def test_a_silent_rule_changes_the_record_without_triggering_rules(shop, service):
    from growbase.automation.safety import cycle_warnings
    from growbase.catalog import catalog
    apply_rules([{"key": "echo", "name": "Echo", "entity": "order", "when": {"updated": {}},
                  "silent": True,
                  "then": [{"update_field": {"field": "comment", "value": "{{ record.comment }}+"}}]}])
    assert cycle_warnings(catalog(), ["echo"]) == []
    order = service.create("order", {"customer": shop.id})
    service.update("order", order.id, {"tracking": "1"})
    for _round in range(3):
        run_pending()
    assert AutomationRun.select().where(AutomationRun.rule == "echo").count() == 1
    assert RecordService().get("order", order.id)[1].comment == "+"


def test_a_rule_that_triggers_itself_stops_at_the_depth_limit(shop, service):
    apply_rules([{"key": "echo", "name": "Echo", "entity": "order", "when": {"updated": {}},
                  "then": [{"update_field": {"field": "comment", "value": "{{ record.comment }}+"}}]}])
    order = service.create("order", {"customer": shop.id})
    service.update("order", order.id, {"tracking": "1"})
    for _round in range(10):
        run_pending()
    stopped = AutomationRun.get(AutomationRun.status == "failed")
    assert "levels deep" in stopped.error and stopped.rule == "echo"


def test_a_broken_action_fails_the_run_not_the_save(shop, service):
    apply_rules([{"key": "text_nobody", "name": "Text nobody", "entity": "order",
                  "when": {"created": {}},
                  "then": [{"send_sms": {"to": "{{ record.tracking }}", "text": "hi"}}]}])
    order = service.create("order", {"customer": shop.id,
                                     "tracking": "RA123456785RU"})
    assert order.id  # the save went through
    with pytest.raises(RuntimeError):
        handle_event(Event.get(Event.entity == "order").id)
    run = AutomationRun.get(AutomationRun.rule == "text_nobody")
    assert run.status == "failed" and "No phone number" in run.error and run.attempts == 1
    assert "RA123456785RU" in run.error


def test_a_record_without_an_address_skips_the_message_and_says_so(shop, service):
    service.update("customer", shop.id, {"phone": None})
    order = service.create("order", {"customer": shop.id})
    run_pending()
    run = AutomationRun.get(AutomationRun.rule == "order_received")
    outcomes = [a.outcome for a in run.actions]
    assert run.status == "done" and any("skipped: no sms address" in o for o in outcomes)
    assert Outbox.select().count() == 0 and order.id


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


def test_inbox_outbox_and_run_log_pages(shop, service, app, client):
    from helpers import csrf_token, log_in
    order = service.create("order", {"customer": shop.id})
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
    assert lena.get("/admin/outbox/").status_code == 404  # customers' phones: the owner's
    outbox = client.get("/admin/outbox/").get_data(as_text=True)
    assert "+79123456789" in outbox and "ORD-00001 подтверждён" in outbox
    runs = client.get("/admin/runs/?rule=order_confirmed").get_data(as_text=True)
    assert "Create a task" in runs and 'href="/admin/runs/?rule=order_received"' not in runs


def test_delivered_order_closes_its_open_tasks_only(shop, service):
    order = service.create("order", {"customer": shop.id})
    other = service.create("order", {"customer": shop.id})
    mine = [service.create("task", {"title": f"T{i}", "order": order.id}).id for i in range(2)]
    theirs = service.create("task", {"title": "Other", "order": other.id}).id
    service.update("order", order.id, {"status": "delivered", "courier": "cdek"})
    run_pending()
    states = {t.id: t.state for t in RecordService().get("task", 1)[0].model.select()}
    assert [states[i] for i in mine] == ["done", "done"] and states[theirs] == "open"
    run = AutomationRun.get(AutomationRun.rule == "order_delivered")
    assert "state set on 2 × task" in run.actions.get().outcome  # (as the worker wrote it)
    # a page says it with the field's and the entity's labels, in the reader's language
    assert outcome_words(run.actions.get()) == "State set on 2 × Tasks"
    with in_locale("ru"):
        assert outcome_words(run.actions.get()) == "Состояние изменено у 2 × Задачи"


def test_update_field_reaches_the_linked_record(shop, service):
    apply_rules([{"key": "vip", "name": "Big order makes a VIP", "entity": "order",
                  "when": {"updated": {}}, "if": {"field": "amount", "gte": 100000},
                  "then": [{"update_field": {"on": "customer", "field": "tags", "value": ["vip"]}}]}])
    make_order(service, shop.id, amount="150000")  # its line's total reaches it
    run_pending()
    assert RecordService().get("customer", shop.id)[1].tags == ["vip"]


def test_round_robin_hands_tasks_out_in_turn(shop, service):
    from growbase.auth import create_user
    create_user("misha", "misha-password", role="logistics")
    apply_rules([{"key": "pack", "name": "Pack", "entity": "order",
                  "when": {"status_changed": {"to": "confirmed"}},
                  "then": [{"create_task": {"title": "Pack {{ record.number }}",
                                            "assign_role": "logistics",
                                            "assign_by": "round_robin"}}]}])
    for n in range(1, 4):
        order = service.create("order", {"customer": shop.id})
        service.update("order", order.id, {"status": "confirmed"})
    run_pending()
    model = RecordService().get("task", 1)[0].model
    by_title = {t.title: User.get_by_id(t.assignee).username for t in model.select()
                if t.title.startswith("Pack")}
    assert by_title == {"Pack ORD-00001": "lena", "Pack ORD-00002": "misha",
                        "Pack ORD-00003": "lena"}


def test_update_on_a_field_that_is_not_a_link_is_refused(shop):
    with pytest.raises(DefinitionError) as err:
        apply_rules([{"key": "x", "name": "X", "entity": "order", "when": {"created": {}},
                      "then": [{"update_field": {"on": "tracking", "field": "name", "value": "y"}}]}])
    assert "$.then[0].update_field.on" in str(err.value) and "not a link field" in str(err.value)


def test_a_trigger_that_happened_without_a_match_is_logged_as_skipped(shop, service):
    order = service.create("order", {"customer": shop.id,
                                     "status": "confirmed"})
    run_pending()
    run = AutomationRun.get(AutomationRun.rule == "order_received")
    assert run.status == "skipped" and "did not meet the rule's condition" in run.error
    assert run.record_id == order.id and Outbox.select().count() == 0


def test_a_failed_run_can_be_run_again_once_fixed(shop, service):
    from growbase.automation.engine import rerun
    from growbase.catalog import catalog
    good = catalog().rule("order_confirmed").spec
    typo = {"send_sms": {"to": "{{ record.customer.phone }}", "text": "{{ record.numbr }}"}}
    apply_rules([dict(good, then=[typo, good["then"][1]])])
    order = service.create("order", {"customer": shop.id})
    service.update("order", order.id, {"status": "confirmed"})
    with pytest.raises(RuntimeError):
        run_pending()
    failed = AutomationRun.get((AutomationRun.rule == "order_confirmed"))
    assert failed.status == "failed" and "numbr" in failed.error
    apply_rules([good])  # the owner fixes the typo
    assert rerun(failed.id) == failed.event_id
    run_pending()
    again = AutomationRun.get_by_id(failed.id)
    assert again.status == "done" and again.attempts == 2
    assert Outbox.select().where(Outbox.rule == "order_confirmed").count() == 1
    assert catalog().entity("task").model.select().count() == 1  # the failed try left none
    assert rerun(failed.id) is None  # done runs are not repeated


def test_rules_that_feed_each_other_are_named_as_a_loop(shop):
    from growbase.automation.safety import cycle_warnings
    from growbase.catalog import catalog
    ping = {"key": "ping", "name": "Ping", "entity": "order",
            "when": {"field_changed": {"field": "comment"}},
            "then": [{"update_field": {"field": "tracking", "value": "x"}}]}
    pong = {"key": "pong", "name": "Pong", "entity": "order",
            "when": {"updated": {"fields": ["tracking"]}},
            "then": [{"update_field": {"field": "comment", "value": "y"}}]}
    apply_rules([ping, pong])
    warning, = cycle_warnings(catalog(), ["ping"])
    assert "ping → pong → ping" in warning or "pong → ping → pong" in warning
    assert cycle_warnings(catalog(), ["order_received"]) == []


def test_test_this_rule_shows_what_would_be_sent_and_sends_nothing(shop, service):
    from growbase.automation.preview import preview
    from growbase.catalog import catalog
    order = make_order(service, shop.id, amount="100")
    shown = preview(catalog().rule("order_confirmed"), order.id)
    assert shown["matches"] is True
    sms, task = shown["actions"]
    assert sms["would"] == "SMS to +79123456789: Заказ ORD-00001 подтверждён. Сумма: 100,00\u00a0₽."
    assert task["would"] == "task \"Check stock for ORD-00001\" for Лена"  # (her name)
    assert Outbox.select().count() == 0 and AutomationRun.select().count() == 0
    assert catalog().entity("task").model.select().count() == 0


def test_shipped_email_comes_from_the_message_templates_escaped_in_html(shop, service):
    service.update("customer", shop.id, {"name": "Иван <Петров>", "email": "ivan@example.com"})
    order = make_order(service, shop.id, amount="990")
    service.update("order", order.id, {"status": "shipping", "courier": "cdek",
                                       "tracking": "RA123456785RU"})
    run_pending()
    mail = Outbox.get(Outbox.channel == "email")
    assert mail.recipient == "ivan@example.com" and mail.subject == "Заказ ORD-00001 в пути"
    assert "Здравствуйте, Иван <Петров>!" in mail.body and "Трек-номер: RA123456785RU" in mail.body
    assert "Иван &lt;Петров&gt;" in mail.html and "<td>СДЭК</td>" in mail.html


def test_templates_cannot_reach_outside_the_messages_folder_or_into_python(shop, service):
    from growbase.automation.templates import TemplateProblem, render
    with pytest.raises(TemplateProblem):
        render("{% include '../../platform/growbase/config.py' %}")
    with pytest.raises(TemplateProblem):
        render("{{ record.__class__.__mro__ }}", record=RecordService())


def test_a_failing_rule_is_tried_again_later_then_left_failed(shop, service):
    from growbase.automation.engine import handle_events
    from growbase.tables import utcnow
    from growbase.queue import huey
    from growbase.worker import RUN_TRIES, retry_later
    huey.flush()
    apply_rules([{"key": "typo", "name": "Typo", "entity": "order", "when": {"created": {}},
                  "then": [{"notify_role": {"role": "manager", "text": "{{ record.numbr }}"}}]}])
    service.create("order", {"customer": shop.id})
    event = Event.get(Event.entity == "order")
    delays = []
    for _try in range(RUN_TRIES):
        before = utcnow()  # Huey keeps its times in UTC
        retry_later(handle_events([event.id]))
        scheduled = [t for t in huey.pending() if t.eta]
        delays.append(round((scheduled[0].eta - before).total_seconds()) if scheduled else None)
        huey.flush()
    assert delays == [10, 30, 90, None]  # then it waits in the run log for "Run again"
    run = AutomationRun.get(AutomationRun.rule == "typo")
    assert run.status == "failed" and run.attempts == RUN_TRIES


def test_stock_falling_below_five_asks_logistics_to_buy_more_once(shop, service):
    """The starter rule reads the product's stock, worked out from the confirmed lines."""
    tea = service.create("product", {"sku": "TEA-001", "name": "Сенча", "price": "700",
                                     "received": 7})
    for quantity in (2, 1):  # 7 → 5 → 4: below five once
        order = service.create("order", {"customer": shop.id})
        service.create("order_line", {"order": order.id, "product": tea.id,
                                      "quantity": quantity})
        service.update("order", order.id, {"status": "confirmed"})
    service.update("product", tea.id, {"received": 6})  # 6 - 3 = 3: still below, no new task
    run_pending()
    tasks = catalog().entity("task").model.select().where(
        catalog().entity("task").model.title.startswith("Закупить"))
    assert [(t.title, t.assignee) for t in tasks] == [
        ("Закупить Сенча: на складе 4", User.get(User.username == "lena").id)]
