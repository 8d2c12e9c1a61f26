"""Types with a fixed set of values: boolean, choice, multi_choice, status."""

import json
import re

from peewee import BooleanField as BoolColumn
from peewee import CharField, TextField
from wtforms import BooleanField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice

from ..formulas.types import BOOLEAN, TEXT
from ..i18n import gettext as _
from ..i18n import pick
from .base import FieldError, FieldType, position, register

TRUE_WORDS = {"1", "true", "yes", "y", "on", "+", "да", "д", "истина", "x", "✓"}
FALSE_WORDS = {"0", "false", "no", "n", "off", "-", "нет", "н", "ложь", ""}
OPTION_SCHEMA = {
    "type": "array", "minItems": 1,
    "items": {"anyOf": [
        {"type": "string", "pattern": "^[^\"\\\\]{1,100}$"},
        {"type": "object", "required": ["value"], "additionalProperties": False,
         "properties": {"value": {"type": "string", "pattern": "^[^\"\\\\]{1,100}$"},
                        "label": {"$ref": "#/$defs/label"},
                        "color": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}}}]}}


def _key(text):
    return re.sub(r"[\s_\-.]+", " ", str(text)).strip().casefold()


@register
class Boolean(FieldType):
    name = "boolean"
    operators = ("eq", "ne", "is_empty")
    filter_key = True
    editor, shown_as = "tick", "yes_no"

    def column(self, field):
        return BoolColumn(null=True)

    def formula_type(self, field):
        return BOOLEAN

    def parse(self, raw, field, locale="en", context=None):
        if raw is None:
            return None
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, (int, float)) and raw in (0, 1):
            return bool(raw)
        word = str(raw).strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False if word else None
        raise FieldError(_("Answer yes or no (also: да/нет, 1/0)."))

    def display(self, value, field, locale="en"):
        return "" if value is None else (_("Yes") if value else _("No"))

    def filter_options(self, field, locale):
        return [("1", _("Yes")), ("0", _("No"))]

    def hint(self, field, locale="en"):
        return _("yes / no")

    def form_field(self, field, locale):
        return BooleanField(field.label(locale), description=field.help_html(locale),
                            render_kw=self.input_attrs(field))


class Options(FieldType):
    """Shared by the types whose values come from the field's `options`."""
    options_schema = {"options": OPTION_SCHEMA}
    needs = ("options",)
    editor, shown_as = "choose", "option"

    def lookup(self, raw, field):
        """Find an option by value or by its label in any language."""
        for option in field.options:  # the stored value itself: JSON, events, the API
            if raw == option["value"]:
                return raw
        wanted = _key(raw)
        for option in field.options:
            if wanted == _key(option["value"]) or any(
                    wanted == _key(text) for text in option["label"].values()):
                return option["value"]
        raise FieldError(_("%(value)s is not one of the choices: %(choices)s.", value=raw,
                           choices=", ".join(pick(o["label"]) for o in field.options)))

    def option_label(self, value, field, locale):
        for option in field.options:
            if option["value"] == value:
                return pick(option["label"], locale)
        return str(value)

    def choices(self, field, locale):
        return [(o["value"], pick(o["label"], locale)) for o in field.options]

    def select_choices(self, field, locale):
        return [SelectChoice(value, label) for value, label in self.choices(field, locale)]

    def client_spec(self, field):
        return dict(super().client_spec(field), options=field.options)

    def hint(self, field, locale="en"):
        return _("one of the list")

    def filter_options(self, field, locale):
        return self.choices(field, locale)


@register
class Choice(Options):
    name = "choice"
    indexed = True
    filter_key = True

    def column(self, field):
        return CharField(max_length=100, null=True)

    def formula_type(self, field):
        return TEXT  # the option's value, as stored

    def parse_value(self, raw, field, locale):
        return self.lookup(raw, field)

    def display(self, value, field, locale="en"):
        return "" if value is None else self.option_label(value, field, locale)

    def form_text(self, value, field, locale="en"):
        return value or ""

    def form_field(self, field, locale):
        return SelectField(field.label(locale), description=field.help_html(locale),
                           choices=[SelectChoice("", "—")] + self.select_choices(field, locale),
                           validate_choice=False, render_kw=self.input_attrs(field))


@register
class Status(Choice):
    """Ordered stages of a process (new -> confirmed -> ... -> delivered)."""
    name = "status"
    stages = True


class JSONList(TextField):
    def db_value(self, value):
        return None if not value else json.dumps(value, ensure_ascii=False)

    def python_value(self, value):
        return None if value is None else json.loads(value)


@register
class MultiChoice(Options):
    name = "multi_choice"
    operators = ("contains", "not_contains", "is_empty")
    sortable = False
    holds_list = True
    shown_as = "options"

    def column(self, field):
        return JSONList(null=True)

    def parse_value(self, raw, field, locale):
        items = raw if isinstance(raw, (list, tuple)) else re.split(r"[,;|\n]", str(raw))
        chosen = {self.lookup(item, field) for item in items if str(item).strip()}
        ordered = [o["value"] for o in field.options if o["value"] in chosen]
        return ordered or None

    def display(self, value, field, locale="en"):
        return ", ".join(self.option_label(v, field, locale) for v in value or [])

    def form_text(self, value, field, locale="en"):
        return value or []

    def form_field(self, field, locale):
        return SelectMultipleField(field.label(locale), description=field.help_html(locale),
                                   choices=self.select_choices(field, locale),
                                   validate_choice=False,
                                   render_kw=self.input_attrs(field))

    def condition_arg(self, op, raw, field):
        if op == "is_empty":
            return bool(raw)
        return self.lookup(raw, field)

    def match(self, op, value, arg):
        if op == "contains":
            return bool(value) and arg in value
        if op == "not_contains":
            return not self.match("contains", value, arg)
        return super().match(op, value, arg)

    def compile(self, op, column, arg):
        if op == "contains":
            return column.is_null(False) & (position(column, json.dumps(arg, ensure_ascii=False)) > 0)
        if op == "not_contains":
            return ~self.compile("contains", column, arg)
        return super().compile(op, column, arg)
