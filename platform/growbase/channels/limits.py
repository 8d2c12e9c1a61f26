"""Quiet hours and a per-recipient daily cap for messages to customers: held, never dropped.

GROWBASE_QUIET_HOURS="21:00-09:00" (local time of the server; TZ sets it) and
GROWBASE_DAILY_CAP=3 (messages per recipient per channel per local day), read into the
channel settings. Unset: no limit.
"""

from datetime import datetime, time, timedelta, timezone

from ..i18n import gettext as _
from ..tables import Outbox

LET_OUT = ("stored", "queued", "sending", "sent")


def to_local(utc):
    return utc.replace(tzinfo=timezone.utc).astimezone().replace(tzinfo=None)


def to_utc(local):
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def is_quiet(moment, quiet):
    start, end = quiet
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def hold(channel, recipient, now, conf):
    """(until as UTC, reason) when a message to a customer must wait, else None."""
    local = to_local(now)
    quiet = conf.quiet_hours
    if quiet and is_quiet(local.time(), quiet):
        until = datetime.combine(local.date(), quiet[1])
        if until <= local:
            until += timedelta(days=1)
        return to_utc(until), _("Quiet hours: goes out at %(time)s.", time=until.strftime("%H:%M"))
    cap = conf.daily_cap
    if cap:
        day_start = datetime.combine(local.date(), time())
        sent = Outbox.select().where(
            (Outbox.channel == channel) & (Outbox.recipient == recipient) &
            Outbox.status.in_(LET_OUT) & (Outbox.released_at >= to_utc(day_start))).count()
        if sent >= cap:
            until = day_start + timedelta(days=1)
            if quiet and is_quiet(until.time(), quiet):
                until = datetime.combine(until.date(), quiet[1])
            return to_utc(until), _("Daily limit of %(n)s reached for this recipient: goes out "
                                    "%(when)s.", n=cap, when=until.strftime("%d.%m %H:%M"))
    return None
