"""Intakes as JSON, checked and stored beside the other definitions (kind "intake"),
versioned the same way; one that does not make sense is refused with every problem, its
JSON path and what to do. Each intake's secret lives in its own table, not in the JSON
that is exported and shown."""

import secrets

from ..automation.templates import TemplateProblem, compiled
from ..catalog import catalog
from ..db import database, fetch_where
from ..definitions.schema import LABEL, NAME, check_keyed, keyed_problems
from ..designer.store import save_changed
from ..i18n import gettext as _
from ..reports.store import field_problem
from ..tables import IntakeSecret
from .form import form_problems
from .spec import PATH, Intake

VALUE = {"anyOf": [{"type": "string", "pattern": PATH},
                   {"type": "object", "additionalProperties": False, "required": ["value"],
                    "properties": {"value": {}}},
                   {"type": "object", "additionalProperties": False, "required": ["template"],
                    "properties": {"template": {"type": "string", "maxLength": 2000}}}]}
FOUND = {"type": "object", "additionalProperties": False, "required": ["find", "fields"],
         "properties": {"find": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                        "fields": {"type": "object", "minProperties": 1,
                                   "additionalProperties": VALUE},
                        "create": {"type": "boolean"}}}
FIELDS = {"type": "object", "minProperties": 1, "additionalProperties": {"anyOf": [VALUE, FOUND]}}


def meta_schema():
    return {
        "type": "object", "additionalProperties": False, "required": ["key", "entity", "fields"],
        "properties": {
            "key": {"type": "string", "pattern": NAME},
            "name": LABEL,
            "description": LABEL,
            "entity": {"type": "string", "pattern": NAME},
            "enabled": {"type": "boolean"},
            "external_id": {"type": "string", "pattern": PATH},
            "fields": FIELDS,
            "form": {"type": "object", "additionalProperties": False, "required": ["fields"],
                     "properties": {"title": LABEL, "intro": LABEL, "consent": LABEL,
                                    "thanks": LABEL, "submit": LABEL,
                                    "fields": {"type": "array", "minItems": 1, "maxItems": 20,
                                               "items": {"type": "string"}},
                                    "required": {"type": "array", "items": {"type": "string"}}}},
            "lines": {"type": "array", "maxItems": 3, "items": {
                "type": "object", "additionalProperties": False,
                "required": ["entity", "link", "from", "fields"],
                "properties": {"entity": {"type": "string", "pattern": NAME},
                               "link": {"type": "string"}, "from": {"type": "string", "pattern": PATH},
                               "fields": FIELDS}}},
        },
    }


def fields_problems(entity, fields, path, current):
    found = []
    for name, how in fields.items():
        where = f"{path}.{name}"
        missing = field_problem(entity, name, where)
        if missing:
            found.append(missing)
            continue
        field = entity.by_name[name]
        if field.automatic:
            found.append((where, _("%(field)s is worked out by growbase and cannot be taken from "
                                   "the caller; leave it out.", field=field.label())))
        elif isinstance(how, dict) and "find" in how:
            found += link_problems(field, how, where, current)
        elif isinstance(how, dict) and "template" in how:
            try:
                compiled(how["template"])
            except TemplateProblem as exc:
                found.append((f"{where}.template", str(exc)))
    return found


def link_problems(field, how, path, current):
    """A found link: on a link field, by keys of the record it points to, which it maps."""
    target = field.type.refers_to(field)
    if target is None or target not in current:
        return [(path, _("%(field)s is not a link to other records; give it a path or a value, "
                         "not \"find\".", field=field.label()))]
    other = current.entity(target)
    found = [problem for problem in (
        field_problem(other, key, f"{path}.find") for key in how["find"]) if problem]
    found += [(f"{path}.find", _("Map %(key)s in \"fields\" too: it is looked up by the value "
                                 "it is given there.", key=key))
              for key in how["find"] if key not in how["fields"]]
    nested = [n for n, h in how["fields"].items() if isinstance(h, dict) and "find" in h]
    found += [(f"{path}.fields.{n}", _("A found record's own links are not looked up; map "
                                       "them on the intake's entity instead.")) for n in nested]
    return found + fields_problems(other, {n: h for n, h in how["fields"].items()
                                           if n not in nested}, f"{path}.fields", current)


def lines_problems(entity, lines, path, current):
    if lines["entity"] not in current:
        return [(f"{path}.entity", _("There is no entity \"%(name)s\"; use one of: %(names)s.",
                                     name=lines["entity"], names=", ".join(sorted(current.names()))))]
    other = current.entity(lines["entity"])
    link = other.by_name.get(lines["link"])
    if link is None or link.retired or link.type.refers_to(link) != entity.name:
        links = [f.name for f in other.active_fields if f.type.refers_to(f) == entity.name]
        return [(f"{path}.link", _("Name the field of %(lines)s that links a line to its "
                                   "%(entity)s: %(names)s.", lines=other.label(),
                                   entity=entity.label(), names=", ".join(links) or "-"))]
    return fields_problems(other, lines["fields"], f"{path}.fields", current)


def problems(spec, current):
    """Every problem of one intake, as [(JSON path, sentence)]."""
    found, entity = keyed_problems(spec, meta_schema(), current)
    if entity is None:
        return found
    found += fields_problems(entity, spec["fields"], "$.fields", current)
    for index, lines in enumerate(spec.get("lines", [])):
        found += lines_problems(entity, lines, f"$.lines[{index}]", current)
    if "form" in spec and not found:
        found += form_problems(spec["form"], spec)
    return found


def apply_intakes(specs, author="system", note=""):
    """Check intakes (all or none) and store those that changed; return their keys."""
    current = catalog()
    check_keyed(specs, problems, current)
    return save_changed(specs, lambda spec: current.intake(spec["key"]), Intake, "intake",
                        author, note)


def secret_of(key):
    """The intake's secret, made the first time it is asked for (read without a write:
    every payload asks)."""
    found = fetch_where(IntakeSecret, intake=key)
    if found is not None:
        return found.secret
    with database.atomic():
        IntakeSecret.insert(intake=key, secret=secrets.token_urlsafe(32)).on_conflict_ignore() \
            .execute()
    return IntakeSecret.get_by_id(key).secret


def new_secret(key):
    """A fresh secret; the old one stops working at once (a leaked one, say)."""
    secret = secrets.token_urlsafe(32)
    with database.atomic():
        if not IntakeSecret.update(secret=secret).where(IntakeSecret.intake == key).execute():
            IntakeSecret.create(intake=key, secret=secret)
    return secret
