""""Test this rule": for one record, does it match and what would each action do.

Nothing is written or sent: actions compose their text exactly as a run would and
describe the effect instead of causing it.
"""

from types import SimpleNamespace

from ..catalog import catalog
from ..conditions import evaluate
from ..records import RecordService, json_values, values_of
from .actions import action_types
from .engine import Context


def preview(rule, record_id):
    entity = catalog().entity(rule.entity)
    _entity, row = RecordService().get(entity.name, record_id)
    values = values_of(entity, row)
    after = dict(json_values(entity, values), _records=[record_id])
    event = SimpleNamespace(id=0, kind=rule.trigger, record_id=record_id, after=after,
                            before=None, changed=[], depth=0, rule=rule.key)
    ctx = Context(rule, entity, event, None, values)
    steps = []
    for name, params in rule.actions:
        try:
            steps.append({"action": name, "would": action_types[name].describe(params, ctx)})
        except Exception as exc:  # the same failure a run would log
            steps.append({"action": name, "error": str(exc)})
    matches = rule.condition is None or evaluate(rule.condition, entity, values)
    return {"rule": rule.key, "record_id": record_id, "matches": matches, "actions": steps}
