"""Channels with real counterparts: an HTTP gateway and webhook receiver on 127.0.0.1,
an SMTP server (aiosmtpd); retries, give-up, quiet hours and daily caps."""

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

import pytest

from growbase.automation.rules import apply_rules
from growbase.catalog import catalog
from growbase.channels import deliver, due, resend
from growbase.config import load_settings
from growbase.tables import Notification, Outbox, User, utcnow

from starter import make_order
from helpers import Receiver, configure, free_port, run_pending


@pytest.fixture
def gateway(db):
    receiver = Receiver()
    configure(sms_url=receiver.url, sms_login="AC0123", sms_password="secret-token",
              sms_from="+15005550006")
    yield receiver
    receiver.close()


def new_order(service, shop):
    order = make_order(service, shop.id, amount="990")
    run_pending()
    return order


def test_twilio_gets_its_documented_request(shop, service, gateway):
    configure(sms_gateway="twilio")
    gateway.replies.append((201, {"sid": "SM42", "status": "queued"}))
    new_order(service, shop)
    sms = Outbox.get(Outbox.channel == "sms")
    assert sms.status == "queued"
    assert deliver(sms.id) is None
    request = gateway.requests[0]
    assert request["path"] == "/2010-04-01/Accounts/AC0123/Messages.json"
    assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(
        b"AC0123:secret-token").decode()
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert gateway.form() == {"To": "+79123456789", "From": "+15005550006",
                              "Body": "Заказ ORD-00001 получен. Мы позвоним, чтобы подтвердить его."}
    sms = Outbox.get_by_id(sms.id)
    assert sms.status == "sent" and sms.error == "Twilio SM42"
    assert deliver(sms.id) is None and len(gateway.requests) == 1  # never twice


def test_sms_ru_gets_its_documented_request_and_its_errors_are_shown(shop, service, gateway):
    configure(sms_gateway="smsru")
    gateway.replies += [
        (200, {"status": "OK", "status_code": 100, "sms": {"79123456789": {
            "status": "ERROR", "status_code": 207, "status_text": "На этот номер нельзя отправлять"}}}),
        (200, {"status": "OK", "status_code": 100, "balance": 10.5, "sms": {"79123456789": {
            "status": "OK", "status_code": 100, "sms_id": "000000-10000000"}}})]
    new_order(service, shop)
    sms = Outbox.get(Outbox.channel == "sms")
    assert deliver(sms.id) == 10  # tried again in 10 s
    assert gateway.requests[0]["path"] == "/sms/send"
    assert gateway.form() == {"api_id": "AC0123", "to": "79123456789", "json": "1",
                              "from": "+15005550006", "msg": Outbox.get_by_id(sms.id).body}
    failed = Outbox.get_by_id(sms.id)
    assert failed.status == "queued" and "Attempt 1 of 5 failed" in failed.error
    assert "На этот номер нельзя отправлять" in failed.error
    deliver(sms.id)
    assert Outbox.get_by_id(sms.id).status == "sent"
    assert Outbox.get_by_id(sms.id).error == "SMS.ru 000000-10000000"


@pytest.fixture
def failures_reach_rules(monkeypatch):
    """A message that failed for good counts against its rule, wired as worker.listen() does
    in every worker (this test delivers in its own process)."""
    from growbase import channels
    from growbase.automation.safety import after_failure
    monkeypatch.setattr(channels, "gave_up_listeners", [after_failure])


def test_an_unreachable_gateway_retries_gives_up_and_the_rule_is_turned_off(
        shop, service, owner, failures_reach_rules):
    configure(sms_gateway="twilio", sms_url=f"http://127.0.0.1:{free_port()}")  # nobody there
    for n in range(1, 6):
        order = new_order(service, shop)  # ORD-0000n
        assert order.id  # saving never waits for or fails with a message
        sms = Outbox.get((Outbox.channel == "sms") & (Outbox.record_id == order.id))
        delays = [deliver(sms.id) for _attempt in range(5)]
        assert delays == [10, 30, 90, 270, None]
        sms = Outbox.get_by_id(sms.id)
        assert sms.status == "failed" and sms.attempts == 5
        assert "Gave up after 5 attempts" in sms.error and "No answer from" in sms.error
    assert catalog().rule("order_received").enabled is False  # five failures in a row
    warning = Notification.get(Notification.user == owner.id)
    assert "order_received" not in warning.text and "turned off" in warning.text
    assert resend(sms.id) and Outbox.get_by_id(sms.id).status == "queued"


