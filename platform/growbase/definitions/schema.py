"""The meta-schema of an entity definition and owner-readable reasons for refusing one."""

import difflib
import re

from jsonschema import Draft202012Validator, FormatChecker

from ..fields import field_types
from ..i18n import gettext as _
from .checks import LEVELS
from .errors import DefinitionError

NAME = "^[a-z][a-z0-9_]{0,39}$"
RESERVED_NAMES = {"id"}  # and everything starting with "gb_" or "_" (system columns)

LABEL = {"anyOf": [{"type": "string", "minLength": 1, "maxLength": 200},
                   {"type": "object", "minProperties": 1,
                    "propertyNames": {"pattern": "^[a-z]{2}$"},
                    "additionalProperties": {"type": "string", "maxLength": 200}}]}

COMMON_FIELD_OPTIONS = {
    "id": {"type": "string", "pattern": NAME},
    "name": {"type": "string", "pattern": NAME},
    "type": {"enum": None},  # filled from the registry
    "label": {"$ref": "#/$defs/label"},
    "help": {"$ref": "#/$defs/label"},
    "required": {"type": "boolean"},
    "required_when": {"type": "object"},
    "unique": {"type": "boolean"},
    "default": {},
    "mask": {"type": "string", "maxLength": 100},
    "read_only": {"type": "boolean"},
    "hidden": {"type": "boolean"},
    "retired": {"type": "boolean"},
    "index": {"type": "boolean"},
    "copy_from": {"type": "string", "pattern": "^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$"},
}

def meta_schema():
    """Build the meta-schema from the registry, so a new type needs no edit here."""
    field_props = dict(COMMON_FIELD_OPTIONS, type={"enum": sorted(field_types)})
    for ftype in field_types.values():
        field_props.update(ftype.options_schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": {"label": LABEL},
        "type": "object",
        "required": ["entity", "fields"],
        "additionalProperties": False,
        "properties": {
            "entity": {"type": "string", "pattern": NAME},
            "label": {"$ref": "#/$defs/label"},
            "plural": {"$ref": "#/$defs/label"},
            "group": {"$ref": "#/$defs/label"},
            "title": {"type": "string", "maxLength": 200},
            "icon": {"type": "string", "maxLength": 40},
            "retired": {"type": "boolean"},  # out of menus and the API, data kept
            # the form's sections and columns, apart from the fields: [{"section": label,
            # "columns": 1-3, "fields": [names]}]; fields left out follow in their order
            "layout": {"type": "array", "maxItems": 50, "items": {
                "type": "object", "required": ["fields"], "additionalProperties": False,
                "properties": {"section": {"$ref": "#/$defs/label"},
                               "columns": {"enum": [1, 2, 3]},
                               "fields": {"type": "array", "items": {"type": "string"}}}}},
            "permissions": {"type": "object", "additionalProperties": {
                "type": "object", "additionalProperties": False, "properties": {
                    "can": {"type": "array", "items": {"type": "string"}},
                    "rows": {"type": "object"},
                    "fields": {"type": "object"}}}},
            "checks": {"type": "array", "maxItems": 50, "items": {
                "type": "object", "required": ["key", "label", "criticality", "when"],
                "additionalProperties": False, "properties": {
                    "key": {"type": "string", "pattern": NAME}, "label": {"$ref": "#/$defs/label"},
                    "criticality": {"enum": list(LEVELS)}, "when": {"type": "object"},
                    "fix": {"$ref": "#/$defs/label"}, "who": {"type": "string"}}}},
            # what makes two records one: {"exact": [keys], "similar": [texts], "threshold"}
            "duplicates": {"type": "object", "additionalProperties": False, "properties": {
                "exact": {"type": "array", "maxItems": 5, "items": {"type": "string"}},
                "similar": {"type": "array", "maxItems": 4, "items": {"type": "string"}},
                "threshold": {"type": "number", "minimum": 0.5, "maximum": 1}}},
            "sorts": {"type": "array", "maxItems": 5, "items": {
                "type": "string", "pattern": "^-?[a-z][a-z0-9_]{0,39}$"}},
            "fields": {"type": "array", "minItems": 1, "maxItems": 500, "items": {
                "type": "object", "required": ["name", "type"], "additionalProperties": False,
                "properties": field_props,
                "allOf": [{"if": {"properties": {"type": {"const": name}}},
                           "then": {"required": list(t.needs)}}
                          for name, t in sorted(field_types.items()) if t.needs],
            }},
        },
    }


