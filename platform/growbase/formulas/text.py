"""Text functions: CONCAT (and the & operator's way of writing values), LEN, UPPER, LOWER,
LEFT, RIGHT. SQLite's own upper() and lower() only know ASCII, so there SQLite calls the
same Python as the evaluator."""

from peewee import SQL, Case, NodeList, fn

from ..db import SQLITE_FUNCTIONS
from ..i18n import gettext as _
from .exact import const, num, sql_div, sql_whole
from .functions import Function, register
from .grammar import FormulaError
from .types import INTEGER, TEXT


def text_of(value, kind):
    """How & and CONCAT write a value: blank as nothing, numbers with their scale's digits,
    dates as 2026-12-31."""
    if value is None:
        return ""
    if kind.number:
        return f"{value:.{kind.scale}f}"
    return value.isoformat() if kind.kind == "date" else value


def sql_text_of(expr, kind, ctx):
    if kind.number:
        if kind.scale == 0:
            return fn.COALESCE(fn.CAST(NodeList((expr, SQL("AS TEXT")))), const(""))
        unit = num(10 ** kind.scale, ctx)
        whole = sql_div(fn.ABS(expr), unit, ctx)
        part = fn.ABS(expr) - whole * unit
        padded = (fn.LPAD(fn.CAST(NodeList((part, SQL("AS TEXT")))), const(kind.scale), const("0"))
                  if ctx.postgres else fn.printf(const(f"%0{kind.scale}d"), part))
        sign = Case(None, [(expr < const(0), const("-"))], const(""))
        text = NodeList((sign, SQL("||"), fn.CAST(NodeList((whole, SQL("AS TEXT")))), SQL("||"),
                         const("."), SQL("||"), padded))
        return fn.COALESCE(text, const(""))
    if kind.kind == "date" and ctx.postgres:
        return fn.COALESCE(fn.TO_CHAR(expr, const("YYYY-MM-DD")), const(""))
    return fn.COALESCE(expr, const(""))


def sql_join(parts):
    return NodeList([p for part in parts for p in (SQL("||"), part)][1:], parens=True)


@register
class Concat(Function):
    name = "CONCAT"
    arity = (1, None)

    def answer(self, types, args):
        for kind in types:
            if kind.kind not in ("text", "number", "date"):
                raise FormulaError(_("CONCAT joins text, numbers and dates, not %(type)s.",
                                     type=kind.describe()))
        return TEXT

    def python(self, values, node, ctx):
        return "".join(text_of(v, n.type) for v, n in zip(values, node.args))

    def sql(self, args, node, ctx):
        return sql_join([sql_text_of(a, n.type, ctx) for a, n in zip(args, node.args)])


class TextFunction(Function):
    takes = "text"


@register
class Len(TextFunction):
    name = "LEN"

    def answer(self, types, args):
        return INTEGER

    def python(self, values, node, ctx):
        return len(values[0] or "")

    def sql(self, args, node, ctx):
        return fn.LENGTH(fn.COALESCE(args[0], const("")))


def change_case(text, upper):
    """Each character's own upper or lower case where that is one character (as
    PostgreSQL's upper() does: "ß" stays "ß"), so both back ends agree."""
    if text is None:
        return None
    out = []
    for char in text:
        changed = char.upper() if upper else char.lower()
        out.append(changed if len(changed) == 1 else char)
    return "".join(out)


SQLITE_FUNCTIONS["gb_upper"] = (lambda text: change_case(text, True), 1)
SQLITE_FUNCTIONS["gb_lower_chars"] = (lambda text: change_case(text, False), 1)


@register
class Upper(TextFunction):
    name = "UPPER"

    def answer(self, types, args):
        return TEXT

    def python(self, values, node, ctx):
        return change_case(values[0], True)

    def sql(self, args, node, ctx):
        return fn.UPPER(args[0]) if ctx.postgres else fn.gb_upper(args[0])


@register
class Lower(Upper):
    name = "LOWER"

    def python(self, values, node, ctx):
        return change_case(values[0], False)

    def sql(self, args, node, ctx):
        return fn.LOWER(args[0]) if ctx.postgres else fn.gb_lower_chars(args[0])


@register
class Left(Function):
    name = "LEFT"
    arity = (2, 2)

    def answer(self, types, args):
        if types[0].kind != "text" or not (types[1].number and types[1].scale == 0):
            raise FormulaError(_("%(name)s takes text and a whole number of characters, like "
                                 "%(name)s({name}, 3).", name=self.name))
        return TEXT

    def python(self, values, node, ctx):
        text, count = values
        if text is None or count is None:
            return None
        count = int(count)
        if count <= 0:
            return ""
        return text[:count] if self.name == "LEFT" else text[-count:]

    def sql(self, args, node, ctx):
        text, count = args[0], sql_whole(args[1], ctx)
        if self.name == "LEFT":
            cut = fn.SUBSTR(text, const(1), count)
        else:
            cut = fn.RIGHT(text, count) if ctx.postgres else fn.SUBSTR(text, const(0) - count)
        return Case(None, [(text.is_null() | count.is_null(), None),
                           (count <= const(0), const(""))], cut)


@register
class Right(Left):
    name = "RIGHT"
