"""The channels a message goes by, in a registry like field types and actions: each says
how it leaves the machine (its adapter; None keeps it in the outbox), whether quiet hours
and the daily cap apply, and how it is posted: to the outbox, or, for the inbox, straight
into a user's notifications."""

from ..db import insert_row
from ..i18n import gettext as _
from ..registry import registry
from ..tables import Notification, User, utcnow
from . import adapters
from .outbox import write

channel_types, register = registry("channel")


def channel_words(channel):
    """A message's channel in words."""
    return {"sms": "SMS", "email": _("e-mail"), "webhook": _("webhook")}.get(channel, channel)


class Channel:
    name = ""
    limited = False  # messages to customers: quiet hours and the daily cap apply
    outbox = True  # posted to the outbox (the inbox is written at once)

    def adapter(self, conf):
        """How it leaves the machine under the channel settings `conf`; None: kept in the outbox."""
        return None

    def post(self, conf, recipient, body, **details):
        """Write the message (in the caller's transaction); return its id."""
        return write(self, conf, recipient, body, **details)


@register
class Sms(Channel):
    name = "sms"
    limited = True

    def adapter(self, conf):
        return adapters.sms_gateway(conf)


@register
class Email(Channel):
    name = "email"
    limited = True

    def adapter(self, conf):
        return adapters.smtp(conf)


@register
class Webhook(Channel):
    name = "webhook"

    def adapter(self, conf):
        return adapters.Webhook(conf)


@register
class Inbox(Channel):
    """A user's inbox in growbase: written at once, never queued; a user who asked for
    their messages by email gets each one by email too."""
    name = "inbox"
    outbox = False

    def post(self, conf, recipient, body, entity=None, record_id=None, **_details):
        notification = insert_row(Notification, dict(user=recipient, text=body, entity=entity,
                                                     record_id=record_id, created_at=utcnow()))
        user = User.get_or_none(User.id == recipient)
        if user is not None and user.email_notifications and user.email:
            channel_types["email"].post(conf, user.email, body, to_customer=False, entity=entity,
                                        record_id=record_id,
                                        subject=_("growbase: %(text)s", text=body[:80]))
        return notification
