"""Rollups: a value over the records that link here — an order's total over its lines, a
customer's orders and what they spent, a product's stock — kept in a real column and
worked out again, in the same transaction, whenever one of those records changes."""

from decimal import Decimal

from ..formulas.grammar import FormulaError
from ..formulas.types import RESULTS
from ..i18n import gettext as _
from .base import FieldType, register
from .links import resolver

AGGREGATES = ("sum", "count", "min", "max", "avg", "latest")
NEED_NUMBERS = ("sum", "avg")


@register
class Rollup(FieldType):
    name = "rollup"
    computed = automatic = True
    needs = ("from", "agg")
    options_schema = {"from": {"type": "string", "pattern": "^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$"},
                      "agg": {"enum": list(AGGREGATES)}, "field": {"type": "string"},
                      "where": {"type": "object"}}

    def source(self, field, resolve=None):
        """(the entity whose records are summed up, its link here, the field read or None);
        FormulaError saying what to fix when the definition does not fit."""
        entity_name, _dot, link_name = field.spec["from"].partition(".")
        try:
            child = (resolve or resolver.entity)(entity_name)
        except LookupError:
            child = None
        if child is None:
            raise FormulaError(_("\"from\": there is no entity \"%(name)s\"; write it as "
                                 "entity.link, like order_line.order.", name=entity_name))
        link = child.active_by_name.get(link_name)
        if link is None or not link.type.links_entity or link.get("to") != field.entity.name:
            raise FormulaError(_("\"from\": %(entity)s.%(link)s is not a link from %(entity)s to "
                                 "%(here)s; name the field of %(entity)s that links here.",
                                 entity=entity_name, link=link_name, here=field.entity.name))
        agg, name = field.spec["agg"], field.spec.get("field")
        if agg == "count":
            return child, link, None
        read = child.active_by_name.get(name or "")
        kind = read.type.formula_type(read) if read is not None else None
        if kind is not None and agg in NEED_NUMBERS and not kind.number:
            raise FormulaError(_("\"field\": %(agg)s counts numbers; name a number field of "
                                 "%(entity)s, like \"amount\".", agg=agg, entity=entity_name))
        if kind is None:
            raise FormulaError(_("\"field\": name a field of %(entity)s that %(agg)s can read, "
                                 "like \"amount\".", agg=agg, entity=entity_name))
        return child, link, read

    def inputs(self, field):
        return set()  # nothing of its own record: the records that link here

    def result(self, field):
        child, link, read = field.source
        agg = field.spec["agg"]
        if agg == "count":
            return "integer", {}
        kind = read.type.formula_type(read)
        options = {}
        if kind.number:
            scale = kind.scale + 2 if agg == "avg" else kind.scale
            options["scale"] = min(scale, 8)
            if kind.unit == "money":
                options["currency"] = kind.currency
            name = kind.unit or ("integer" if options["scale"] == 0 else "number")
        else:
            name = kind.kind
        return RESULTS[name], options

    def empty(self, field):
        """A new record's value: nothing links to it yet."""
        agg = field.spec["agg"]
        if agg != "sum":
            return 0 if agg == "count" else None
        return Decimal(0).quantize(Decimal(10) ** -self.result(field)[1]["scale"])  # "0.00"
