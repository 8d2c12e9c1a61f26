"""Condition trees: one JSON language for automations, required_when, filters and checks.

    {"all": [...]} | {"any": [...]} | {"not": {...}}
    {"field": "status", "in": ["new", "confirmed"]}
    {"field": "amount", "gt": 0}
    {"field": "due", "lt": {"today": 0}}          relative dates: today / ago / ahead
    {"field": "due", "within": "this_week"}       a period: today, last_month, last_7_days ...
    {"field": "status", "changed_to": "shipped"}  only where a change is known
    {"field": "id", "possible_duplicate": true}   in an open pair of the merge queue

Two back ends that must agree: evaluate() on one record in Python, compile() to a
peewee expression for many. Nothing user-written is ever passed to eval.
"""

import json
from functools import lru_cache, reduce
from operator import and_, or_

from .duplicates.pairs import in_open_pair, is_in_open_pair
from .errors import GrowbaseError
from .fields import FieldError
from .i18n import gettext as _

CHANGE_OPERATORS = ("changed", "changed_to", "changed_from")
DUPLICATE = "possible_duplicate"  # {"field": "id", "possible_duplicate": true}: in the merge queue
_cache_key = json.JSONEncoder(sort_keys=True, default=str).encode  # made once, not per leaf


class ConditionError(GrowbaseError, ValueError):
    def __init__(self, problems):
        self.problems = problems  # [(path, sentence)]
        super().__init__("; ".join(f"{p}: {t}" for p, t in problems))


def _leaf(node, entity, path):
    """Return (field, op, arg) of a leaf, or raise ConditionError naming the problem.

    Parsed leaves are cached per entity version; relative dates ({"today": 0}) are not.
    """
    if "within" in node or any(isinstance(v, dict) for v in node.values()):
        return _parse_leaf(node, entity, path)  # worked out against today's date
    key = _cache_key(node)
    return _cached_leaf(key, entity, path)


@lru_cache(maxsize=2048)
def _cached_leaf(key, entity, path):
    return _parse_leaf(json.loads(key), entity, path)


def _parse_leaf(node, entity, path):
    name = node.get("field")
    if name == "id" and "possible_duplicate" in node and len(node) == 2:
        return entity.id_field, DUPLICATE, bool(node[DUPLICATE])
    if name == "id":
        field = entity.id_field
    elif name not in entity.by_name or entity.by_name[name].retired:
        names = ", ".join(f.name for f in entity.active_fields)
        raise ConditionError([(f"{path}.field", _(
            "No field \"%(name)s\" in %(entity)s; use one of: %(names)s.",
            name=name, entity=entity.name, names=names))])
    else:
        field = entity.by_name[name]
    ops = [k for k in node if k != "field"]
    allowed = field.type.operators + CHANGE_OPERATORS
    if len(ops) != 1 or ops[0] not in allowed:
        raise ConditionError([(path, _(
            "Give exactly one test for %(name)s: %(ops)s.", name=name, ops=", ".join(allowed)))])
    op = ops[0]
    raw = node[op]
    try:
        if op == "changed":
            arg = bool(raw)
        elif op in ("changed_to", "changed_from"):
            arg = field.type.parse(raw, field)
        else:
            if op in ("in", "not_in") and not isinstance(raw, list):
                raise FieldError(_("Give a list of values [...]."))
            arg = field.type.condition_arg(op, raw, field)
    except FieldError as exc:  # (said with the field's label: a grid shows no path)
        raise ConditionError([(f"{path}.{op}", f"{field.label()}: {exc}")]) from None
    return field, op, arg


def _children(node, key, path):
    children = node[key]
    if key == "not":
        return [(children, f"{path}.not")]
    if not isinstance(children, list):
        raise ConditionError([(f"{path}.{key}", _("Give a list of conditions [...]."))])
    return [(child, f"{path}.{key}[{i}]") for i, child in enumerate(children)]


