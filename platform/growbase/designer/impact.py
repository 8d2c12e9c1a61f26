"""Where a field or a choice is used outside the field itself, and how to follow a change.

Renaming a field keeps its data (the column is the field's id), but rules, saved views,
permission rules, import mappings and message templates name it. Before a change is
saved the owner sees every such use; "update together" rewrites them in the same step.
A use that cannot follow (the field is retired, the choice removed) is listed as such:
its rule is turned off, a view or mapping drops the piece, nothing is guessed.
"""

import re
from dataclasses import dataclass, field as dc_field

from ..automation.actions import action_types
from ..i18n import gettext as _


@dataclass
class Change:
    """What a new version of one entity does to the names others use."""
    entity: str
    renamed: dict = dc_field(default_factory=dict)  # old field name -> new name
    retired: set = dc_field(default_factory=set)  # old names of fields retired now
    choices: dict = dc_field(default_factory=dict)  # old field name -> {old: new | None}
    retyped: dict = dc_field(default_factory=dict)  # old field name -> (old type, new type)
    entity_retired: bool = False  # the whole entity leaves menus and the API

    def __bool__(self):
        return bool(self.renamed or self.retired or self.choices or self.retyped or
                    self.entity_retired)


def option_values(spec):
    return [o if isinstance(o, str) else o.get("value") for o in spec.get("options", [])]


def between(old, new_spec, choice_renames=None):
    """The Change from an Entity to a normalised spec; `choice_renames` is
    {field name: {old value: new value}} as the designer says (a rename keeps the records)."""
    change = Change(old.name if old else new_spec["entity"])
    if old is None:
        return change
    change.entity_retired = bool(new_spec.get("retired")) and not old.spec.get("retired")
    choice_renames = choice_renames or {}
    new_by_id = {f["id"]: f for f in new_spec["fields"]}
    for before in old.fields:
        after = new_by_id.get(before.id)
        if after is None or before.retired:
            continue
        if after.get("retired"):
            change.retired.add(before.name)
            continue
        if after["name"] != before.name:
            change.renamed[before.name] = after["name"]
        if after["type"] != before.type.name:
            change.retyped[before.name] = (before.type.name, after["type"])
        kept = set(option_values(after))
        renames = choice_renames.get(after["name"]) or choice_renames.get(before.name) or {}
        moved = {value: (renames.get(value) if renames.get(value) in kept else None)
                 for value in option_values(before.spec) if value not in kept}
        if moved:
            change.choices[before.name] = moved
    return change


class Uses:
    """Collects the uses found in one place (a rule, a view ...) while following them."""

    def __init__(self, kind, name):
        self.kind, self.name = kind, name
        self.found = []  # [(where, sentence, follows)]

    def say(self, where, text, follows=True):
        self.found.append((where, text, follows))

    @property
    def stuck(self):
        return any(not follows for _w, _t, follows in self.found)

    def json(self):
        return [{"kind": self.kind, "name": self.name, "where": where, "text": text,
                 "follows": follows} for where, text, follows in self.found]


def field_name(name, entity, change, uses, where):
    """A field named by `name` in `entity`, after the change (None when it is retired)."""
    if entity != change.entity or not isinstance(name, str):
        return name
    bare = name.lstrip("-")
    if bare in change.retired:
        uses.say(where, _("uses the field \"%(name)s\", which is being retired", name=bare), False)
        return None
    if bare in change.retyped:
        uses.say(where, _("uses the field \"%(name)s\", whose type changes from %(old)s to "
                          "%(new)s: check that it still fits", name=bare,
                          old=change.retyped[bare][0], new=change.retyped[bare][1]))
    if bare in change.renamed:
        uses.say(where, _("names the field \"%(old)s\" (renamed to \"%(new)s\")", old=bare,
                          new=change.renamed[bare]))
        return name[:len(name) - len(bare)] + change.renamed[bare]
    return name


