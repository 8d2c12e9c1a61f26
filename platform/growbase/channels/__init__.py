"""Channels: how a message leaves the machine (or stays, by default).

The channels (sms, email, webhook, and the inbox, which writes a user's notifications at
once) register in kinds.py. Actions only post; for the outbox `post()` decides at once whether a message is held
(quiet hours, daily cap), kept (the embedded adapter) or queued for an adapter, and
`deliver()` sends a queued one: claimed first (queued -> sending, committed), so two
workers never send it twice; on failure it goes back to queued with a growing delay,
and after MAX_ATTEMPTS it stops as failed. A row a dead worker left in `sending` is
marked `unknown` for a person to check: better than a second SMS behind their back.
"""

from datetime import timedelta

from ..config import current
from ..db import database, update_by_id
from ..i18n import gettext as _
from ..tables import Outbox, utcnow
from .guard import Refused
from .kinds import channel_types
from .limits import hold
from .outbox import announce, queued_listeners  # noqa: F401 (the worker listens here)

MAX_ATTEMPTS = 5
STUCK_AFTER = timedelta(minutes=5)  # a send that took longer than this died with its worker
gave_up_listeners = []  # told of the rule whose message failed for good (it may be turned off)


def check_settings(settings):
    """Refuse a bad channel setting at start-up, with the variable's name and the fix."""
    for kind in channel_types.values():
        kind.adapter(settings.channels)


def retry_delay(attempts):
    """Seconds before attempt n+1: 10, 30, 90, 270 ... (a gateway gets time to recover)."""
    return 10 * 3 ** (attempts - 1)


def post(channel, recipient, body, **details):
    """Write one message by `channel` (a registered kind); return its id. In the caller's
    transaction: subject, html, to_customer, held and where it came from as `details`."""
    return channel_types[channel].post(current().channels, recipient, body, **details)


def kept():
    """The outbox's channels that keep their messages here (no gateway is set up)."""
    conf = current().channels
    return [kind.name for kind in channel_types.values() if kind.outbox and
            kind.adapter(conf) is None]


def adapter_of(message):
    """How the message leaves the machine under the settings the entry point gave."""
    return channel_types[message.channel].adapter(current().channels)


def deliver(message_id):
    """Send one queued message through its adapter; return the delay of the next try or None."""
    with database.atomic():
        claimed = (Outbox.update(status="sending", attempts=Outbox.attempts + 1,
                                 released_at=utcnow())
                   .where((Outbox.id == message_id) & (Outbox.status == "queued")).execute())
    if not claimed:
        return None  # sent, failed, or another worker has it
    message = Outbox.get_by_id(message_id)
    try:
        receipt = adapter_of(message).send(message)
    except Refused as exc:  # never to be sent as it is: failed now, not tried five times
        return failed(message, str(exc), final=True)
    except Exception as exc:  # the gateway's or the network's problem: say it, try later
        return failed(message, str(exc) or type(exc).__name__)
    update_by_id(Outbox, message_id, status="sent", error=receipt or "")
    return None


def failed(message, text, final=False):
    if final or message.attempts >= MAX_ATTEMPTS:
        update_by_id(Outbox, message.id, status="failed", error=text if final else _(
            "Gave up after %(n)s attempts: %(error)s", n=message.attempts, error=text))
        for listener in gave_up_listeners:
            listener(message.rule)
        return None
    delay = retry_delay(message.attempts)
    update_by_id(Outbox, message.id, status="queued",
                 not_before=utcnow() + timedelta(seconds=delay), error=_(
                     "Attempt %(n)s of %(max)s failed: %(error)s; trying again in %(s)s s.",
                     n=message.attempts, max=MAX_ATTEMPTS, error=text, s=delay))
    return delay


def resend(message_id):
    """Send a failed (or unknown) message again, or a held one as it is: a person asked."""
    message = Outbox.get_or_none(Outbox.id == message_id)
    if message is None or message.status not in ("failed", "unknown", "held"):
        return False
    kept = adapter_of(message) is None  # the embedded outbox: kept, not sent
    changed = (Outbox.update(status="stored" if kept else "queued", attempts=0, not_before=None,
                             error="", released_at=utcnow())
               .where((Outbox.id == message_id) & (Outbox.status == message.status)).execute())
    if changed and not kept:
        announce(message_id)
    return bool(changed)


def due(now=None):
    """What the minute's sweep must move: release deferred messages whose time came
    (held again if a cap still applies), mark dead sends unknown, return the ids of
    queued messages nobody is about to send."""
    now = now or utcnow()
    for message in Outbox.select().where((Outbox.status == "deferred") &
                                         (Outbox.not_before <= now)):
        held = hold(message.channel, message.recipient, now, current().channels)
        if held:
            update_by_id(Outbox, message.id, not_before=held[0], error=held[1])
        else:
            kept = adapter_of(message) is None
            update_by_id(Outbox, message.id, status="stored" if kept else "queued", error="",
                         not_before=None, released_at=now)
    (Outbox.update(status="unknown", error=_(
        "The worker stopped while sending; check with the provider before sending it again."))
     .where((Outbox.status == "sending") & (Outbox.released_at < now - STUCK_AFTER)).execute())
    waiting = (Outbox.select(Outbox.id).where(
        (Outbox.status == "queued") & (Outbox.released_at < now - timedelta(seconds=30)) &
        (Outbox.not_before.is_null() | (Outbox.not_before <= now))))
    return [row.id for row in waiting]
