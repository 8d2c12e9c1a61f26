"""Fields nobody types: a formula's values the record service works out, stored in a real
column of the type its result is shown like (money, date, text ...), so lists, filters,
sorts, exports and conditions treat it as any field of that type; an autonumber's given
once, when a record is created, by every door."""

from markupsafe import Markup
from peewee import CharField

from ..formulas.grammar import FormulaError, parse, reads
from ..formulas.tree import FieldRef, compile_formula
from ..formulas.types import RESULTS, TEXT
from ..i18n import gettext as _
from .base import FieldType, TextLike, register


@register
class Autonumber(TextLike):
    """ORD-00042: the next number in the field's `format` ({00000}: the digits, {YYYY}:
    the year, counting again from 1 each year); unique, never typed, never given twice."""
    name = "autonumber"
    automatic = assigned = always_unique = True
    needs = ("format",)
    options_schema = {"format": {"type": "string", "maxLength": 60,
                                 "pattern": "^[^{}]*(\\{YYYY\\}[^{}]*)?\\{0{1,12}\\}[^{}]*$"}}

    def column(self, field):
        return CharField(max_length=100, null=True)

    def html(self, value, field, base):
        """On one line in a narrow list ("ORD-00001", never "ORD-" above "00001")."""
        return Markup('<span class="text-nowrap">{}</span>').format(value) if value else None

    def storage_key(self, field):
        return ("text",)  # a typed number column becomes an autonumber keeping its values

    def formula_type(self, field):
        return TEXT

    def parse_value(self, raw, field, locale):
        return str(raw)


@register
class Formula(FieldType):
    name = "formula"
    computed = automatic = formula = True
    needs = ("formula",)
    options_schema = {"formula": {"type": "string", "minLength": 1, "maxLength": 2000},
                      "result": {"enum": sorted(RESULTS)}}

    def tree(self, field, entities=None):
        """The formula's typed tree on the field's entity (FormulaError if it does not fit)."""
        return compile_formula(field.spec["formula"], field.entity, entities)

    def inputs(self, field):
        return reads(parse(field.spec["formula"]))

    def result(self, field):
        """(the field type it is shown and stored like, its options: scale, currency, the
        choices of a choice it reads), or FormulaError when the formula's result cannot be
        shown as asked."""
        kind = field.tree.type
        asked = field.spec.get("result")
        read = field.tree.field if isinstance(field.tree, FieldRef) else None
        if asked is None and read is not None and read.options and kind.kind == "text":
            return "choice", {"options": read.spec["options"]}  # a stage read: shown by its label
        fits = {"number": ("number", "integer", "money", "percent"), "text": ("text",),
                "date": ("date",), "datetime": ("datetime", "date"), "boolean": ("boolean",)}[
                    kind.kind]
        if asked is not None and asked not in fits:
            raise FormulaError(_("The formula gives %(type)s, which cannot be shown as "
                                 "\"%(asked)s\"; leave \"result\" out or use one of: %(fits)s.",
                                 type=kind.describe(), asked=asked, fits=", ".join(fits)))
        if asked is None:
            asked = {"number": kind.unit or ("integer" if kind.scale == 0 else "number")}.get(
                kind.kind, kind.kind if kind.kind in RESULTS else "text")
        options = {}
        if asked in ("number", "money", "percent"):
            options["scale"] = field.spec.get("scale", min(max(kind.scale, 2), 8)
                                              if asked != "money" else 2)
        if asked == "money":
            options["currency"] = field.spec.get("currency") or kind.currency or "RUB"
        return RESULTS[asked], options


class RecordFact(FieldType):
    """When a record was created or last changed, and by whom, as a field anyone can add
    (shown, filtered and exported like a date-time or a user): kept by the record service
    with the record's own stamp."""
    automatic = True
    stamp = ""  # the record's own column it mirrors
    on_update = False  # moves with every change (else set once, at creation)

    def moves(self, field, changed):
        """Does a change of the fields `changed` move it?"""
        return self.on_update


@register
class CreatedAt(RecordFact):
    name, keeps_as, stamp = "created_at", "datetime", "gb_created_at"


@register
class CreatedBy(RecordFact):
    name, keeps_as, stamp = "created_by", "user", "gb_created_by"


@register
class UpdatedAt(RecordFact):
    name, keeps_as, stamp, on_update = "updated_at", "datetime", "gb_updated_at", True


@register
class UpdatedBy(RecordFact):
    name, keeps_as, stamp, on_update = "updated_by", "user", "gb_updated_by", True


@register
class StageSince(RecordFact):
    """When the record entered its current stage: set at creation and each time the field
    its "of" names changes (backfilled from the history when the field is added), so
    "stuck in a stage for more than 7 days" is a filter ({"lt": {"ago": "7d"}})."""
    name, keeps_as, stamp = "stage_since", "datetime", "gb_updated_at"
    needs = ("of",)
    options_schema = {"of": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}}

    def moves(self, field, changed):
        return field.spec["of"] in changed
