"""The formula functions, in a registry like field types: each checks its arguments'
types and answers in Python and in SQL, the two kept in agreement by a property test
(tests/test_formulas.py). Blank inputs give a blank answer unless the function says
otherwise, never an error."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from peewee import SQL, Case, NodeList, fn

from ..i18n import gettext as _
from ..registry import registry
from .exact import const, from_int, num, rescale, sql_rescale, to_int
from .grammar import FormulaError
from .types import BOOLEAN, MAX_SCALE, Type

functions, register = registry("formula function")


@dataclass(frozen=True)
class Context:
    """What an evaluation reads besides the record: the back end, and the moment TODAY()
    and NOW() stand for (one for the whole write, in Python and SQL alike)."""
    postgres: bool = False
    now: datetime = field(default_factory=datetime.now)


def unify(types, name):
    """The one type several values share (IF's answers, COALESCE's, MIN's), or FormulaError."""
    first = types[0]
    for other in types[1:]:
        if other.kind != first.kind or (first.number and (other.unit, other.currency) !=
                                         (first.unit, first.currency) and other.unit and first.unit):
            raise FormulaError(_("%(name)s needs values of one kind; it got %(a)s and %(b)s.",
                                 name=name, a=first.describe(), b=other.describe()))
    if first.number:
        unit = next(((t.unit, t.currency) for t in types if t.unit), ("", ""))
        return Type("number", max(t.scale for t in types), *unit)
    return first


def sql_aligned(expr, source, target, ctx):
    """A SQL value of type `source` at `target`'s scale."""
    if target.number and source.number:
        return sql_rescale(expr, source.scale, target.scale, ctx)
    return expr


class Function:
    name = ""
    volatile = False  # changes with the clock: kept current by the worker's hourly look
    arity = (1, 1)  # fewest and most arguments (None: no most)
    takes = None  # the kind every argument must be, if one

    def result(self, types, args):
        """The answer's type for arguments of `types` (their nodes: `args`), or FormulaError."""
        low, high = self.arity
        if len(types) < low or (high is not None and len(types) > high):
            count = str(low) if low == high else f"{low}-{high}" if high else f"{low}+"
            raise FormulaError(_("%(name)s takes %(count)s arguments; it was given %(n)s.",
                                 name=self.name, count=count, n=len(types)))
        for i, kind in enumerate(types):
            if self.takes and kind.kind != self.takes:
                raise FormulaError(_("%(name)s: argument %(n)s must be %(want)s, not %(got)s.",
                                     name=self.name, n=i + 1, want=self.takes_text(),
                                     got=kind.describe()))
        return self.answer(types, args)

    def takes_text(self):
        return {"number": _("a number"), "text": _("text"), "boolean": _("yes/no"),
                "date": _("a date")}[self.takes]

    def answer(self, types, args):
        raise NotImplementedError

    def python(self, values, node, ctx):
        raise NotImplementedError

    def sql(self, args, node, ctx):
        raise NotImplementedError


class Constant(Function):
    arity = (0, 0)
    value = None

    def answer(self, types, args):
        return BOOLEAN

    def python(self, values, node, ctx):
        return self.value

    def sql(self, args, node, ctx):
        return SQL("TRUE" if self.value else "FALSE")


@register
class TrueValue(Constant):
    name, value = "TRUE", True


@register
class FalseValue(Constant):
    name, value = "FALSE", False


@register
class If(Function):
    name = "IF"
    arity = (2, 3)

    def answer(self, types, args):
        if types[0].kind != "boolean":
            raise FormulaError(_("IF asks a yes/no question first, like IF({amount} > 0, ...); "
                                 "it got %(type)s.", type=types[0].describe()))
        return unify(types[1:], self.name)

    def python(self, values, node, ctx):
        chosen = values[1] if values[0] is True else (values[2] if len(values) > 2 else None)
        return chosen

    def sql(self, args, node, ctx):
        types = [a.type for a in node.args]
        branches = [sql_aligned(a, t, node.type, ctx) for a, t in zip(args[1:], types[1:])]
        return Case(None, [(args[0], branches[0])], branches[1] if len(branches) > 1 else None)


class Logic(Function):
    arity = (1, None)
    takes = "boolean"

    def answer(self, types, args):
        return BOOLEAN


@register
class And(Logic):
    name = "AND"

    def python(self, values, node, ctx):  # Kleene: what SQL's AND does with blanks
        if any(v is False for v in values):
            return False
        return None if any(v is None for v in values) else True

    def sql(self, args, node, ctx):
        return NodeList(args, " AND ", parens=True)


@register
class Or(Logic):
    name = "OR"

    def python(self, values, node, ctx):
        if any(v is True for v in values):
            return True
        return None if any(v is None for v in values) else False

    def sql(self, args, node, ctx):
        return NodeList(args, " OR ", parens=True)


@register
class Not(Logic):
    name = "NOT"
    arity = (1, 1)

    def python(self, values, node, ctx):
        return None if values[0] is None else not values[0]

    def sql(self, args, node, ctx):
        return NodeList((SQL("NOT"), args[0]), parens=True)


@register
class IsBlank(Function):
    name = "ISBLANK"

    def answer(self, types, args):
        return BOOLEAN

    def python(self, values, node, ctx):
        return values[0] is None or values[0] == ""

    def sql(self, args, node, ctx):
        arg = node.args[0]
        if arg.type.kind == "text":
            return fn.COALESCE(args[0], const("")) == const("")
        return args[0].is_null()


@register
class Coalesce(Function):
    name = "COALESCE"
    arity = (1, None)

    def answer(self, types, args):
        return unify(types, self.name)

    def python(self, values, node, ctx):
        return next((v for v in values if v is not None), None)

    def sql(self, args, node, ctx):
        return fn.COALESCE(*[sql_aligned(a, n.type, node.type, ctx)
                             for a, n in zip(args, node.args)])


class Numeric(Function):
    takes = "number"


@register
class Round(Numeric):
    name = "ROUND"
    arity = (1, 2)

    def answer(self, types, args):
        return types[0].with_scale(min(self.digits(args), types[0].scale))

    @staticmethod
    def digits(args):
        if len(args) < 2:
            return 0
        literal = getattr(args[1], "value", None)
        if literal is None or literal != int(literal) or not 0 <= literal <= MAX_SCALE:
            raise FormulaError(_("ROUND's second argument is a whole number of digits from 0 "
                                 "to %(max)s, written out, like ROUND({amount}, 2).",
                                 max=MAX_SCALE))
        return int(literal)

    def python(self, values, node, ctx):
        if values[0] is None:
            return None
        source = node.args[0].type.scale
        return from_int(rescale(to_int(values[0], source), source, node.type.scale),
                        node.type.scale)

    def sql(self, args, node, ctx):
        return sql_rescale(args[0], node.args[0].type.scale, node.type.scale, ctx)


@register
class Abs(Numeric):
    name = "ABS"

    def answer(self, types, args):
        return types[0]

    def python(self, values, node, ctx):
        return None if values[0] is None else abs(values[0])

    def sql(self, args, node, ctx):
        return fn.ABS(args[0])


@register
class Sum(Numeric):
    """SUM of numbers, blanks counted as nothing (Excel's way): 0 when all are blank."""
    name = "SUM"
    arity = (1, None)

    def answer(self, types, args):
        return unify(types, self.name)

    def python(self, values, node, ctx):
        return sum((v for v in values if v is not None), Decimal(0)).quantize(
            Decimal(1).scaleb(-node.type.scale))

    def sql(self, args, node, ctx):
        parts = [fn.COALESCE(sql_aligned(a, n.type, node.type, ctx), num(0, ctx))
                 for a, n in zip(args, node.args)]
        return NodeList(parts, " + ", parens=True)


class Extreme(Function):
    """MIN and MAX of numbers or dates, blanks left out (Excel's way)."""
    arity = (1, None)

    def answer(self, types, args):
        answer = unify(types, self.name)
        if answer.kind not in ("number", "date", "datetime"):
            raise FormulaError(_("%(name)s compares numbers or dates, not %(type)s.",
                                 name=self.name, type=answer.describe()))
        return answer

    def python(self, values, node, ctx):
        known = [v for v in values if v is not None]
        return (self.pick(known)) if known else None

    def sql(self, args, node, ctx):
        exprs = [sql_aligned(a, n.type, node.type, ctx) for a, n in zip(args, node.args)]
        out = exprs[0]
        for other in exprs[1:]:
            better = other < out if self.name == "MIN" else other > out
            out = Case(None, [(out.is_null(), other), (other.is_null(), out), (better, other)], out)
        return out


@register
class Min(Extreme):
    name, pick = "MIN", staticmethod(min)


@register
class Max(Extreme):
    name, pick = "MAX", staticmethod(max)
