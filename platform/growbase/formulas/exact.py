"""Exact numbers for formulas: a number of scale s is an integer count of 10**-s, in
Python and in SQL alike (stored decimals already are: fields/numbers.py). Only a quotient,
a rounding or a product past MAX_SCALE rounds, half away from zero, the same way in both.

PostgreSQL counts in NUMERIC (no step can overflow; `div` truncates like integer division);
SQLite in 64-bit integers, where an overflow turns the value into a float that the stored
column then refuses: past 18 digits a result is blank, never a crash."""

from decimal import Decimal

from peewee import SQL, Case, NodeList, Value, fn

LIMIT = 10 ** 18


def same(value):
    return value


def const(value):
    """A literal for SQL that no column's converter may rescale (peewee would apply a
    money column's db_value to the number it is multiplied by)."""
    return Value(value, converter=same)


def num(value, ctx):
    """A whole-number literal for the arithmetic: NUMERIC on PostgreSQL, which would
    otherwise take 3 for a 32-bit integer and overflow at 2 * 10**9."""
    return fn.CAST(NodeList((const(value), SQL("AS NUMERIC")))) if ctx.postgres else const(value)


def to_int(value, scale):
    return int(Decimal(value).scaleb(scale))


def from_int(count, scale):
    return None if count is None else Decimal(count).scaleb(-scale)


def round_div(x, y):
    """x / y rounded half away from zero; None for y == 0."""
    if y == 0:
        return None
    q = (2 * abs(x) + abs(y)) // (2 * abs(y))
    return q if (x >= 0) == (y > 0) else -q


def rescale(count, old, new):
    if new >= old:
        return count * 10 ** (new - old)
    return round_div(count, 10 ** (old - new))


def sql_sign(expr):
    return Case(None, [(expr < const(0), const(-1))], const(1))


def sql_div(x, y, ctx):
    """Integer division, truncated toward zero, on both back ends."""
    return fn.DIV(x, y) if ctx.postgres else x / y


def sql_round_div(x, y, ctx):
    """SQL of round_div."""
    two = num(2, ctx)
    magnitude = sql_div(two * fn.ABS(x) + fn.ABS(y), two * fn.ABS(y), ctx)
    return Case(None, [(y == const(0), None)], sql_sign(x) * sql_sign(y) * magnitude)


def sql_rescale(expr, old, new, ctx):
    if new == old:
        return expr
    if new > old:
        return expr * num(10 ** (new - old), ctx)
    return sql_round_div(expr, num(10 ** (old - new), ctx), ctx)


def fits(count):
    """Can a stored column keep this count (18 digits, a signed 64-bit integer)?"""
    return count is not None and abs(count) < LIMIT


def sql_fitting(expr, ctx):
    """The count as a stored integer column keeps it, blank past 18 digits."""
    if ctx.postgres:
        return Case(None, [(fn.ABS(expr) < const(LIMIT),
                            fn.CAST(NodeList((expr, SQL("AS BIGINT")))))], None)
    return Case(None, [(fn.typeof(expr) == const("integer"), expr)], None)


def sql_count(expr, ctx):
    """A stored count (a column) as the arithmetic takes it: NUMERIC on PostgreSQL."""
    return fn.CAST(NodeList((expr, SQL("AS NUMERIC")))) if ctx.postgres else expr


def sql_whole(expr, ctx):
    """A count where SQL wants an integer argument (LEFT's length, DATEADD's count)."""
    return fn.CAST(NodeList((expr, SQL("AS INTEGER")))) if ctx.postgres else expr
