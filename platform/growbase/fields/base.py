"""The field-type registry: one class per type answers for every layer.

Forms, grid, import, API and conditions ask the type; nothing else switches on
type names. A type's values live in three shapes: *python* (what the record
service and conditions work with), *stored* (peewee's column, via db_value), and
*json* (API, audit, events).
"""

import re

from peewee import fn
from wtforms import StringField

from ..acting import USER_ATTRIBUTES, acting_attribute
from ..db import UNSTORABLE, is_postgres, lower
from ..errors import GrowbaseError
from ..formulas.types import TEXT
from ..i18n import gettext as _
from ..registry import registry

field_types, register = registry("field type")


class FieldError(GrowbaseError, ValueError):
    """A value a field refuses; the message says what is wrong and how to fix it."""


def position(haystack, needle):
    """SQL: 1-based position of `needle` in `haystack`, 0 when absent."""
    return fn.STRPOS(haystack, needle) if is_postgres() else fn.INSTR(haystack, needle)


def storable(text):
    """The text, unless it holds a character no database keeps (FieldError naming it)."""
    bad = UNSTORABLE.search(text)
    if bad:
        raise FieldError(_("Contains a character that cannot be stored (U+%(code)04X); "
                           "remove it and save again.", code=ord(bad.group())))
    return text


