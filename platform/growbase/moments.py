"""Moments as a person reads them: history, runs, messages and jobs are kept in UTC and
shown in the person's time zone (theirs if they chose one, else the business's), in one
format per language."""

from datetime import timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_datetime
from flask import has_request_context
from flask_login import current_user

from . import config
from .i18n import current_locale


@lru_cache(maxsize=1)
def zone_names():
    """The zones a person may choose, by name (Europe/Moscow ...)."""
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


def business_zone():
    name = config.current().time_zone
    return ZoneInfo(name) if name else None  # None: this machine's own


def zone():
    """The acting person's zone: their choice, else the business's."""
    chosen = getattr(current_user, "time_zone", "") if has_request_context() else ""
    if chosen and chosen in zone_names():
        return ZoneInfo(chosen)
    return business_zone()


def when(moment, utc=True):
    """A moment in the person's zone and language: "07.12.2026, 19:05" / "12/7/26, 7:05 PM".
    Naive moments are UTC as the system tables keep them, or (utc=False) the business's
    wall-clock time, as records keep theirs."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=timezone.utc if utc else business_zone()).astimezone(zone())
    return format_datetime(local, "short", locale=current_locale())
