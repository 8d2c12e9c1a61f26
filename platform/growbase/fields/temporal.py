"""Dates and date-times, typed in the user's locale or ISO, relative in conditions."""

import re
from datetime import date, datetime, timedelta

from babel.dates import format_date, format_datetime
from peewee import DateField, DateTimeField

from ..formulas.types import DATE, DATETIME
from ..i18n import gettext as _
from .base import FieldError, FieldType, register

DATE_OPERATORS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "is_empty", "within")

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOTS = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")  # 28.02.2024 (ru, de, ...)
_SLASHES = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")  # 02/28/2024 (en-US)
# 14:30, 14:30:05, and the 12-hour clock English spreadsheets write: 2:30 PM, 2:30 p.m.
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?$")
_SPAN = re.compile(r"^(\d+)\s*(m|min|h|d|w)$")
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
EXCEL_DATE = {"en": "mm/dd/yyyy", "ru": "dd.mm.yyyy"}


def date_example(locale):
    """A date as the locale writes it (and the importer reads it)."""
    return "02/28/2026" if locale == "en" else "28.02.2026"


def not_a_date(raw, locale, time=""):
    """The refusal of a value that is not a date at all. A number most likely came from a
    spreadsheet cell that lost its date format; which day it stands for depends on the
    workbook's date system (1900 or 1904), so it is not guessed."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return FieldError(_("%(value)s is a number, not a date: format the column as dates in "
                            "the spreadsheet, or write it like %(example)s.",
                            value=raw, example=date_example(locale) + time))
    return FieldError(_("Enter a date and time.") if time else _("Enter a date."))


def _year(text):
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def parse_date_text(text, locale):
    """Read ISO, day.month.year, or month/day/year (day/month/year outside English)."""
    for pattern, order in ((_ISO, "ymd"), (_DOTS, "dmy"),
                           (_SLASHES, "mdy" if locale == "en" else "dmy")):
        found = pattern.match(text)
        if found:
            parts = dict(zip(order, found.groups()))
            try:
                return date(_year(parts["y"]), int(parts["m"]), int(parts["d"]))
            except ValueError:
                raise FieldError(_("%(text)s is not a day in the calendar; check the day and month.",
                                   text=text)) from None
    raise FieldError(_("%(text)s is not a date; write it like %(example)s or 2026-02-28.",
                       text=text, example=date_example(locale)))


def span(text):
    """Parse "2d", "3h", "45m", "1w" into a timedelta."""
    found = _SPAN.match(str(text).strip())
    if not found:
        raise FieldError(_("Write a time span like 30m, 3h, 2d or 1w."))
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


PERIODS = {"month": 1, "quarter": 3, "year": 12}  # months long


def period_start(now, period, count):
    """The first moment of the week (from Monday), month, quarter or year `count` periods
    from the one `now` is in (0: this one, -1: the last, 1: the next)."""
    day = now.date()
    if period == "week":
        start = day - timedelta(days=day.weekday()) + timedelta(weeks=count)
    else:
        months = PERIODS[period]
        index = day.year * 12 + (day.month - 1) // months * months + count * months
        start = date(index // 12, index % 12 + 1, 1)
    return datetime.combine(start, datetime.min.time())


def relative(spec, now):
    """Resolve {"today": N}, {"ago": "2d"}, {"ahead": "3h"} or the start of a period
    ({"month": 0}: this month's first day; "this month" is gte that and lt {"month": 1})."""
    try:
        if "today" in spec:
            return datetime.combine(now.date() + timedelta(days=int(spec["today"])),
                                    datetime.min.time())
        if "ago" in spec:
            return now - span(spec["ago"])
        if "ahead" in spec:
            return now + span(spec["ahead"])
        for period in ("week", *PERIODS):
            if period in spec:
                return period_start(now, period, int(spec[period]))
    except FieldError:
        raise
    except (TypeError, ValueError, OverflowError):
        pass  # a count that is not a whole number: said below
    raise FieldError(_("A relative date is {\"today\": 0}, {\"ago\": \"2d\"}, {\"ahead\": \"3h\"} "
                       "or the first day of a period: {\"week\": 0}, {\"month\": 0}, "
                       "{\"quarter\": 0}, {\"year\": 0} (-1: the one before, 1: the next)."))


# {"within": NAME}: from the first moment of a period up to (not including) the next one's
NAMED = {"today": ("today", 0, 1), "yesterday": ("today", -1, 0), "tomorrow": ("today", 1, 2),
         **{f"{word}_{period}": (period, count, count + 1) for period in ("week", *PERIODS)
            for word, count in (("this", 0), ("last", -1), ("next", 1))}}
_DAYS = re.compile(r"^(last|next)_(\d{1,4})_days$")


def window(raw, now):
    """[start, end) of {"within": ...}: a named period ("this_month", "last_week" ...), or
    days counted with today: "last_7_days" / {"last": 7} (today and the six before),
    "next_7_days" / {"next": 7} (today and the six after)."""
    found = _DAYS.match(raw) if isinstance(raw, str) else None
    if found:
        raw = {found.group(1): int(found.group(2))}
    if isinstance(raw, dict) and len(raw) == 1 and set(raw) <= {"last", "next"}:
        (way, days), = raw.items()
        if isinstance(days, int) and not isinstance(days, bool) and 0 < days <= 3660:
            if way == "last":
                return relative({"today": 1 - days}, now), relative({"today": 1}, now)
            return relative({"today": 0}, now), relative({"today": days}, now)
    if isinstance(raw, str) and raw in NAMED:
        unit, start, end = NAMED[raw]
        return relative({unit: start}, now), relative({unit: end}, now)
    raise FieldError(_("Name a period: %(names)s, or a number of days: \"last_30_days\", "
                       "\"next_7_days\" ({\"last\": 30}, {\"next\": 7}).",
                       names=", ".join(NAMED)))


class Temporal(FieldType):
    operators = DATE_OPERATORS
    indexed = True
    dated = True

    def condition_arg(self, op, raw, field):
        if op == "within":
            return tuple(self.parse(moment, field) for moment in window(raw, datetime.now()))
        if isinstance(raw, dict):
            return self.parse(relative(raw, datetime.now()), field)
        return super().condition_arg(op, raw, field)

    def match(self, op, value, arg):
        if op == "within":
            return value is not None and arg[0] <= value < arg[1]
        return super().match(op, value, arg)

    def compile(self, op, column, arg):
        if op == "within":
            return column.is_null(False) & (column >= arg[0]) & (column < arg[1])
        return super().compile(op, column, arg)

    def default_value(self, field, user_id=None):
        """"default": "now" (or "today"): the moment (a date field: the day) of creation."""
        if field.get("default") in ("now", "today"):
            return self.parse(datetime.now(), field)
        return super().default_value(field, user_id)


@register
class Date(Temporal):
    name = "date"
    filter_widget = "datepicker"
    day_only = True
    editor = shown_as = "date"

    def column(self, field):
        return DateField(null=True)

    def formula_type(self, field):
        return DATE

    def parse_value(self, raw, field, locale):
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if isinstance(raw, str):
            return parse_date_text(raw.split("T")[0] if _ISO.match(raw.split("T")[0]) else raw,
                                   locale)
        raise not_a_date(raw, locale)

    def to_json(self, value, field):
        return None if value is None else value.isoformat()

    def display(self, value, field, locale="en"):
        return "" if value is None else format_date(value, "medium", locale=locale)

    def cell(self, value, field, locale="en"):
        return value

    def number_format(self, field, locale="en"):
        return EXCEL_DATE.get(locale, EXCEL_DATE["en"])

    def hint(self, field, locale="en"):
        return date_example(locale)

    def form_text(self, value, field, locale="en"):
        return "" if value is None else value.isoformat()

    def input_attrs(self, field):
        return dict(super().input_attrs(field), type="date")


@register
class DateTime(Temporal):
    name = "datetime"
    filter_widget = "datetimepicker"
    editor = shown_as = "datetime"

    def column(self, field):
        return DateTimeField(null=True)

    def formula_type(self, field):
        return DATETIME

    def parse_value(self, raw, field, locale):
        if isinstance(raw, datetime):
            return raw.replace(microsecond=0, tzinfo=None)
        if isinstance(raw, date):
            return datetime.combine(raw, datetime.min.time())
        if not isinstance(raw, str):
            raise not_a_date(raw, locale, " 14:30")
        text = raw.replace("T", " ").strip()
        day_text, _sep, time_text = text.partition(" ")
        day = parse_date_text(day_text, locale)
        time_text = time_text.strip()
        if not time_text:
            return datetime.combine(day, datetime.min.time())
        found = _TIME.match(time_text) or _TIME.match(time_text[:8])  # 14:30:05.250 too
        if found:
            hour, minute, second, half = found.groups()
            hour, minute, second = int(hour), int(minute), int(second or 0)
            if half:  # 12:05 AM is five past midnight
                hour = hour % 12 + (12 if half in "Pp" else 0) if 1 <= hour <= 12 else 24
            if hour < 24 and minute < 60 and second < 60:
                return datetime(day.year, day.month, day.day, hour, minute, second)
        raise FieldError(_("%(text)s: write the time like 14:30.", text=raw))

    def to_json(self, value, field):
        return None if value is None else value.isoformat(timespec="seconds")

    def display(self, value, field, locale="en"):
        return "" if value is None else format_datetime(value, "short", locale=locale)

    def cell(self, value, field, locale="en"):
        return value

    def number_format(self, field, locale="en"):
        return EXCEL_DATE.get(locale, EXCEL_DATE["en"]) + " hh:mm"

    def hint(self, field, locale="en"):
        return date_example(locale) + " 14:30"

    def form_text(self, value, field, locale="en"):
        return "" if value is None else value.isoformat(timespec="minutes")

    def input_attrs(self, field):
        return dict(super().input_attrs(field), type="datetime-local")
