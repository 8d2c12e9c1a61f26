"""Entity and Field: a validated definition, read by every layer."""

import re
from functools import cached_property

from markupsafe import escape

from ..fields import field_types
from ..i18n import pick
from .checks import Check

SYSTEM_COLUMNS = ("id", "_version", "_created_at", "_updated_at", "_created_by", "_updated_by")


def normal(text):
    """A field's name or label as a spreadsheet column may write it: case, spaces and
    punctuation do not count ("Телефон", "PHONE #" and "phone" are one)."""
    return re.sub(r"[\W_]+", "", str(text)).casefold()


def prettify(name):
    return name.replace("_", " ").capitalize()


def normalise_option(option):
    if isinstance(option, str):
        return {"value": option, "label": {"en": prettify(option)}}
    label = option.get("label", prettify(option["value"]))
    return dict(option, label=label if isinstance(label, dict) else {"en": label})


class Field:
    def __init__(self, spec, entity):
        self.spec = spec
        self.entity = entity
        self.id = spec["id"]
        self.name = spec["name"]
        self.kind = field_types[spec["type"]]  # as defined; `type` is how values are kept
        self.computed, self.automatic = self.kind.computed, self.kind.automatic
        if not self.computed:
            self.type = field_types[self.kind.keeps_as] if self.kind.keeps_as else self.kind
        # read on every row of every write: plain attributes, not dictionary lookups
        self.required = bool(spec.get("required") or spec.get("part_of"))  # a line has its order
        self.required_when = spec.get("required_when")
        self.unique = bool(spec.get("unique")) or self.kind.always_unique
        self.read_only = bool(spec.get("read_only")) or self.automatic

    def __repr__(self):
        return f"<Field {self.entity.name}.{self.name} {self.spec['type']}>"

    def get(self, key, default=None):
        return self.spec.get(key, default)

    @property
    def column(self):
        return self.id

    @property
    def retired(self):
        return bool(self.spec.get("retired"))

    @property
    def hidden(self):
        return self.retired or bool(self.spec.get("hidden"))

    def label(self, locale=None):
        return pick(self.spec.get("label"), locale, prettify(self.name))

    def labels(self):
        """{language: label} as written ("" for a label given as plain text)."""
        label = self.spec.get("label") or {}
        return {"": label} if isinstance(label, str) else label

    def help(self, locale=None):
        return pick(self.spec.get("help"), locale, "")

    def help_html(self, locale=None):
        """The help text escaped: Flask-Admin prints form descriptions unescaped."""
        return escape(self.help(locale))

    def message(self, rule, locale=None):
        """The owner's own wording for a broken rule (e.g. `pattern_message`), if any."""
        return pick(self.spec.get(f"{rule}_message"), locale, "") or None

    @cached_property
    def options(self):
        return [normalise_option(o) for o in self.spec.get("options", [])]


class ComputedField(Field):
    """A field whose values the record service works out (a formula): kept and shown like
    the field type its result is (`type`), with the options that follow from it."""

    @cached_property
    def tree(self):
        """A formula's typed tree."""
        return self.kind.tree(self, self.entity.resolve)

    @cached_property
    def source(self):
        """A rollup's (entity summed up, its link here, the field read or None)."""
        return self.kind.source(self, self.entity.resolve)

    @cached_property
    def shown(self):
        return self.kind.result(self)

    @cached_property
    def type(self):
        return field_types[self.shown[0]]

    @cached_property
    def inputs(self):
        """The names of this entity's fields it reads (a link for what it reads through it)."""
        return self.kind.inputs(self)

    def get(self, key, default=None):
        if key in self.spec:
            return self.spec[key]
        return self.shown[1].get(key, default)

    @cached_property
    def options(self):
        return [normalise_option(o) for o in self.get("options", [])]