class FieldType:
    name = ""
    operators = ("eq", "ne", "in", "not_in", "is_empty")
    options_schema = {}  # JSON-schema properties this type adds to a field definition
    indexed = False  # index the column: filters and sorts on it are common
    filter_key = False  # few distinct values, filtered on: paired with each declared sort
    sortable = True
    listed = True  # shown among the list's default columns
    references = False  # points at records: forms pick them through a searching lookup
    stages = False  # the stages of a process: what "status changed" triggers watch
    holds_users = False  # values are accounts: automations can notify them
    searchable = False  # included in the list's free-text search
    summable = False  # a total means something: grid groups and kanban columns show sums
    holds_list = False  # values are lists (not hashable, stored as JSON, matched by contains)
    links_entity = False  # points at records of the entity its "to" names
    dated = False  # a date or a moment: time triggers count from it, pickers offer dates
    day_only = False  # a date without a time of day (a time trigger adds its at_time)
    needs = ()  # options a field of this type must be given
    automatic = False  # never typed: the record service gives the values (formula, autonumber)
    computed = False  # worked out from other values (formula, rollup ...) on every save
    formula = False  # worked out from the record's own values (and links) by a formula
    assigned = False  # given once, at creation (autonumber)
    always_unique = False  # unique whatever the definition says
    keeps_as = None  # the type whose column and display it uses (a record fact: datetime)
    masked = False  # the designer offers an input mask for it
    mask = None  # default input mask (IMask pattern) for the browser
    editor = "text"  # the grid's editor: text, number, date, datetime, tick, long_text, choose, lookup
    reach = None  # "tel" or "mailto": the browser puts a tap-to-call / write link beside it
    shown_as = "text"  # the browser shows it as: text (masked), number, percent, date,
    #                    datetime, yes_no, option, options (a list), title (a linked record's)
    filter_widget = None  # Flask-Admin filter input: None, "datepicker", "datetimepicker"

    # -- storage ---------------------------------------------------------
    def column(self, field):
        """Return the peewee field that stores this type."""
        raise NotImplementedError

    def storage_key(self, field):
        """Two versions of a field share their column unchanged while this stays the same."""
        return (self.name,)

    # -- input -----------------------------------------------------------
    def parse(self, raw, field, locale="en", context=None):
        """Turn typed text, a JSON value or an Excel cell into the python value (None = empty).
        `context` holds the record's values of context_fields(), for the types that ask."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        value = storable(raw).strip() if isinstance(raw, str) else raw
        if context is None:
            return self.parse_value(value, field, locale)
        return self.parse_value(value, field, locale, context=context)

    def parse_value(self, raw, field, locale):
        raise NotImplementedError

    def context_fields(self, field):
        """Other fields of the record this one is read by (a phone: the record's country)."""
        return ()

    def default_value(self, field, user_id=None):
        """A new record's value when none is given, by every door alike: the definition's
        "default", parsed (`user_id` is who creates it, for the types that ask)."""
        return self.parse(field.get("default"), field)

    def check(self, value, field):
        """Return the messages for a parsed, non-empty value breaking the field's rules."""
        return []

    def verify(self, value, field):
        """Like check(), for rules that need the database (a linked record exists)."""
        return []

    def verify_many(self, values, field):
        """verify() for a batch: {value: messages}. Types that query override it with one query."""
        return {value: self.verify(value, field) for value in values}

    def titles(self, field, ids, depth=0):
        """{id: title} for reference types; None for the rest."""
        return None

    def filter_options(self, field, locale):
        """[(value, label)] for a filter's drop-down; None means a free text input."""
        return None

    def refers_to(self, field):
        """The entity whose records this field points at, if any."""
        return None

    def formula_type(self, field):
        """What a formula reading this field gets (formulas.types.Type); None: unreadable."""
        return None

    # -- output ----------------------------------------------------------
    def to_json(self, value, field):
        return value

    def display(self, value, field, locale="en"):
        return "" if value is None else str(value)

    def html(self, value, field, base):
        """Markup a page shows instead of display() (files: links and thumbnails; `base` is
        the address of the record's files), or None."""
        return None

    def cell(self, value, field, locale="en"):
        """The value for a spreadsheet cell: a real number or date where Excel has one,
        else the text a person reads. Links' titles are filled in by the exporter."""
        return None if value is None else self.display(value, field, locale)

    def number_format(self, field, locale="en"):
        """The Excel number format of cell(), or None for text."""
        return None

    def hint(self, field, locale="en"):
        """How to write a value, for the import template's notes row."""
        return _("text")

    def form_text(self, value, field, locale="en"):
        """The value as the form's input shows it (parse() reads it back)."""
        return self.display(value, field, locale)

    def form_field(self, field, locale):
        return StringField(field.label(locale), description=field.help_html(locale),
                           render_kw=self.input_attrs(field))

    def input_attrs(self, field):
        attrs = {}
        mask = field.get("mask", self.mask)
        if mask:
            attrs["data-mask"] = mask
        if field.read_only:
            attrs["readonly"] = True
        return attrs

    def client_spec(self, field):
        """What the browser needs to show and edit the field, from the one definition: its
        editor and how it is shown (the grid and kanban never ask a type's name), its mask."""
        spec = {"editor": self.editor, "shown_as": self.shown_as}
        if self.reach:
            spec["reach"] = self.reach
        mask = field.get("mask", self.mask)
        if mask:
            spec["mask"] = mask
        return spec

    # -- conditions ------------------------------------------------------
    def condition_arg(self, op, raw, field):
        """Parse an operator's argument into the python domain.

        {"my": "branch"} stands for the acting user's branch ("records of my branch")."""
        if isinstance(raw, dict) and set(raw) == {"my"}:
            if raw["my"] not in USER_ATTRIBUTES:
                raise FieldError(_("Only these are known of a user: %(names)s.",
                                   names=", ".join(USER_ATTRIBUTES)))
            raw = acting_attribute(raw["my"])
        if op in ("in", "not_in"):
            return [self.parse(item, field) for item in raw]
        if op in ("is_empty",):
            return bool(raw)
        return self.parse(raw, field)

    def match(self, op, value, arg):
        """Evaluate one operator on a python value."""
        if op == "is_empty":
            return (value is None) == arg
        if op == "ne":
            return not self.match("eq", value, arg)
        if op == "not_in":
            return not self.match("in", value, arg)
        if value is None:
            return arg is None if op == "eq" else False
        if op == "eq":
            return value == arg
        if op == "in":
            return value in arg
        if arg is None:
            return False
        if op == "gt":
            return value > arg
        if op == "gte":
            return value >= arg
        if op == "lt":
            return value < arg
        if op == "lte":
            return value <= arg
        raise ValueError(op)

    def compile(self, op, column, arg):
        """Compile one operator to a two-valued SQL expression (never NULL)."""
        if op == "is_empty":
            return column.is_null(arg)
        if op == "ne":
            return ~self.compile("eq", column, arg)
        if op == "not_in":
            return ~self.compile("in", column, arg)
        if op == "eq" and arg is None:
            return column.is_null()
        known = column.is_null(False)
        if op == "eq":
            return known & (column == arg)
        if op == "in":
            values = [a for a in arg if a is not None]
            return known & column.in_(values) if values else known & (column != column)
        if arg is None:
            return known & (column != column)
        compare = {"gt": column > arg, "gte": column >= arg, "lt": column < arg,
                   "lte": column <= arg}
        return known & compare[op]


class TextLike(FieldType):
    """Text stored as text: adds the case-insensitive text operators."""
    operators = ("eq", "ne", "in", "not_in", "contains", "not_contains", "starts_with",
                 "is_empty")
    searchable = True

    def formula_type(self, field):
        return TEXT

    def condition_arg(self, op, raw, field):
        if op in ("contains", "not_contains", "starts_with"):
            if not isinstance(raw, str):
                raise FieldError(_("Give text to search for."))
            return raw
        return super().condition_arg(op, raw, field)

    def match(self, op, value, arg):
        if op == "not_contains":
            return not self.match("contains", value, arg)
        if op == "contains":
            return value is not None and arg.lower() in value.lower()
        if op == "starts_with":
            return value is not None and value.lower().startswith(arg.lower())
        return super().match(op, value, arg)

    def compile(self, op, column, arg):
        if op == "not_contains":
            return ~self.compile("contains", column, arg)
        if op == "contains":
            return column.is_null(False) & (position(lower(column), arg.lower()) > 0)
        if op == "starts_with":
            return column.is_null(False) & (fn.SUBSTR(lower(column), 1, len(arg)) == arg.lower())
        return super().compile(op, column, arg)


def check_length_and_pattern(value, field):
    """Shared rules for text-like values: min/max length and a regular expression."""
    errors = []
    if field.get("min_length") is not None and len(value) < field.get("min_length"):
        errors.append(_("Use at least %(n)s characters.", n=field.get("min_length")))
    if field.get("max_length") is not None and len(value) > field.get("max_length"):
        errors.append(_("Use at most %(n)s characters (this has %(len)s).",
                        n=field.get("max_length"), len=len(value)))
    pattern = field.get("pattern")
    if pattern and not re.search(pattern, value):
        errors.append(field.message("pattern") or
                      _("Does not match the expected format %(pattern)s.", pattern=pattern))
    return errors