def _walk(node, entity, path, on_leaf, on_group, problems=None):
    """Fold a condition tree; with a `problems` list, collect errors instead of raising."""
    try:
        if not isinstance(node, dict):
            raise ConditionError([(path, _(
                "A condition is an object like {\"field\": ..., \"eq\": ...}."))])
        for key in ("all", "any", "not"):
            if key in node:
                if len(node) != 1:
                    raise ConditionError([(path, _(
                        "\"%(key)s\" stands alone in its object.", key=key))])
                parts = [_walk(child, entity, p, on_leaf, on_group, problems)
                         for child, p in _children(node, key, path)]
                return on_group(key, parts)
        return on_leaf(*_leaf(node, entity, path))
    except ConditionError as exc:
        if problems is None:
            raise
        problems.extend(exc.problems)


def relative(node):
    """Does the condition hold a value worked out when it is asked (a date relative to
    today, {"month": 0}, or {"me": true})? Its SQL then changes with the clock or the user."""
    if isinstance(node, list):
        return any(relative(child) for child in node)
    return isinstance(node, dict) and any(
        relative(value) if key in ("all", "any", "not") else
        isinstance(value, dict) or key == "within" for key, value in node.items())


def validate(condition, entity, path="$"):
    """Return every problem of a condition against an entity ([] when it is sound)."""
    problems = []
    _walk(condition, entity, path, lambda *leaf: None, lambda *group: None, problems)
    return problems


def _change_tests(node, path):
    if not isinstance(node, dict):
        return
    for key in ("all", "any"):
        for i, child in enumerate(node.get(key) if isinstance(node.get(key), list) else []):
            yield from _change_tests(child, f"{path}.{key}[{i}]")
    yield from _change_tests(node.get("not"), f"{path}.not")
    yield from (f"{path}.{op}" for op in CHANGE_OPERATORS if op in node)


def stored_problems(condition, entity, path="$"):
    """Every problem of a condition that picks stored records (a filter, a check): a test
    of a change ("changed_to") has no change to ask about there."""
    return validate(condition, entity, path) + [
        (where, _("\"%(op)s\" needs a change; it cannot filter stored records; test the "
                  "value itself (eq, in ...).", op=where.rsplit(".", 1)[1]))
        for where in _change_tests(condition, path)]


def fields_in(condition, entity):
    """The names of the fields a (sound) condition tests."""
    names = set()
    _walk(condition, entity, "$", lambda field, op, arg: names.add(field.name),
          lambda *group: None, [])
    return names


def evaluate(condition, entity, record, before=None):
    """Evaluate on one record: `record` maps field names to python values.

    `before` (the values before a change) enables changed / changed_to / changed_from.
    """
    def leaf(field, op, arg):
        value = record.get(field.name)
        if op in CHANGE_OPERATORS:
            if before is None:
                return False
            old = before.get(field.name)
            if op == "changed":
                return (old != value) == arg
            return old != value and (value if op == "changed_to" else old) == arg
        if op == DUPLICATE:
            return is_in_open_pair(entity.name, record.get("id")) == arg
        return field.type.match(op, value, arg)

    def group(key, parts):
        if key == "all":
            return all(parts)
        if key == "any":
            return any(parts)
        return not parts[0]

    return _walk(condition, entity, "$", leaf, group)


def compile(condition, entity, model):
    """Compile to a peewee expression over `model` (the entity's table)."""
    def leaf(field, op, arg):
        if op in CHANGE_OPERATORS:
            raise ConditionError([("$", _("\"%(op)s\" needs a change; it cannot filter stored records.",
                                          op=op))])
        if op == DUPLICATE:
            test = in_open_pair(entity.name)(model.id)
            return test if arg else ~test
        return field.type.compile(op, getattr(model, field.name), arg)

    def group(key, parts):
        if key == "not":
            return ~parts[0]
        if not parts:  # all([]) is true, any([]) is false, as in Python
            return model.id == model.id if key == "all" else model.id != model.id
        return reduce(and_ if key == "all" else or_, parts)

    return _walk(condition, entity, "$", leaf, group)
