"""A formula compiled to SQL (SQLite and PostgreSQL) over an entity's table: numbers as
scaled integers with the rounding of exact.py, links followed by subqueries. Backfills
and refreshes are one UPDATE per level with it; lists filter and sort the stored column."""

from peewee import NodeList, SQL, fn

from .dates import sql_add, sql_days
from .exact import (const, num, sql_count, sql_fitting, sql_rescale, sql_round_div, sql_whole,
                    to_int)
from .text import sql_join, sql_text_of
from .tree import Call, FieldRef, Literal, Negative


def compile_sql(node, column, ctx):
    """The SQL of `node`; `column(ref)` gives a FieldRef's SQL (a column or a subquery)."""
    if isinstance(node, Literal):
        if node.type.number:
            return num(to_int(node.value, node.type.scale), ctx)
        return const(node.value)
    if isinstance(node, FieldRef):
        return sql_count(column(node), ctx) if node.type.number else column(node)
    if isinstance(node, Negative):
        return const(0) - compile_sql(node.arg, column, ctx)
    if isinstance(node, Call):
        expr = node.function.sql([compile_sql(a, column, ctx) for a in node.args], node, ctx)
        return sql_count(expr, ctx) if node.type.number else expr
    left, right = compile_sql(node.left, column, ctx), compile_sql(node.right, column, ctx)
    a, b, out = node.left.type, node.right.type, node.type
    if node.op == "&":
        return sql_join([sql_text_of(left, a, ctx), sql_text_of(right, b, ctx)])
    if node.op in ("=", "<>", "<", ">", "<=", ">="):
        if a.number:
            scale = max(a.scale, b.scale)
            left, right = (sql_rescale(left, a.scale, scale, ctx),
                           sql_rescale(right, b.scale, scale, ctx))
        return NodeList((left, SQL("!=" if node.op == "<>" else node.op), right), parens=True)
    if a.kind == "date":
        if b.kind == "date":
            return sql_days(left, right, ctx)
        if ctx.postgres:
            days = sql_whole(right, ctx)
            return left + days if node.op == "+" else left - days
        return sql_add(left, right if node.op == "+" else const(0) - right, "days", a, ctx)
    if node.op in "+-":
        left, right = (sql_rescale(left, a.scale, out.scale, ctx),
                       sql_rescale(right, b.scale, out.scale, ctx))
        return left + right if node.op == "+" else left - right
    if node.op == "*":
        return sql_rescale(left * right, a.scale + b.scale, out.scale, ctx)
    shift = b.scale + out.scale - a.scale
    return sql_round_div(left * num(10 ** shift, ctx), right, ctx) if shift >= 0 else \
        sql_round_div(left, right * num(10 ** -shift, ctx), ctx)


def sql_stored(expr, kind, scale, ctx):
    """The SQL of a value as its column keeps it (see evaluate.as_stored)."""
    if kind.number:
        return sql_fitting(sql_rescale(expr, kind.scale, scale, ctx), ctx)
    if kind.kind == "text":
        return fn.NULLIF(expr, const(""))
    return expr
