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


class Channel:
    name = ""
    limited = False  # messages to customers: quiet hours and the daily cap apply
    outbox = True  # posted to the outbox (the inbox is written at once)

    def adapter(self):
        """How it leaves the machine now (read from the settings); None: kept in the outbox."""
        return None

    def post(self, recipient, body, **details):
        """Write the message (in the caller's transaction); return its id."""
        return write(self, recipient, body, **details)


@register
class Sms(Channel):
    name = "sms"
    limited = True

    def adapter(self):
        return adapters.sms_gateway()


@register
class Email(Channel):
    name = "email"
    limited = True

    def adapter(self):
        return adapters.smtp()


@register
class Webhook(Channel):
    name = "webhook"

    def adapter(self):
        return adapters.Webhook()


@register
class Inbox(Channel):
    """A user's inbox in growbase: written at once, never queued; a user who asked for
    their messages by email gets each one by email too."""
    name = "inbox"
    outbox = False

    def post(self, recipient, body, entity=None, record_id=None, **_details):
        notification = insert_row(Notification, dict(user=recipient, text=body, entity=entity,
                                                     record_id=record_id, created_at=utcnow()))
        user = User.get_or_none(User.id == recipient)
        if user is not None and user.email_notifications and user.email:
            channel_types["email"].post(user.email, body, to_customer=False, entity=entity,
                                        record_id=record_id,
                                        subject=_("growbase: %(text)s", text=body[:80]))
        return notification