class Entity:
    def __init__(self, spec, version=0, resolve=None):
        self.spec = spec
        self.name = spec["entity"]
        self.version = version
        self.resolve = resolve  # finds a linked entity by name (None: the live catalog's)
        self.fields = [(ComputedField if field_types[f["type"]].computed else Field)(f, self)
                       for f in spec["fields"]]
        self.by_name = {f.name: f for f in self.fields}
        self.model = None  # set by the catalog (models.build_model)

    def __repr__(self):
        return f"<Entity {self.name} v{self.version}>"

    @property
    def table_name(self):
        return f"e_{self.name}"

    @cached_property
    def active_fields(self):
        return [f for f in self.fields if not f.retired]

    @cached_property
    def entered_fields(self):
        """The active fields whose values come in from outside (not worked out): the ones
        a save checks."""
        return [f for f in self.active_fields if not f.computed]

    @cached_property
    def active_by_name(self):
        return {f.name: f for f in self.active_fields}

    @cached_property
    def json_plan(self):
        """(name, field, to_json or None where the python value is its own JSON), for
        turning a whole record into JSON without a call per plain value."""
        from ..fields.base import FieldType
        return tuple((f.name, f, None if type(f.type).to_json is FieldType.to_json
                      else f.type.to_json) for f in self.fields)

    @cached_property
    def blank(self):
        """{name: None} for every field: a new record before its values."""
        return dict.fromkeys(f.name for f in self.fields)

    @cached_property
    def defaults(self):
        """(field, default as written) of the active fields that have one."""
        return tuple((f, f.get("default")) for f in self.active_fields
                     if f.get("default") is not None)

    @cached_property
    def computed_fields(self):
        """The active computed fields, each after the ones it reads (circles are refused
        when a definition is applied)."""
        pending = {f.name: f for f in self.active_fields if f.computed}
        ordered, seen = [], set()

        def visit(field):
            if field.name in seen:
                return
            seen.add(field.name)
            for name in sorted(field.inputs):
                if name in pending:
                    visit(pending[name])
            ordered.append(field)
        for field in pending.values():
            visit(field)
        return tuple(ordered)

    @cached_property
    def copied_fields(self):
        """The active fields that copy a value from the record a link picks (copy_from)."""
        return tuple(f for f in self.active_fields if f.spec.get("copy_from"))

    @cached_property
    def fact_fields(self):
        """The active fields that mirror the record's own stamp (created_at ... updated_by)."""
        return tuple(f for f in self.active_fields if getattr(f.kind, "stamp", None))

    @cached_property
    def assigned_fields(self):
        """The active fields given a value once, when a record is created (autonumbers)."""
        return tuple(f for f in self.active_fields if f.kind.assigned)

    @cached_property
    def visible_fields(self):
        return [f for f in self.fields if not f.hidden]

    def field(self, name):
        return self.by_name[name]

    @cached_property
    def checks(self):
        """Its data-quality checks, as written."""
        return tuple(Check(spec, self) for spec in self.spec.get("checks", []))

    @cached_property
    def id_field(self):
        """The record number as a field, so conditions can pick rows by id (a selection)."""
        return Field({"id": "id", "name": "id", "type": "integer",
                      "label": {"en": "No.", "ru": "№"}}, self)

    def label(self, locale=None):
        return pick(self.spec.get("label"), locale, prettify(self.name))

    def plural(self, locale=None):
        return pick(self.spec.get("plural"), locale, "") or self.label(locale)

    def group(self, locale=None):
        return pick(self.spec.get("group"), locale, "")

    def sections(self, locale=None):
        """The form as (title, columns, fields) sections: the layout's, then a last one
        with the fields it leaves out (all fields in order when there is no layout)."""
        out, placed = [], set()
        for section in self.spec.get("layout", []):
            fields = [self.by_name[n] for n in section["fields"]
                      if n in self.by_name and not self.by_name[n].hidden]
            placed |= set(section["fields"])
            if fields:
                out.append((pick(section.get("section"), locale, ""),
                            section.get("columns", 1), fields))
        rest = [f for f in self.visible_fields if f.name not in placed]
        if rest:
            out.append(("", 1, rest))
        return out

    @property
    def sort_fields(self):
        """The fields lists are usually sorted by (`sorts`); the first is the default order."""
        return [self.by_name[s.lstrip("-")] for s in self.spec.get("sorts", [])]

    @property
    def default_sort(self):
        return (self.spec.get("sorts") or ["-id"])[0]

    @property
    def title_template(self):
        return self.spec.get("title") or "{%s}" % self.active_fields[0].name

    @property
    def title_fields(self):
        return [self.by_name[n] for n in re.findall(r"{(\w+)}", self.title_template)
                if n in self.by_name]
