"""What a new requirement asks of the records there are and of the people who fill them.

When a definition makes a field required (always, or at a stage through required_when),
the designer's review says how many records would break it, and which roles must fill it
but may not change it; "editable_for" makes it editable for them in the same save. The
records that break it can still be saved on other fields: the record service applies a
requirement when the field is touched or its stage is entered (records.RecordService).
"""

import json

from ..conditions import ConditionError, compile as compile_condition
from ..definitions import DefinitionError
from ..definitions.entity import Entity
from ..i18n import gettext as _
from ..permissions import ROLES, access
from ..queries import QueryError, matching
from ..records import Forbidden, titles
from ..tables import OWNER

EXAMPLES = 5


def rule_of(field):
    """How a field is required: "always", the condition as JSON, or None."""
    if field.get("required"):
        return "always"
    when = field.get("required_when")
    return json.dumps(when, sort_keys=True) if when is not None else None


def newly_required(old, spec):
    """[{field, label, when, breaking, examples, locked}] for the fields `spec` requires
    where `old` (the live Entity, or None) did not, or not in the same situation."""
    if old is None:
        return []
    new = Entity(spec)
    before = {f.id: f for f in old.fields if not f.retired}
    found = []
    for field in new.active_fields:
        rule, was = rule_of(field), before.get(field.id)
        if rule is None or (was is not None and rule_of(was) == rule):
            continue
        breaking, examples = _breaking(old, was, field)
        found.append({"field": field.name, "label": field.label(), "when": rule != "always",
                      "breaking": breaking, "examples": examples,
                      "locked": [role for role in ROLES if _locked(new, role, field.name)]})
    return found


def _breaking(old, was, field):
    """(how many of the reader's records would break the requirement, a few of their
    titles); (None, []) when it cannot be counted before it is saved."""
    try:
        query = matching(old).order_by()
        if was is not None:
            query = query.where(getattr(old.model, was.name).is_null())
        if field.required_when is not None:
            query = query.where(compile_condition(field.required_when, old, old.model))
        ids = [row.id for row in query.select(old.model.id).limit(EXAMPLES)]
        count = query.count() if len(ids) == EXAMPLES else len(ids)
    except (ConditionError, QueryError, Forbidden, KeyError, AttributeError):
        return None, []  # the condition names what exists only in the new version (or the
        # reader may not see these records)
    shown = titles(old, ids)
    return count, [shown.get(i, f"#{i}") for i in ids]


def _locked(entity, role, name):
    """Must this role fill the field (it creates or changes these records) but may not?"""
    if role == OWNER or entity.spec.get("permissions") is None:
        return False
    rights = access(entity, role)
    may_write = rights.can("update") or rights.can("create")
    return may_write and (not rights.shows(name) or name in rights.read_only)


def make_editable(spec, editable_for):
    """The spec with each named field made editable for the roles named:
    {"courier": ["logistics"]}. Refuses names that are not there."""
    if not editable_for:
        return spec
    if not isinstance(editable_for, dict) or not all(
            isinstance(roles, list) for roles in editable_for.values()):
        raise DefinitionError([("editable_for", _(
            "Send {\"field\": [\"role\", ...]}, the roles that may fill each field in."))])
    spec = json.loads(json.dumps(spec))
    names = {f.get("name") for f in spec.get("fields", [])}
    rules = spec.setdefault("permissions", {})
    for name, roles in editable_for.items():
        if name not in names:
            raise DefinitionError([(f"editable_for.{name}", _(
                "There is no field \"%(name)s\".", name=name))])
        for role in roles:
            if role not in ROLES or role not in rules:
                raise DefinitionError([(f"editable_for.{name}", _(
                    "\"%(role)s\" is not a role with rules here.", role=role))])
            rules[role].setdefault("fields", {})[name] = "editable"
    return spec
