"""Automation rules as JSON, checked and stored: when (a trigger) + if (a condition) +
then (actions). The rule itself, as the catalog holds it, is rule.py's.

Stored beside entity definitions (kind "automation"), versioned the same way; a rule
that does not validate is refused with every problem and its JSON path.
"""

from ..catalog import catalog
from ..conditions import validate as condition_problems
from ..definitions.schema import LABEL, NAME, check_keyed, keyed_problems
from ..designer.store import save_changed
from ..i18n import gettext as _
from ..tables import Audit
from .actions import action_types
from .rule import Rule, cron

SPAN = {"type": "string", "pattern": "^\\d+\\s*(m|min|h|d|w)$"}
FIELD_TO = {"type": "object", "additionalProperties": False,
            "properties": {"field": {"type": "string"}, "from": {}, "to": {}}}
TRIGGERS = {
    "created": {"type": "object", "maxProperties": 0},
    "updated": {"type": "object", "additionalProperties": False,
                "properties": {"fields": {"type": "array", "items": {"type": "string"}}}},
    "deleted": {"type": "object", "maxProperties": 0},
    "status_changed": FIELD_TO,
    "field_changed": dict(FIELD_TO, required=["field"]),
    # N minutes/hours/days before or after a date field; date-only fields count from at_time
    "time": {"type": "object", "additionalProperties": False, "required": ["field"],
             "properties": {"field": {"type": "string"}, "before": SPAN, "after": SPAN,
                            "at_time": {"type": "string", "pattern": "^([01]?\\d|2[0-3]):[0-5]\\d$"}}},
    # cron (minute hour day month weekday, 0 = Sunday); `per` a field to group records by
    "schedule": {"type": "object", "additionalProperties": False, "required": ["cron"],
                 "properties": {"cron": {"type": "string"}, "per": {"type": "string"}}},
}
CLOCK_TRIGGERS = ("time", "schedule")
MAX_ACTIONS = 20


def meta_schema():
    return {
        "type": "object", "additionalProperties": False,
        "required": ["key", "name", "entity", "when", "then"],
        "properties": {
            "key": {"type": "string", "pattern": NAME},
            "name": LABEL,  # "…" or {"en": "…", "ru": "…"}
            "entity": {"type": "string", "pattern": NAME},
            "enabled": {"type": "boolean"},
            "silent": {"type": "boolean"},  # records this rule writes trigger no rules
            "locale": {"enum": ["en", "ru"]},
            "when": {"type": "object", "minProperties": 1, "maxProperties": 1,
                     "additionalProperties": False, "properties": TRIGGERS},
            "if": {"type": "object"},
            "then": {"type": "array", "minItems": 1, "maxItems": MAX_ACTIONS, "items": {
                "type": "object", "minProperties": 1, "maxProperties": 1,
                "additionalProperties": False,
                "properties": {name: a.schema for name, a in action_types.items()}}},
        },
    }


def trigger_problems(rule, entity):
    params, found = rule.trigger_params, []
    if rule.trigger in ("status_changed", "field_changed"):
        field = rule.watched_field(entity)
        if field is None:
            found.append(("$.when", _("%(entity)s has no such field to watch.", entity=entity.name)))
        else:
            for key in ("from", "to"):
                if key in params:
                    try:
                        field.type.parse(params[key], field)
                    except ValueError as exc:
                        found.append((f"$.when.{rule.trigger}.{key}", str(exc)))
    for name in params.get("fields", []) if rule.trigger == "updated" else []:
        if name not in entity.by_name:
            found.append(("$.when.updated.fields", _("No field \"%(name)s\".", name=name)))
    if rule.trigger == "time":
        field = entity.by_name.get(params["field"])
        if field is None or field.retired or not field.type.dated:
            dates = ", ".join(f.name for f in entity.active_fields
                              if f.type.dated)
            found.append(("$.when.time.field", _(
                "Count from a date field of %(entity)s: %(names)s.", entity=entity.name,
                names=dates or "-")))
        if ("before" in params) == ("after" in params):
            found.append(("$.when.time", _("Say either \"before\" or \"after\", like "
                                            "\"before\": \"60m\" or \"after\": \"2d\".")))
    if rule.trigger == "schedule":
        try:
            cron(params["cron"])
        except ValueError as exc:
            found.append(("$.when.schedule.cron", str(exc)))
        if "per" in params and params["per"] not in entity.by_name:
            found.append(("$.when.schedule.per", _("No field \"%(name)s\".", name=params["per"])))
    return found


def problems(spec, catalog):
    """Every problem of one rule, as [(JSON path, sentence)]."""
    found, entity = keyed_problems(spec, meta_schema(), catalog)
    if entity is None:
        return found
    rule = Rule(spec)
    found += trigger_problems(rule, entity)
    if rule.condition is not None:
        found += condition_problems(rule.condition, entity, "$.if")
    for index, (name, params) in enumerate(rule.actions):
        found += [(f"$.then[{index}].{name}.{key}", text)
                  for key, text in action_types[name].validate(params, entity)]
    return found


def check(specs, catalog):
    check_keyed(specs, problems, catalog)


def apply_rules(specs, author="system", note="", validate=True):
    """Validate rules (all or none) and store those that changed; return their keys.

    `validate=False` is for rules a definition change turned off because they name what
    no longer exists: they are kept, off, for the owner to fix (and validated then)."""
    current = catalog()
    if validate:
        check(specs, current)
    def audited(rule, old):
        Audit.create(entity=rule.entity, record_id=0, record_version=rule.version,
                     action="rule", changes={"rule": [None, rule.key],
                                             "version": [old.version if old else None,
                                                         rule.version]},
                     username=author[:80], source="automation")
    changed = save_changed(specs, lambda spec: current.rule(spec["key"]), Rule, "automation",
                           author, note, audited)
    return changed
