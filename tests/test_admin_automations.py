"""The automation pages: rules (on/off, test on a record), run log, outbox, record page."""

from datetime import datetime, timedelta

from babel.dates import format_datetime

import pytest

from growbase.auth import create_user
from growbase.automation.rules import apply_rules
from growbase.catalog import catalog
from growbase.tables import AutomationRun, Event, Outbox, utcnow

from helpers import csrf_token, log_in, run_pending


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


@pytest.fixture
def broken_run(shop, service):
    """A confirmed order while order_confirmed had a typo in its template: it failed."""
    good = catalog().rule("order_confirmed").spec
    apply_rules([dict(good, then=[{"send_sms": {"to": "{{ record.customer.phone }}",
                                                "text": "{{ record.numbr }}"}}])])
    order = service.create("order", {"customer": shop.id})
    service.update("order", order.id, {"status": "confirmed"})
    while Event.select().where(Event.state == "pending").exists():
        try:
            run_pending()
        except RuntimeError:  # a failed event is left failed; go on with the rest
            pass
    return order, AutomationRun.get(AutomationRun.rule == "order_confirmed")


def test_run_log_shows_the_failure_and_runs_it_again(client, broken_run, service, shop):
    order, run = broken_run
    html = page(client, "/admin/runs/?status=failed")
    assert "numbr" in html and "Run again" in html and "gb-run-done" not in html
    apply_rules([dict(catalog().rule("order_confirmed").spec,
                      then=[{"send_sms": {"to": "{{ record.customer.phone }}",
                                          "text": "{{ record.number }}"}}])])
    client.post(f"/admin/runs/rerun/{run.id}", data={"csrf_token": csrf_token(html)})
    run_pending()
    assert AutomationRun.get_by_id(run.id).status == "done"
    assert f"/admin/runs/rerun/{run.id}" not in page(client, "/admin/runs/?status=failed")


def test_the_record_page_shows_its_runs_and_planned_reminders(client, shop, service, owner):
    order, = [service.create("order", {"customer": shop.id})]
    run_pending()
    html = page(client, f"/admin/records/order/details/?id={order.id}")
    assert "order_received" in html and "stored" in html
    assert 'SMS to <span class="gb-data">+79123456789</span>' in html
    due = (datetime.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    meeting = service.create("task", {"title": "Meet", "kind": "meeting", "due": due,
                                      "assignee": owner.id})
    html = page(client, f"/admin/records/task/details/?id={meeting.id}")
    reminder = format_datetime(due - timedelta(hours=1), "short", locale="en")
    assert "An hour before a meeting" in html and reminder in html


def test_rules_page_tests_a_rule_on_a_record_without_sending(client, shop, service):
    order = service.create("order", {"customer": shop.id})
    service.create("order", {"customer": shop.id})  # (ORD-00002: the newest, not the one asked)
    html = page(client, "/admin/rules/?test=order_confirmed&record=ORD-00001")  # by its title
    assert "ask logistics to check stock on <span class=\"gb-data\">ORD-00001" in html
    assert "nothing was sent" in html and "Check stock for ORD-00001" in html
    assert "Check stock for ORD-00001" in page(  # (the number, as earlier links gave it)
        client, f"/admin/rules/?test=order_confirmed&record_id={order.id}")
    assert Outbox.select().count() == 0
    html = page(client, "/admin/rules/?test=order_confirmed&record=Nobody+at+all")
    assert "No record found by &#34;Nobody at all&#34;" in html


def test_only_the_owner_turns_rules_off(app, client, shop):
    html = page(client, "/admin/rules/")
    client.post("/admin/rules/toggle/order_received", data={"csrf_token": csrf_token(html)})
    assert catalog().rule("order_received").enabled is False
    create_user("mila", "mila-password-1", role="manager")
    manager = app.test_client()
    log_in(manager, "mila", "mila-password-1")
    for hidden in ("/admin/rules/", "/admin/outbox/", "/admin/runs/"):  # customers' data
        assert manager.get(hidden).status_code == 404, hidden
    token = csrf_token(page(manager, "/admin/profile/"))
    manager.post("/admin/rules/toggle/order_received", data={"csrf_token": token})
    assert catalog().rule("order_received").enabled is False  # unchanged by the manager


def test_outbox_offers_to_resend_what_failed(client, shop, service):
    service.create("order", {"customer": shop.id})
    run_pending()
    sms = Outbox.get(Outbox.channel == "sms")
    Outbox.update(status="failed", error="Gave up after 5 attempts: HTTP 500",
                  released_at=utcnow()).execute()
    html = page(client, "/admin/outbox/?status=failed")
    assert "Gave up after 5 attempts" in html and "Send again" in html
    client.post(f"/admin/outbox/resend/{sms.id}", data={"csrf_token": csrf_token(html)})
    assert Outbox.get_by_id(sms.id).status == "stored"  # no gateway set up: kept, not queued


def test_a_user_asks_for_the_inbox_by_email(app, shop, service):
    from growbase.tables import User
    lena = app.test_client()
    log_in(lena, "lena", "lena-password")
    form = page(lena, "/admin/profile/")
    refused = lena.post("/admin/profile/", data={"csrf_token": csrf_token(form), "email": "",
                                                 "email_notifications": "1"})
    assert "give an address" in refused.get_data(as_text=True)
    lena.post("/admin/profile/", data={"csrf_token": csrf_token(form), "email": "lena@example.com",
                                       "email_notifications": "1"})
    assert User.get(User.username == "lena").email_notifications is True
    order = service.create("order", {"customer": shop.id})
    service.update("order", order.id, {"status": "confirmed"})
    run_pending()
    mail = Outbox.get((Outbox.channel == "email") & (Outbox.recipient == "lena@example.com"))
    assert "New task: Check stock for ORD-00001" in mail.body


def test_a_rule_a_definition_change_turned_off_says_why_it_stays_off(client, shop):
    rule = catalog().rule("order_delivered").spec
    apply_rules([dict(rule, enabled=False, when={"status_changed": {"to": "lost"}})],
                validate=False)
    html = client.get("/admin/rules/").get_data(as_text=True)
    answer = client.post("/admin/rules/toggle/order_delivered",
                         data={"csrf_token": csrf_token(html)}, follow_redirects=True)
    assert answer.status_code == 200
    assert "cannot be turned on" in answer.get_data(as_text=True)
    assert catalog().rule("order_delivered").enabled is False