def choice_value(value, field, entity, change, uses, where):
    """A choice value of `field`, after the change (kept as it is when removed)."""
    values = change.choices.get(field) if entity == change.entity else None
    if isinstance(value, list) and values:  # "one of": a removed choice leaves the list
        gone = [v for v in value if isinstance(v, str) and v in values and values[v] is None]
        if gone:
            uses.say(where, _("lists the choice \"%(value)s\" of %(field)s, which is being "
                              "removed: it leaves the list", value=", ".join(gone), field=field))
        return [choice_value(v, field, entity, change, uses, where) for v in value
                if v not in gone] or None
    if isinstance(value, list):
        return value
    if not values or not isinstance(value, str) or value not in values:
        return value
    if values[value] is None:
        uses.say(where, _("uses the choice \"%(value)s\" of %(field)s, which is being removed",
                          value=value, field=field), False)
        return value
    uses.say(where, _("uses the choice \"%(old)s\" of %(field)s (renamed to \"%(new)s\")",
                      old=value, field=field, new=values[value]))
    return values[value]


def condition(node, entity, change, uses, where):
    """A condition tree after the change; a leaf on a retired field becomes None."""
    if not isinstance(node, dict):
        return node
    for key in ("all", "any"):
        if isinstance(node.get(key), list):
            kept = [condition(n, entity, change, uses, f"{where}.{key}[{i}]")
                    for i, n in enumerate(node[key])]
            kept = [n for n in kept if n is not None]
            return dict(node, **{key: kept}) if kept else None
    if isinstance(node.get("not"), dict):
        inner = condition(node["not"], entity, change, uses, f"{where}.not")
        return None if inner is None else dict(node, **{"not": inner})
    if "field" not in node:
        return node
    name = field_name(node["field"], entity, change, uses, f"{where}.field")
    if name is None:
        return None
    leaf = dict({op: choice_value(arg, node["field"], entity, change, uses, f"{where}.{op}")
                 for op, arg in node.items() if op != "field"}, field=name)
    if any(isinstance(arg, list) and leaf[op] is None for op, arg in node.items()):
        uses.say(where, _("every choice this test names is being removed"), False)
        return None
    return leaf


def template(text, names, change, uses, where):
    """A message template with `record.<field>` (and `before.`, and one link further on,
    `record.<link>.<field>`) following renames. `names` holds the variable paths that
    lead to the changed entity: "record", "record.customer" ..."""
    if not isinstance(text, str) or "{" not in text:
        return text

    def follow(match):
        var, first, second = match.groups()
        if var in names:
            first = field_name(first, change.entity, change, uses, where) or first
        if second and f"{var}.{match.group(2)}" in names:
            second = field_name(second, change.entity, change, uses, where) or second
        return f"{var}.{first}" + (f".{second}" if second else "")

    return re.sub(r"\b(record|before)\.(\w+)(?:\.(\w+))?", follow, text)


def prefixes(entity, change, catalog):
    """The template variables that lead to the changed entity from a rule on `entity`."""
    found = {"record", "before"} if entity == change.entity else set()
    if entity in catalog:
        for f in catalog.entity(entity).active_fields:
            if f.type.refers_to(f) == change.entity:
                found |= {f"record.{f.name}", f"before.{f.name}"}
    return found


def names_list(names, entity, change, uses, where):
    return [n for n in (field_name(x, entity, change, uses, f"{where}[{i}]")
                        for i, x in enumerate(names)) if n is not None]


def strings(value, edit):
    """Apply `edit` to every string inside a JSON value."""
    if isinstance(value, str):
        return edit(value)
    if isinstance(value, list):
        return [strings(v, edit) for v in value]
    if isinstance(value, dict):
        return {k: strings(v, edit) for k, v in value.items()}
    return value


INCLUDE = re.compile(r"include\s+['\"]([^'\"]+)['\"]")


