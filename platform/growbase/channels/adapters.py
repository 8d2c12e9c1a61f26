"""Adapters that take a message out of the machine: SMS gateways, SMTP, webhooks.

Chosen by the channel settings (config.ChannelSettings; README, "Channels"):
GROWBASE_SMS_GATEWAY=outbox|twilio|smsru with GROWBASE_SMS_LOGIN / _PASSWORD / _FROM /
_URL; GROWBASE_SMTP_URL (smtp://user:pass@host:port, smtps:// for TLS, ?starttls=1) and
GROWBASE_MAIL_FROM; webhooks always go by HTTP, signed with GROWBASE_WEBHOOK_SECRET.
`outbox` (the default for SMS and email) keeps messages in the outbox table: nothing
leaves the machine.
"""

import base64
import hashlib
import hmac
import json
import smtplib
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from ..errors import GrowbaseError
from ..files import storage
from ..i18n import gettext as _
from . import guard


class SendError(GrowbaseError, RuntimeError):
    """The other side refused or did not answer; the message is tried again later."""


def http(url, body, headers, auth=None, timeout=15, opener=None):
    """POST; (status, body). `opener` decides where it may go (webhooks: guard.opener())."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    if auth:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        raise SendError(_("No answer from %(url)s: %(error)s", url=url,
                          error=getattr(exc, "reason", exc))) from None


def form(fields):
    return urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


def read_json(raw):
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {"message": raw[:200].decode(errors="replace")}


class Gateway:
    """An SMS gateway reached at its public address, or at GROWBASE_SMS_URL."""
    url = ""

    def __init__(self, conf):
        self.conf = conf
        self.base = conf.sms_url or self.url


class Twilio(Gateway):
    """Twilio Programmable Messaging: POST /2010-04-01/Accounts/{SID}/Messages.json,
    Basic auth (account SID, auth token), form fields To, From, Body; 201 on success."""
    url = "https://api.twilio.com"

    def send(self, message):
        sid = self.conf.sms_login
        body, headers = form({"To": message.recipient, "From": self.conf.sms_from,
                              "Body": message.body})
        status, raw = http(f"{self.base}/2010-04-01/Accounts/{sid}/Messages.json", body,
                           headers, auth=(sid, self.conf.sms_password))
        data = read_json(raw)
        if status not in (200, 201):
            raise SendError(f"Twilio {status}: {data.get('message', '')}")
        return f"Twilio {data.get('sid', '')}"


class SmsRu(Gateway):
    """SMS.ru: POST /sms/send with api_id, to (digits), msg, json=1 [, from]; the answer
    says OK or ERROR overall and per number."""
    url = "https://sms.ru"

    def send(self, message):
        fields = {"api_id": self.conf.sms_login, "to": message.recipient.lstrip("+"),
                  "msg": message.body, "json": "1"}
        if self.conf.sms_from:
            fields["from"] = self.conf.sms_from
        status, raw = http(f"{self.base}/sms/send", *form(fields))
        data = read_json(raw)
        if status != 200 or data.get("status") != "OK":
            raise SendError(f"SMS.ru: {data.get('status_text') or data.get('message') or status}")
        sent = next(iter((data.get("sms") or {}).values()), {})
        if sent.get("status") != "OK":
            raise SendError(f"SMS.ru: {sent.get('status_text', sent.get('status_code'))}")
        return f"SMS.ru {sent.get('sms_id', '')}"


class Smtp:
    """Email by SMTP: plain text, with an HTML alternative when the rule gives one."""

    def __init__(self, url, sender):
        self.sender = sender
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(_("GROWBASE_SMTP_URL must read like smtp://user:password@host:587"
                               "?starttls=1 or smtps://host:465."))
        self.tls = parts.scheme == "smtps"
        self.host, self.port = parts.hostname, parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username or "")
        self.password = unquote(parts.password or "")
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")

    def send(self, message):
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail["Message-ID"] = make_msgid(idstring=f"growbase-{message.id}")
        mail.set_content(message.body)
        if message.html:
            mail.add_alternative(message.html, subtype="html")
        for attached in message.attachments or []:  # a document a rule made
            kind, _slash, sub = (attached.get("type") or "application/octet-stream").partition("/")
            mail.add_attachment(storage.read(attached["id"]), maintype=kind, subtype=sub,
                                filename=attached["name"])
        connect = smtplib.SMTP_SSL if self.tls else smtplib.SMTP
        try:
            with connect(self.host, self.port, timeout=20) as server:
                if self.starttls:
                    server.starttls()
                if self.user:
                    server.login(self.user, self.password)
                server.send_message(mail)
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"SMTP {self.host}:{self.port}: {exc}") from None
        return f"SMTP {mail['Message-ID']}"


class Webhook:
    """POST the JSON body; X-Growbase-Signature is sha256=HMAC(secret, "<timestamp>.<body>")
    so a receiver can check it came from us and is fresh; X-Growbase-Delivery (the
    message id) lets it ignore a repeat. Only to public addresses, never redirected (see
    guard); what the receiver answers is not kept, only its status."""

    def __init__(self, conf):
        self.key, self.allow = conf.webhook_key, conf.webhook_allow

    def send(self, message):
        guard.check_url(message.recipient, self.allow)
        body = message.body.encode()
        stamp = str(int(time.time()))
        signature = hmac.new(self.key, stamp.encode() + b"." + body,
                             hashlib.sha256).hexdigest()
        status, raw = http(message.recipient, body, {
            "Content-Type": "application/json", "User-Agent": "growbase",
            "X-Growbase-Delivery": str(message.id), "X-Growbase-Timestamp": stamp,
            "X-Growbase-Signature": f"sha256={signature}"}, opener=guard.opener(self.allow))
        if not 200 <= status < 300:
            raise SendError(f"HTTP {status}" + (_(" (a redirect: give the final address)")
                                                if 300 <= status < 400 else ""))
        return f"HTTP {status}"


SMS_GATEWAYS = {"twilio": Twilio, "smsru": SmsRu}


def sms_gateway(conf):
    """The SMS gateway GROWBASE_SMS_GATEWAY names; None ("outbox") keeps messages here."""
    name = conf.sms_gateway
    if name == "outbox":
        return None
    if name not in SMS_GATEWAYS:
        raise ValueError(_("GROWBASE_SMS_GATEWAY is \"%(name)s\"; use one of: outbox, %(names)s.",
                           name=name, names=", ".join(SMS_GATEWAYS)))
    return SMS_GATEWAYS[name](conf)


def smtp(conf):
    """SMTP as GROWBASE_SMTP_URL says; None (unset) keeps emails in the outbox."""
    return Smtp(conf.smtp_url, conf.mail_from) if conf.smtp_url else None