def test_a_send_cut_off_by_a_dead_worker_is_marked_unknown_not_resent(shop, service, gateway):
    configure(sms_gateway="twilio")
    new_order(service, shop)
    sms = Outbox.get(Outbox.channel == "sms")
    Outbox.update(status="sending", released_at=utcnow() - timedelta(minutes=10)).execute()
    assert sms.id not in due()
    assert Outbox.get_by_id(sms.id).status == "unknown" and gateway.requests == []


def test_email_goes_by_smtp_with_text_and_escaped_html(shop, service, smtp):
    from email import message_from_bytes
    run_pending()  # the fixture's customer came before the rule
    apply_rules([{"key": "welcome", "name": "Welcome", "entity": "customer",
                  "when": {"created": {}},
                  "then": [{"send_email": {"to": "{{ record.email }}", "subject": "Hello {{ record.name }}",
                                           "text": "Dear {{ record.name }}",
                                           "html": "<p>Dear <b>{{ record.name }}</b></p>"}}]}])
    service.create("customer", {"name": "Ann <script>", "email": "ann@example.com"})
    run_pending()
    mail = Outbox.get(Outbox.channel == "email")
    deliver(mail.id)
    envelope, = smtp
    assert envelope.rcpt_tos == ["ann@example.com"] and envelope.mail_from == "shop@example.com"
    parsed = message_from_bytes(envelope.content)
    assert parsed["Subject"] == "Hello Ann <script>"
    text, html = [part.get_payload(decode=True).decode() for part in parsed.walk()
                  if part.get_content_maintype() == "text"]
    assert text.strip() == "Dear Ann <script>"
    assert html.strip() == "<p>Dear <b>Ann &lt;script&gt;</b></p>"
    assert Outbox.get_by_id(mail.id).status == "sent"