def in_rule(spec, change, catalog):
    """(Uses, the rule as it reads after the change, template files it includes)."""
    uses, entity = Uses("rule", spec["key"]), spec["entity"]
    if change.entity_retired and entity == change.entity:  # its clock rules would still fire
        uses.say("$.entity", _("runs on %(entity)s, which is being retired", entity=entity), False)
    (trigger, params), = spec["when"].items()
    params, where = dict(params), f"$.when.{trigger}"
    if trigger in ("status_changed", "field_changed"):
        watched = params.get("field")
        if watched is None and entity in catalog:
            watched = next((f.name for f in catalog.entity(entity).active_fields
                            if f.type.stages), None)
        if "field" in params:
            params["field"] = field_name(watched, entity, change, uses, f"{where}.field")
        for key in ("from", "to"):
            if key in params:
                params[key] = choice_value(params[key], watched, entity, change, uses,
                                           f"{where}.{key}")
    for key in ("field", "per"):
        if key in params and trigger in ("time", "schedule"):
            params[key] = field_name(params[key], entity, change, uses, f"{where}.{key}")
    if "fields" in params:
        params["fields"] = names_list(params["fields"], entity, change, uses, f"{where}.fields")
    out = dict(spec, when={trigger: params})
    if "if" in spec:
        out["if"] = condition(spec["if"], entity, change, uses, "$.if")
        if out["if"] is None:
            del out["if"]
    names = prefixes(entity, change, catalog)
    then = []
    for index, item in enumerate(spec["then"]):
        (action, params), = item.items()
        where = f"$.then[{index}].{action}"
        params = strings(params, lambda t, w=where: template(t, names, change, uses, w))
        kind = action_types.get(action)
        for key, what, owner in kind.follow(params, entity, catalog) if kind else []:
            follow_param(params, key, what, owner, change, uses, f"{where}.{key}")
        then.append({action: params})
    out["then"] = then
    if uses.stuck and out.get("enabled", True):
        out["enabled"] = False
        uses.say("$.enabled", _("the rule is turned off until you fix it"), False)
    included = sorted({name for text in re.findall(r"{%.*?%}", str(spec["then"]))
                       for name in INCLUDE.findall(text)})
    return uses, out, (names, included)


def follow_param(params, key, what, owner, change, uses, where):
    """Rewrite one action parameter that names something of `owner` (see Action.follow)."""
    value = params.get(key)
    if isinstance(what, tuple):  # ("choice", field): a value of that field
        params[key] = choice_value(value, what[1], owner, change, uses, where)
    elif value is None or value == "":
        return
    elif what == "field":
        params[key] = field_name(value, owner, change, uses, where) or value
    elif what == "values" and isinstance(value, dict):
        params[key] = {field_name(k, owner, change, uses, where) or k:
                       choice_value(v, k, owner, change, uses, f"{where}.{k}")
                       for k, v in value.items()}
    elif what == "link":
        other, dot, link = value.partition(".")  # "customer", or "task.order" back to here
        params[key] = f"{other}." + (field_name(link, other, change, uses, where) or link) \
            if dot else field_name(value, owner, change, uses, where) or value
    elif what == "condition":
        params[key] = condition(value, owner, change, uses, where)
        if params[key] is None:
            del params[key]


def in_view(name, entity, config, change):
    """(Uses, the saved view's settings after the change)."""
    uses, out = Uses("view", name), dict(config)
    if config.get("filter"):
        out["filter"] = condition(config["filter"], entity, change, uses, "filter")
        if out["filter"] is None:
            del out["filter"]
    if isinstance(config.get("sort"), str) and config["sort"]:
        out["sort"] = ",".join(names_list(config["sort"].split(","), entity, change, uses,
                                          "sort"))
    if config.get("group_by"):
        out["group_by"] = field_name(config["group_by"], entity, change, uses, "group_by")
        if out["group_by"] is None:
            del out["group_by"]
    if isinstance(config.get("columns"), list):
        out["columns"] = []
        for i, column in enumerate(config["columns"]):
            new = field_name(column.get("field"), entity, change, uses, f"columns[{i}]")
            if new is not None:
                out["columns"].append(dict(column, field=new))
    return uses, out


