"""A formula evaluated in Python, for the records a write is saving: the same exact
arithmetic as the SQL that backfills (sql.py), on integers counted in 10**-scale."""

from datetime import timedelta

from .exact import fits, from_int, rescale, round_div, to_int
from .text import text_of
from .tree import Binary, Call, FieldRef, Literal, Negative

COMPARE = {"=": lambda a, b: a == b, "<>": lambda a, b: a != b, "<": lambda a, b: a < b,
           ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}


def evaluate(node, read, ctx):
    """The value of `node`; `read(ref)` gives a FieldRef's value for this record."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, FieldRef):
        return read(node)
    if isinstance(node, Negative):
        value = evaluate(node.arg, read, ctx)
        return None if value is None else from_int(-to_int(value, node.type.scale), node.type.scale)
    if isinstance(node, Call):
        values = [evaluate(arg, read, ctx) for arg in node.args]
        return node.function.python(values, node, ctx)
    left, right = evaluate(node.left, read, ctx), evaluate(node.right, read, ctx)
    if node.op == "&":
        return text_of(left, node.left.type) + text_of(right, node.right.type)
    if left is None or right is None:
        return None
    if node.op in COMPARE:
        return COMPARE[node.op](left, right)
    return arithmetic(node, left, right)


def arithmetic(node: Binary, left, right):
    a, b, out = node.left.type, node.right.type, node.type
    if a.kind == "date":
        if b.kind == "date":
            return (left - right).days
        days = int(right) if node.op == "+" else -int(right)
        return left + timedelta(days=days)
    x, y = to_int(left, a.scale), to_int(right, b.scale)
    if node.op in "+-":
        x, y = rescale(x, a.scale, out.scale), rescale(y, b.scale, out.scale)
        return from_int(x + y if node.op == "+" else x - y, out.scale)
    if node.op == "*":
        return from_int(rescale(x * y, a.scale + b.scale, out.scale), out.scale)
    shift = b.scale + out.scale - a.scale
    return from_int(round_div(x * 10 ** shift, y) if shift >= 0 else
                    round_div(x, y * 10 ** -shift), out.scale)


def as_stored(value, kind, scale):
    """A computed value as its column keeps it: numbers at the column's scale (rounded half
    away from zero), empty text as blank."""
    if value is None or value == "":
        return None
    if kind.number:
        count = rescale(to_int(value, kind.scale), kind.scale, scale)
        if not fits(count):
            return None
        return from_int(count, scale) if scale else count
    return value