def test_webhook_is_signed_and_carries_the_change(shop, service):
    receiver = Receiver()
    configure(webhook_key=b"whsec", webhook_allow=("127.0.0.1",))  # the operator's receiver
    apply_rules([{"key": "to_erp", "name": "To the ERP", "entity": "order",
                  "when": {"status_changed": {}},
                  "then": [{"call_webhook": {"url": receiver.url + "/hooks/orders"}}]}])
    order = new_order(service, shop)
    service.update("order", order.id, {"status": "confirmed"})
    run_pending()
    hook = Outbox.get(Outbox.channel == "webhook")
    deliver(hook.id)
    request = receiver.requests[0]
    headers, body = request["headers"], request["body"]
    expected = hmac.new(b"whsec", headers["X-Growbase-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert request["path"] == "/hooks/orders"
    assert headers["X-Growbase-Signature"] == f"sha256={expected}"
    assert headers["X-Growbase-Delivery"] == str(hook.id)
    payload = json.loads(body)
    assert payload["rule"] == "to_erp" and payload["record_id"] == order.id
    assert payload["record"]["status"] == "confirmed" and payload["before"] == {"status": "new"}
    assert payload["changed"] == ["status"]
    receiver.close()


def test_webhooks_stay_out_of_the_machine_and_its_network(shop, service):
    """Loopback, private and link-local targets are refused at once (no packet is sent to
    a literal address; a name is checked again on the connected socket), unless
    GROWBASE_WEBHOOK_ALLOW lists them; a redirect is not followed; what the receiver
    answers is not kept."""
    receiver = Receiver()
    targets = [receiver.url + "/hook", "http://localhost:1/x", "http://10.1.2.3/x",
               "http://169.254.169.254/latest/meta-data", "http://[::1]:1/x",
               "http://192.168.0.1/x"]
    apply_rules([{"key": f"hook{i}", "name": f"Hook {i}", "entity": "order",
                  "when": {"created": {}}, "then": [{"call_webhook": {"url": url}}]}
                 for i, url in enumerate(targets)])
    new_order(service, shop)
    run_pending()
    for url in targets:
        hook = Outbox.get((Outbox.channel == "webhook") & (Outbox.recipient == url))
        assert deliver(hook.id) is None, url  # failed for good: no retry
        hook = Outbox.get_by_id(hook.id)
        assert hook.status == "failed" and hook.attempts == 1, (url, hook.error)
        assert "inside this machine" in hook.error, hook.error
    assert receiver.requests == []
    configure(webhook_allow=("127.0.0.1", "crm.local"))
    receiver.replies += [(302, {"secret": "their session token"},
                          {"Location": receiver.url + "/elsewhere"}),
                         (500, {"secret": "their stack trace"})]
    order = new_order(service, shop)  # ORD-00002
    run_pending()
    hook = Outbox.get((Outbox.channel == "webhook") & (Outbox.recipient == receiver.url +
                                                       "/hook") & (Outbox.record_id == order.id))
    for _attempt in range(2):
        Outbox.update(status="queued").where(Outbox.id == hook.id).execute()
        deliver(hook.id)
        error = Outbox.get_by_id(hook.id).error
        assert "secret" not in error and "their" not in error, error
    assert [r["path"] for r in receiver.requests] == ["/hook", "/hook"]  # not /elsewhere
    assert "HTTP 302" in Outbox.get_by_id(hook.id).error or "HTTP 500" in Outbox.get_by_id(
        hook.id).error
    receiver.close()


def test_quiet_hours_hold_customer_messages_until_morning(shop, service):
    now = datetime.now()
    start, end = (now - timedelta(hours=1)), (now + timedelta(hours=1))
    configure(quiet_hours=(start.time().replace(second=0, microsecond=0),
                           end.time().replace(second=0, microsecond=0)))
    new_order(service, shop)
    sms = Outbox.get(Outbox.channel == "sms")
    assert sms.status == "deferred" and f"goes out at {end:%H:%M}" in sms.error
    due(utcnow() + timedelta(minutes=30))
    assert Outbox.get_by_id(sms.id).status == "deferred"
    due(utcnow() + timedelta(hours=2))
    assert Outbox.get_by_id(sms.id).status == "stored"  # the embedded outbox keeps it


def test_daily_cap_defers_the_extra_message_to_tomorrow(shop, service):
    configure(daily_cap=1)
    new_order(service, shop)  # ORD-00001
    new_order(service, shop)  # ORD-00002
    first, second = Outbox.select().where(Outbox.channel == "sms").order_by(Outbox.id)
    assert first.status == "stored" and second.status == "deferred"
    assert "Daily limit of 1" in second.error
    due(utcnow() + timedelta(days=1, hours=1))
    assert Outbox.get_by_id(second.id).status == "stored"


def test_users_who_ask_get_their_inbox_by_email_even_in_quiet_hours(shop, service):
    configure(quiet_hours=(datetime.min.time(), datetime.strptime("23:59", "%H:%M").time()))
    User.update(email="anna@example.com", email_notifications=True).where(
        User.username == "anna").execute()
    new_order(service, shop)
    mail = Outbox.get(Outbox.channel == "email")
    assert mail.recipient == "anna@example.com" and "ORD-00001" in mail.body
    assert mail.status == "stored"  # staff mail is not held like customers' SMS


def test_the_environment_reaches_channels_and_a_bad_setting_is_refused_with_its_name(
        monkeypatch, tmp_path):
    from growbase.channels import check_settings
    monkeypatch.setenv("GROWBASE_SMS_GATEWAY", "smsc")
    with pytest.raises(ValueError, match="GROWBASE_SMS_GATEWAY.*outbox, twilio, smsru"):
        check_settings(load_settings(data_dir=tmp_path, secret_key="s"))
    monkeypatch.setenv("GROWBASE_SMS_GATEWAY", "outbox")
    monkeypatch.setenv("GROWBASE_QUIET_HOURS", "late")
    with pytest.raises(SystemExit, match='GROWBASE_QUIET_HOURS is "late"; it must read like '
                                         '21:00-09:00'):
        load_settings(data_dir=tmp_path, secret_key="s")
    monkeypatch.setenv("GROWBASE_QUIET_HOURS", "21:30-09:00")
    monkeypatch.setenv("GROWBASE_DAILY_CAP", "3")
    monkeypatch.setenv("GROWBASE_WEBHOOK_ALLOW", "10.0.0.0/8, CRM.local")
    conf = load_settings(data_dir=tmp_path, secret_key="s").channels
    assert (conf.quiet_hours[0].hour, conf.quiet_hours[0].minute, conf.daily_cap) == (21, 30, 3)
    assert conf.webhook_allow == ("10.0.0.0/8", "crm.local")
    other = load_settings(data_dir=tmp_path, secret_key="t").channels
    assert conf.webhook_key != other.webhook_key  # derived from each install's own secret


def test_a_worker_wires_what_automation_hears(db):
    """Every worker (and web process) hears committed events, queued messages and messages
    that failed for good: without the last, a rule whose SMS never go out stays on."""
    from growbase import channels, records
    from growbase.automation.safety import after_failure
    from growbase.worker import enqueue, listen, queue_delivery
    listen()
    listen()  # twice (the web app and the consumer's start both call it): each hook once
    assert records.listeners.count(enqueue) == 1
    assert channels.queued_listeners.count(queue_delivery) == 1
    assert channels.gave_up_listeners.count(after_failure) == 1