def json_path(parts):
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def path_lines(value):
    """{JSON path: line} of the value as json.dumps(indent=2) and JSON.stringify(v, null, 2)
    lay it out, so the browser's editor can mark the line a problem is about."""
    lines, line = {}, [1]

    def walk(node, path):
        lines[path] = line[0]
        items = node.items() if isinstance(node, dict) else enumerate(node) \
            if isinstance(node, list) else ()
        for key, child in items:
            line[0] += 1
            walk(child, f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}")
        if items and len(node):
            line[0] += 1  # the closing bracket

    walk(value, "$")
    return lines


def line_of(path, lines):
    """The line of a path, or of its nearest ancestor that has one."""
    while path not in lines and len(path) > 1:
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else "$"
    return lines.get(path, 1)


def sentence(error, known_keys):
    """Say what an owner should do about one jsonschema error."""
    kind, value = error.validator, error.instance
    where = error.path[-1] if error.path else None
    if kind == "required":
        missing = re.findall(r"'(\w+)'", error.message)[0]
        return _("Add \"%(key)s\": it is required here.", key=missing)
    if kind == "additionalProperties":
        extra = re.findall(r"'(\w+)'", error.message)
        bad = [e for e in extra if e not in known_keys] or extra
        close = difflib.get_close_matches(bad[0], known_keys, n=1)
        hint = _(" Did you mean \"%(key)s\"?", key=close[0]) if close else ""
        return _("\"%(key)s\" is not an option here.", key=bad[0]) + hint
    if kind == "enum" and where == "type":
        close = difflib.get_close_matches(str(value), sorted(field_types), n=1)
        hint = _(" Did you mean \"%(key)s\"?", key=close[0]) if close else ""
        return _("Unknown field type \"%(type)s\". Use one of: %(types)s.", type=value,
                 types=", ".join(sorted(field_types))) + hint
    if kind == "pattern" and where in ("name", "entity", "id"):
        return _("\"%(value)s\" cannot be a name: use lowercase latin letters, digits and _, "
                 "starting with a letter (e.g. order_number).", value=value)
    if kind == "type":
        wanted = {"boolean": _("true or false"), "string": _("text in quotes"),
                  "integer": _("a whole number"), "number": _("a number"),
                  "array": _("a list [...]"), "object": _("an object {...}")}
        expected = error.validator_value if isinstance(error.validator_value, list) else [
            error.validator_value]
        return _("Must be %(kind)s.", kind=_(" or ").join(wanted.get(e, e) for e in expected))
    if kind == "format" and error.validator_value == "regex":
        return _("\"%(value)s\" is not a valid pattern (regular expression).", value=value)
    if kind in ("anyOf", "oneOf") and where in ("label", "help", "plural", "group"):
        return _("Give a text, or texts per language like {\"en\": \"Order\", \"ru\": \"Заказ\"}.")
    return error.message


def schema_problems(spec):
    """Return [(path, sentence)] for everything the meta-schema refuses, all at once."""
    schema = meta_schema()
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    field_keys = list(schema["properties"]["fields"]["items"]["properties"])
    entity_keys = list(schema["properties"])
    problems = []
    for error in sorted(validator.iter_errors(spec), key=lambda e: list(map(str, e.path))):
        if error.validator in ("if", "allOf"):
            for sub in error.context or []:
                problems.append((json_path(list(error.path) + list(sub.path)),
                                 sentence(sub, field_keys)))
            continue
        keys = field_keys if "fields" in error.path else entity_keys
        problems.append((json_path(error.path), sentence(error, keys)))
    return problems


def keyed_problems(spec, schema, current):
    """A rule's or a report's shape problems (JSON schema), else the entity it names:
    ([(JSON path, sentence)], the entity or None)."""
    found = [(json_path(e.path), sentence(e, list(schema["properties"]))) for e in
             Draft202012Validator(schema).iter_errors(spec)]
    if found:
        return found, None
    if spec["entity"] not in current:
        return [("$.entity", _("There is no entity \"%(name)s\"; use one of: %(names)s.",
                               name=spec["entity"], names=", ".join(sorted(current.names()))))], None
    return [], current.entity(spec["entity"])


def check_keyed(specs, problems, current, key="key"):
    """Refuse a batch of rules, reports or dashboards with every problem of each (its path
    led by its `key`) and the keys given twice; `problems(spec, current)` finds one's."""
    found = []
    for index, spec in enumerate(specs):
        where = spec.get(key) if isinstance(spec, dict) else None
        found += [(f"{where or '#' + str(index + 1)}: {path}", text)
                  for path, text in problems(spec, current)]
    keys = [s.get(key) for s in specs if isinstance(s, dict)]
    found += [(k, _("Defined twice in one batch.")) for k in sorted({k for k in keys if k and
                                                                     keys.count(k) > 1})]
    if found:
        raise DefinitionError(found)
