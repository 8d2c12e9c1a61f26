"""Does a rule fire for an event? Pure functions over the event's before/after values.

An `updated` rule with a condition fires when the record *starts* to match (false ->
true), not on every save while it matches. Stage and field triggers are edges already.
"""

from ..conditions import evaluate
from ..fields import FieldError

EVENT_KINDS = {"created": "created", "updated": "updated", "deleted": "deleted",
               "status_changed": "updated", "field_changed": "updated",
               "time": "time", "schedule": "schedule"}  # the clock's events name their rule


def python_values(entity, json_values):
    values = {}
    for field in entity.fields:
        raw = (json_values or {}).get(field.name)
        try:
            values[field.name] = field.type.parse(raw, field) if raw is not None else None
        except FieldError:
            values[field.name] = None
    return values


def states(entity, event):
    """(before, after) as python values; the record before an update is rebuilt from the
    event (after, with the changed fields' old values put back)."""
    after = python_values(entity, event.after)
    if event.kind == "updated":
        before = python_values(entity, dict(event.after or {}, **(event.before or {})))
    elif event.kind == "deleted":
        before, after = python_values(entity, event.before), {}
    else:
        before = None
    return before, after


def triggered(rule, entity, event, before, after):
    """Did the event happen as the rule's `when` describes (before looking at `if`)?"""
    if EVENT_KINDS[rule.trigger] != event.kind or event.rule not in (None, rule.key):
        return False
    params = rule.trigger_params
    if rule.trigger == "updated" and params.get("fields"):
        return bool(set(params["fields"]) & set(event.changed))
    if rule.trigger in ("status_changed", "field_changed"):
        field = rule.watched_field(entity)
        if field is None or field.name not in event.changed:
            return False
        for key, state in (("from", before), ("to", after)):
            if key in params and state.get(field.name) != rule.stage(entity, field, key):
                return False
    return True


def matches(rule, entity, event, before, after):
    """Does the record meet the rule's `if`? (Scheduled events were chosen by it.)"""
    if rule.condition is None or rule.trigger == "schedule":
        return True
    state = before if event.kind == "deleted" else after
    if not evaluate(rule.condition, entity, state, before):
        return False
    if rule.trigger == "updated":
        return not evaluate(rule.condition, entity, before, None)  # false -> true only
    return True
