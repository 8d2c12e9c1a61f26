"""Dates grouped by day, week (from Monday), month, quarter or year: the SQL that gives
each row its bucket's first day on SQLite and PostgreSQL, the label a person reads, and
the condition that picks a bucket's records (a drill-down)."""

from datetime import date, datetime, timedelta

from babel.dates import format_date
from peewee import fn

from ..db import is_postgres
from ..i18n import gettext as _


def bucket_sql(column, bucket):
    """The first day of the bucket the column's value falls in (NULL stays NULL)."""
    if is_postgres():
        return fn.date_trunc(bucket, column).cast("date")
    # SQLite keeps dates as ISO text: a month's or a year's first day is cut from it, a fifth
    # quicker over a million rows than working it out as a date
    if bucket == "day":
        return fn.substr(column, 1, 10)
    if bucket == "week":  # the first Monday on or after six days before: this week's
        return fn.date(column, "-6 days", "weekday 1")
    if bucket == "month":
        return fn.substr(column, 1, 7).concat("-01")
    if bucket == "quarter":
        month = (fn.substr(column, 6, 2).cast("integer") - 1) / 3 * 3 + 1
        return fn.printf("%s-%02d-01", fn.substr(column, 1, 4), month)
    return fn.substr(column, 1, 4).concat("-01-01")


def first_day(value):
    """A bucket's key as a date (SQLite answers text, PostgreSQL a date)."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    return date.fromisoformat(str(value)[:10])


def following(start, bucket):
    """The first day of the next bucket."""
    if bucket == "day":
        return start + timedelta(days=1)
    if bucket == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[bucket]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def bucket_label(start, bucket, locale):
    if bucket == "day":
        return format_date(start, "medium", locale=locale)
    if bucket == "week":
        return _("week of %(day)s", day=format_date(start, "d MMM yyyy", locale=locale))
    if bucket == "month":
        return format_date(start, "LLLL yyyy", locale=locale)
    if bucket == "quarter":
        return _("Q%(n)s %(year)s", n=(start.month - 1) // 3 + 1, year=start.year)
    return str(start.year)


def bucket_condition(field, start, bucket):
    """The records whose `field` falls in the bucket that begins on `start`."""
    if start is None:
        return {"field": field.name, "is_empty": True}
    end = following(start, bucket)
    if not field.type.day_only:
        start, end = (datetime.combine(d, datetime.min.time()) for d in (start, end))
    return {"all": [{"field": field.name, "gte": start.isoformat()},
                    {"field": field.name, "lt": end.isoformat()}]}