def links_to(change, catalog):
    """Uses in other entities' link fields of an entity being retired: their records keep
    the numbers, shown without titles."""
    found = []
    for other in catalog.entities() if change.entity_retired else ():
        uses = Uses("definition", other.name)
        for i, f in enumerate(other.active_fields):
            if f.type.refers_to(f) == change.entity and other.name != change.entity:
                uses.say(f"$.fields[{i}]", _("%(field)s links to %(entity)s, which is being "
                                             "retired: it shows record numbers only",
                                             field=f.name, entity=change.entity), False)
        if uses.found:
            found.append(uses)
    return found


def in_mapping(entity, columns, change):
    """(Uses, an import mapping {column title: field name} after the change)."""
    uses = Uses("mapping", entity)
    return uses, {title: (field_name(name, entity, change, uses, title) or "") if name else name
                  for title, name in columns.items()}


def in_check(check, entity, change, uses, where):
    """A data-quality check after the change; None (it goes, and says so) when a field or
    choice it tests is going: without that test it would find other records. A "who" field
    going leaves the check without a person."""
    own = Uses(uses.kind, uses.name)
    when = condition(check["when"], entity, change, own, f"{where}.when")
    uses.found += own.found
    who = field_name(check.get("who"), entity, change, uses, f"{where}.who")
    if when is None or own.stuck:
        return None
    return dict({k: v for k, v in check.items() if k != "who"}, when=when,
                **({"who": who} if who else {}))


def in_own_spec(spec, change):
    """(Uses, the entity's own spec with its permission rules, title, sorts and
    conditional requirements following the change)."""
    entity, uses = spec["entity"], Uses("permissions", spec["entity"])
    out = dict(spec)
    rights = {}
    for role, rule in spec.get("permissions", {}).items():
        rule, where = dict(rule), f"$.permissions.{role}"
        if "rows" in rule:
            rule["rows"] = condition(rule["rows"], entity, change, uses, f"{where}.rows") or {}
            if not rule["rows"]:
                del rule["rows"]
        if isinstance(rule.get("fields"), dict):
            fields = {}
            for name, how in rule["fields"].items():
                new = name if name == "*" else field_name(name, entity, change, uses,
                                                          f"{where}.fields")
                if new is not None:
                    fields[new] = ({"only": choice_value(how["only"], name, entity, change, uses,
                                                         f"{where}.fields.{name}")}
                                   if isinstance(how, dict) and "only" in how else how)
            rule["fields"] = fields
        rights[role] = rule
    if rights:
        out["permissions"] = rights
    own = Uses("definition", entity)
    if spec.get("title"):
        out["title"] = re.sub(r"{(\w+)}", lambda m: "{%s}" % (field_name(
            m.group(1), entity, change, own, "$.title") or m.group(1)), spec["title"])
    if spec.get("sorts"):
        out["sorts"] = names_list(spec["sorts"], entity, change, own, "$.sorts")
    if spec.get("duplicates"):
        out["duplicates"] = dict(spec["duplicates"], **{
            key: names_list(spec["duplicates"][key], entity, change, own, f"$.duplicates.{key}")
            for key in ("exact", "similar") if key in spec["duplicates"]})
    if spec.get("layout"):
        out["layout"] = [dict(section, fields=names_list(section["fields"], entity, change, own,
                                                         f"$.layout[{i}].fields"))
                         for i, section in enumerate(spec["layout"])]
    if spec.get("checks"):
        out["checks"] = [c for c in (in_check(check, entity, change, own, f"$.checks[{i}]")
                                     for i, check in enumerate(spec["checks"])) if c]
    fields = []
    for i, field in enumerate(spec["fields"]):
        if field.get("required_when") and not field.get("retired"):
            rule = condition(field["required_when"], entity, change, own,
                             f"$.fields[{i}].required_when")
            field = {k: v for k, v in field.items() if k != "required_when"}
            if rule is not None:
                field["required_when"] = rule
        fields.append(field)
    out["fields"] = fields
    return [uses, own], out
