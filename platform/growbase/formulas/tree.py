"""The typed tree of a formula, built from its syntax against an entity: fields resolved
(links followed with dots), functions found in the registry, every node's type known, and
what does not fit refused with the fix ("cannot add text to money")."""

from dataclasses import dataclass
from decimal import Decimal
from difflib import get_close_matches

from ..i18n import gettext as _
from . import dates, text  # noqa: F401 (their functions join the registry)
from .functions import functions
from .grammar import FormulaError, parse
from .types import BOOLEAN, DATE, DIVISION_SCALE, INTEGER, TEXT, Type, number


@dataclass(frozen=True)
class Node:
    type: Type


@dataclass(frozen=True)
class Literal(Node):
    value: object


@dataclass(frozen=True)
class FieldRef(Node):
    path: tuple  # the fields followed: links first, the read field last

    @property
    def field(self):
        return self.path[-1]


@dataclass(frozen=True)
class Negative(Node):
    arg: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # + - * / & = <> < > <= >=
    left: Node
    right: Node


@dataclass(frozen=True)
class Call(Node):
    function: object  # a registered Function
    args: tuple


def compile_formula(source, entity, entities=None):
    """The typed tree of the formula `source` on `entity`, or FormulaError saying what to
    fix. `entities(name)` finds a linked entity (default: the live one the link names)."""
    return build(parse(source), entity, entities)


def build(syntax, entity, entities=None):
    kind = syntax[0]
    if kind == "number":
        digits = syntax[1].partition(".")[2]
        return Literal(number(len(digits)) if digits else INTEGER, Decimal(syntax[1]))
    if kind == "string":
        return Literal(TEXT, syntax[1])
    if kind == "field":
        return field_ref(syntax[1], entity, entities)
    if kind == "negative":
        arg = build(syntax[1], entity, entities)
        if not arg.type.number:
            raise FormulaError(_("Only a number can be negative; this is %(type)s.",
                                 type=arg.type.describe()))
        return Negative(arg.type, arg)
    if kind == "call":
        _kind, name, args, column = syntax
        function = functions.get(name)
        if function is None:
            near = get_close_matches(name, functions, n=1, cutoff=0.5)
            raise FormulaError(_("Column %(column)s: there is no function %(name)s.",
                                 column=column, name=name) + (" " + _(
                                     "Did you mean %(near)s?", near=near[0]) if near else ""))
        args = tuple(build(arg, entity, entities) for arg in args)
        return Call(function.result([a.type for a in args], args), function, args)
    op, left, right = syntax[1], build(syntax[2], entity, entities), build(syntax[3], entity,
                                                                           entities)
    return Binary(combine(op, left.type, right.type), op, left, right)


def field_ref(names, entity, entities=None):
    """Follow `customer.city` from `entity`: every name but the last a link to one record."""
    path, current = [], entity
    for i, name in enumerate(names):
        field = current.active_by_name.get(name)
        if field is None:
            near = get_close_matches(name, current.active_by_name, n=1, cutoff=0.5)
            raise FormulaError((_("{%(path)s}: there is no field \"%(name)s\" in %(entity)s.",
                                  path=".".join(names), name=name, entity=current.label()) if i
                                else _("There is no field \"%(name)s\" in %(entity)s.", name=name,
                                       entity=current.label())) + (" " + _(
                                     "Did you mean {%(near)s}?", near=".".join(
                                         [*names[:i], near[0]])) if near else ""))
        path.append(field)
        if i < len(names) - 1:
            if not field.type.links_entity or field.type.holds_list:
                raise FormulaError(_("{%(name)s} is not a link to one record, so nothing can "
                                     "be read through it.", name=".".join(names[:i + 1])))
            current = entities(field.get("to")) if entities else field.type.target(field)
    field = path[-1]
    if field.type.links_entity:
        target = entities(field.get("to")) if entities else field.type.target(field)
        raise FormulaError(_("{%(name)s} is a link: read one of its fields, like "
                             "{%(name)s.%(example)s}.", name=".".join(names),
                             example=target.active_fields[0].name))
    kind = field.type.formula_type(field)
    if kind is None:
        raise FormulaError(_("{%(name)s} holds %(type)s values, which formulas cannot read.",
                             name=".".join(names), type=field.spec["type"]))
    return FieldRef(kind, tuple(path))


def _unit(op, a, b):
    """The unit of a sum or product of two numbers, or FormulaError."""
    if op in "+-":
        if a.unit and b.unit and (a.unit, a.currency) != (b.unit, b.currency):
            raise FormulaError((_("Cannot add %(a)s and %(b)s: they are not the same kind of "
                                  "number.") if op == "+" else
                                _("Cannot subtract %(b)s from %(a)s: they are not the same kind "
                                  "of number.")) % {"a": a.describe(), "b": b.describe()})
        return (a.unit, a.currency) if a.unit else (b.unit, b.currency)
    money = [t for t in (a, b) if t.unit == "money"]
    if op == "*":
        if len(money) == 2:
            raise FormulaError(_("Money times money means nothing; multiply money by a number."))
        return ("money", money[0].currency) if money else ("", "")
    if a.unit == "money" and b.unit != "money":
        return "money", a.currency
    return "", ""


def combine(op, a, b):
    """The type of `a op b`, or FormulaError naming both sides and the fix."""
    if op == "&":
        for side in (a, b):
            if side.kind not in ("text", "number", "date"):
                raise FormulaError(_("& joins text, numbers and dates, not %(type)s.",
                                     type=side.describe()))
        return TEXT
    if op in ("=", "<>", "<", ">", "<=", ">="):
        if a.kind != b.kind or (a.kind == "boolean" and op not in ("=", "<>")):
            raise FormulaError(_("Cannot compare %(a)s with %(b)s.", a=a.describe(),
                                 b=b.describe()))
        return BOOLEAN
    if a.kind == "date" and op in "+-" and b.number and b.scale == 0:
        return DATE  # a date and a number of days
    if op == "-" and a.kind == b.kind == "date":
        return INTEGER  # days between
    if not (a.number and b.number):
        refusal = {"+": _("Cannot add %(b)s to %(a)s."), "-": _("Cannot subtract %(b)s from %(a)s."),
                   "*": _("Cannot multiply %(a)s by %(b)s."), "/": _("Cannot divide %(a)s by %(b)s.")}
        raise FormulaError(refusal[op] % {"a": a.describe(), "b": b.describe()} + " " + _(
            "Arithmetic takes numbers; a date takes a whole number of days with + and -."))
    unit, currency = _unit(op, a, b)
    scale = {"+": max(a.scale, b.scale), "-": max(a.scale, b.scale), "*": a.scale + b.scale,
             "/": max(a.scale, b.scale, DIVISION_SCALE)}[op]
    return number(scale, unit, currency)


def references(tree):
    """The FieldRefs of a tree, each once, in order."""
    found = []

    def walk(node):
        if isinstance(node, FieldRef):
            if node not in found:
                found.append(node)
        for child in children(node):
            walk(child)
    walk(tree)
    return found


def children(node):
    if isinstance(node, Negative):
        return (node.arg,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def volatile(tree):
    """Does the value change with the clock (TODAY, NOW)?"""
    return (isinstance(tree, Call) and tree.function.volatile) or any(
        volatile(child) for child in children(tree))
