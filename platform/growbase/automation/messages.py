"""Actions that send a message out: SMS, email, webhook. Rendered here, written to the
outbox, sent by their channel.

A message whose text prints an empty field ("трек ." without a tracking number) is held
in the outbox with the reason, not sent: the rule's run says so, the owners are told
(once while they have not read it), and "Send anyway" lets it go as it is.
"""

import json

import phonenumbers

from ..channels import post
from ..channels.kinds import channel_words
from ..i18n import Said
from ..i18n import gettext as _
from ..i18n import in_locale
from ..tables import OWNER, Notification
from .action_base import TEXT, Action, ActionFailed, notify, register, users_with_role
from .templates import holes, render


class Message(Action):
    """An outgoing message: rendered here, written to the outbox, sent by its channel.

    A record with no address (a customer without email) skips the message and says so;
    an address that is there but unusable fails the run, for the owner to fix."""
    channel = ""

    def recipient(self, text):
        return text

    def compose(self, params, ctx):
        """(recipient, subject, body, html, empty) as they would be sent, `empty` the labels
        of the empty fields the texts print; None: nobody to send to."""
        context = ctx.template_context
        to = render(params["to"], **context)
        if not to:
            return None
        with holes() as empty:
            subject = render(params.get("subject", ""), **context)
            body = render(params["text"], **context)
            html = render(params["html"], html=True, **context) if params.get("html") else ""
        return self.recipient(to), subject, body, html, empty

    def skipped(self):
        return Said("skipped: no %(channel)s address on the record", channel=self.channel)

    def run(self, params, ctx, attachments=None):
        composed = self.compose(params, ctx)
        if composed is None:
            return self.skipped()
        to, subject, body, html, empty = composed
        with in_locale(ctx.rule.locale):  # the owner reads why in the rule's language
            reason = held_because(empty)
            told = reason and _("A message of the rule \"%(rule)s\" is held: %(reason)s",
                                rule=ctx.rule.name, reason=reason)
            outcome = reason and _("held, not sent: %(reason)s", reason=reason)
        ctx.message = post(self.channel, to, body, subject=subject, html=html, held=reason,
                           rule=ctx.rule.key, entity=ctx.entity.name, record_id=ctx.record_id,
                           **({"attachments": attachments} if attachments else {}))
        if reason:
            tell_owners(told, ctx)
            return outcome
        return Said("%(channel)s to %(to)s", channel=self.channel, to=to)

    def describe(self, params, ctx):
        composed = self.compose(params, ctx)
        if composed is None:
            return self.skipped()
        to, subject, body, _html, empty = composed
        said = _("%(channel)s to %(to)s", channel=channel_words(self.channel), to=to) + ": " + " · ".join(
            part for part in (subject, body) if part)
        return said + (" — " + _("would be held: %(reason)s", reason=held_because(empty))
                       if empty else "")


def held_because(empty):
    """Why a message that prints empty fields is held (None: it is whole)."""
    if not empty:
        return None
    return _("the text has empty places where %(fields)s should be; fill them in on the "
             "record, or send it as it is with \"Send anyway\" in the outbox.",
             fields=", ".join(empty))


def tell_owners(text, ctx):
    """Into the owners' inboxes, once: not again while the same words wait unread."""
    waiting = {n.user_id for n in Notification.select(Notification.user).where(
        (Notification.text == text) & Notification.read_at.is_null())}
    for owner in users_with_role(OWNER):
        if owner.id not in waiting:
            notify(owner.id, text, ctx.entity.name, ctx.record_id)


@register
class SendSms(Message):
    name = "send_sms"
    channel = "sms"
    schema = {"type": "object", "required": ["to", "text"], "additionalProperties": False,
              "properties": {"to": TEXT, "text": TEXT}}
    templates = ("to", "text")

    def recipient(self, text):
        try:
            number = phonenumbers.parse(text, "RU")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ActionFailed(_("No phone number to send to (got \"%(to)s\").", to=text))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@register
class SendEmail(Message):
    name = "send_email"
    channel = "email"
    schema = {"type": "object", "required": ["to", "subject", "text"], "additionalProperties": False,
              "properties": {"to": TEXT, "subject": TEXT, "text": TEXT,
                             "html": {"type": "string", "minLength": 1, "maxLength": 20000}}}
    templates = ("to", "subject", "text", "html")

    def recipient(self, text):
        if "@" not in text:
            raise ActionFailed(_("No email address to send to (got \"%(to)s\").", to=text))
        return text


@register
class CallWebhook(Message):
    """POST the record (and the change) as JSON to a URL, signed with HMAC (see channels)."""
    name = "call_webhook"
    channel = "webhook"
    schema = {"type": "object", "required": ["url"], "additionalProperties": False,
              "properties": {"url": {"type": "string", "pattern": "^https?://", "maxLength": 2000}}}

    def compose(self, params, ctx):
        event = ctx.event
        body = json.dumps({"event": event.kind, "event_id": event.id, "rule": ctx.rule.key,
                           "entity": ctx.entity.name, "record_id": ctx.record_id,
                           "record": event.after or event.before, "changed": event.changed or [],
                           "before": event.before}, ensure_ascii=False, default=str)
        return params["url"], "", body, "", []
