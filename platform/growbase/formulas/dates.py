"""Date functions: TODAY, NOW, DAYS, DATEADD, WORKDAYS, YEAR, MONTH, and the date
arithmetic of + and -. TODAY and NOW are read once per evaluation (the same moment for
Python and SQL); months are added as PostgreSQL adds them (31 January + 1 month is the
28th or 29th of February), and SQLite calls the same Python for it."""

import calendar
from datetime import date, datetime, timedelta

from peewee import SQL, Case, NodeList, fn

from ..db import SQLITE_FUNCTIONS
from ..i18n import gettext as _
from .exact import const
from .functions import Function, register
from .grammar import FormulaError
from .types import DATE, DATETIME, INTEGER

UNITS = {"day": "days", "days": "days", "week": "weeks", "weeks": "weeks", "month": "months",
         "months": "months", "year": "years", "years": "years"}


def day_of(value):
    return value.date() if isinstance(value, datetime) else value


def add_period(base, count, unit="days"):
    """`base` (a date or a datetime) moved by `count` units, months clamped to the month's end."""
    if base is None or count is None:
        return None
    count = int(count)
    if unit in ("days", "weeks"):
        return base + timedelta(days=count * (7 if unit == "weeks" else 1))
    months = base.month - 1 + count * (12 if unit == "years" else 1)
    year, month = base.year + months // 12, months % 12 + 1
    return base.replace(year=year, month=month,
                        day=min(base.day, calendar.monthrange(year, month)[1]))


def workdays(start, end):
    """Monday-to-Friday days from start to end, both counted; negative when end comes first."""
    if start is None or end is None:
        return None
    start, end = day_of(start), day_of(end)
    sign = -1 if end < start else 1
    low, high = min(start, end), max(start, end)
    weeks, rest = divmod((high - low).days + 1, 7)
    extra = sum(1 for i in range(rest) if (low.weekday() + i) % 7 < 5)
    return sign * (weeks * 5 + extra)


def stored(text):
    """A date or datetime as SQLite keeps it (text), read back."""
    if text is None:
        return None
    return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)


def as_stored(value):
    return None if value is None else (value.isoformat() if type(value) is date else str(value))


SQLITE_FUNCTIONS["gb_dateadd"] = (
    lambda text, count, unit: as_stored(add_period(stored(text), count, unit)), 3)
SQLITE_FUNCTIONS["gb_workdays"] = (
    lambda start, end: workdays(stored(start), stored(end)), 2)


def sql_moment(value, ctx):
    """A date or datetime for SQL: text as SQLite stores it, the value itself for PostgreSQL."""
    return const(value if ctx.postgres else as_stored(value))


def sql_add(base, count, unit, kind, ctx):
    if not ctx.postgres:
        return fn.gb_dateadd(base, count, const(unit))
    moved = base + fn.make_interval(NodeList((SQL(unit), SQL("=>"), fn.CAST(
        NodeList((count, SQL("AS INTEGER")))))))
    return fn.CAST(NodeList((moved, SQL("AS DATE" if kind.kind == "date" else
                                       "AS TIMESTAMP"))))


def sql_days(end, start, ctx):
    if ctx.postgres:
        return fn.CAST(NodeList((end, SQL("AS DATE")))) - fn.CAST(NodeList((start, SQL("AS DATE"))))
    return fn.CAST(NodeList((fn.julianday(fn.date(end)) - fn.julianday(fn.date(start)),
                             SQL("AS INTEGER"))))


class Clock(Function):
    arity = (0, 0)
    volatile = True


@register
class Today(Clock):
    name = "TODAY"

    def answer(self, types, args):
        return DATE

    def python(self, values, node, ctx):
        return ctx.now.date()

    def sql(self, args, node, ctx):
        return sql_moment(ctx.now.date(), ctx)


@register
class Now(Clock):
    name = "NOW"

    def answer(self, types, args):
        return DATETIME

    def python(self, values, node, ctx):
        return ctx.now

    def sql(self, args, node, ctx):
        return sql_moment(ctx.now, ctx)


class Dated(Function):
    def answer(self, types, args):
        for i, kind in enumerate(types[:self.dated]):
            if kind.kind not in ("date", "datetime"):
                raise FormulaError(_("%(name)s: argument %(n)s must be a date, not %(type)s.",
                                     name=self.name, n=i + 1, type=kind.describe()))
        return self.gives(types, args)


@register
class Days(Dated):
    name, arity, dated = "DAYS", (2, 2), 2

    def gives(self, types, args):
        return INTEGER

    def python(self, values, node, ctx):
        end, start = values
        return None if end is None or start is None else (day_of(end) - day_of(start)).days

    def sql(self, args, node, ctx):
        return sql_days(args[0], args[1], ctx)


@register
class DateAdd(Dated):
    name, arity, dated = "DATEADD", (2, 3), 1

    def gives(self, types, args):
        if not (types[1].number and types[1].scale == 0):
            raise FormulaError(_("DATEADD adds a whole number: DATEADD({date}, 3, \"days\")."))
        self.unit(args)
        return types[0]

    @staticmethod
    def unit(args):
        if len(args) < 3:
            return "days"
        unit = UNITS.get(str(getattr(args[2], "value", "")).lower())
        if unit is None:
            raise FormulaError(_("DATEADD counts in \"days\", \"weeks\", \"months\" or \"years\", "
                                 "written in quotes."))
        return unit

    def python(self, values, node, ctx):
        return add_period(values[0], values[1], self.unit(node.args))

    def sql(self, args, node, ctx):
        return sql_add(args[0], args[1], self.unit(node.args), node.type, ctx)


@register
class Workdays(Dated):
    name, arity, dated = "WORKDAYS", (2, 2), 2

    def gives(self, types, args):
        return INTEGER

    def python(self, values, node, ctx):
        return workdays(*values)

    def sql(self, args, node, ctx):
        if not ctx.postgres:
            return fn.gb_workdays(*args)
        start, end = (fn.CAST(NodeList((a, SQL("AS DATE")))) for a in args)
        count = NodeList((SQL("(SELECT count(*) FROM generate_series(LEAST("), start, SQL(", "),
                          end, SQL("), GREATEST("), start, SQL(", "), end,
                          SQL("), interval '1 day') AS d WHERE extract(isodow FROM d) < 6)")),
                         glue="")
        sign = Case(None, [(end < start, const(-1))], const(1))
        return Case(None, [(args[0].is_null() | args[1].is_null(), None)], sign * count)


@register
class Year(Dated):
    name, arity, dated = "YEAR", (1, 1), 1
    part = "year"

    def gives(self, types, args):
        return INTEGER

    def python(self, values, node, ctx):
        return None if values[0] is None else getattr(values[0], self.part)

    def sql(self, args, node, ctx):
        if ctx.postgres:
            return fn.CAST(NodeList((fn.date_part(const(self.part), args[0]), SQL("AS INTEGER"))))
        return fn.CAST(NodeList((fn.strftime(const("%Y" if self.part == "year" else "%m"), args[0]),
                                 SQL("AS INTEGER"))))


@register
class Month(Year):
    name, part = "MONTH", "month"
