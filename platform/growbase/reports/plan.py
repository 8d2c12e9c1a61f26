"""Plan against fact: a plan entity's targets (a sum per month and manager, say) gathered
into the report's own groups, shown beside the first measure with the share of it done.

    "plan": {"entity": "sales_plan", "field": "target", "date": "month",
             "match": {"manager": "manager"}}

A date grouping of the report buckets the plan's `date` the same way; every other grouping
is matched to the plan field `match` names."""

from decimal import ROUND_HALF_UP, Decimal

from peewee import SQL, fn

from ..catalog import catalog
from ..i18n import gettext as _
from ..i18n import pick
from ..queries import matching, readable
from .buckets import bucket_sql, first_day

TENTH = Decimal("0.1")


class PlanTally:
    """The plan's sum for a group (combined like a sum)."""
    agg = "sum"

    def __init__(self, spec, locale):
        self.spec = spec
        self.entity = catalog().entity(spec["entity"])
        self.field = self.entity.by_name[spec["field"]]
        self.label = pick(spec.get("label"), locale, "") or _("Plan")

    def fields_used(self):
        return {self.spec["field"], self.spec["date"], *self.spec.get("match", {}).values()}

    def cells(self, axes):
        """{key of the report's groups: the plan's sum} over the plans the role may see."""
        model = self.entity.model
        readable(self.entity)
        keys = [bucket_sql(getattr(model, self.spec["date"]), a.bucket) if a.bucket else
                getattr(model, self.spec["match"][a.field.name]) for a in axes]
        column = getattr(model, self.field.name)
        query = matching(self.entity, self.spec.get("filter")).order_by().select(
            *keys, fn.SUM(column).coerce(False))
        if keys:
            query = query.group_by(*[SQL(str(i + 1)) for i in range(len(keys))])
        found = {}
        for raw in query.tuples():
            key = tuple(first_day(v) if a.bucket else v for a, v in zip(axes, raw))
            found[key] = None if raw[-1] is None else column.python_value(raw[-1])
        return found

    def combine(self, parts):
        parts = [p for p in parts if p is not None]
        return sum(parts) if parts else None

    def result(self, state):
        return state

    def json(self, state):
        return self.field.type.to_json(state, self.field)

    def describe(self):
        spec = self.field.type.client_spec(self.field)
        return dict({"type": self.field.type.name},
                    **{k: spec[k] for k in ("currency", "scale") if k in spec})

    def number_format(self, locale):
        return self.field.type.number_format(self.field, locale)


class Done:
    """How much of the plan the first measure reached, in per cent."""
    ratio = True

    def __init__(self, locale):
        self.label = _("Plan done, %")

    @staticmethod
    def of(fact, planned):
        if fact is None or not planned:
            return None
        return (Decimal(fact) * 100 / Decimal(planned)).quantize(TENTH, ROUND_HALF_UP)

    def result(self, state):
        return state

    def json(self, state):
        return None if state is None else str(state)

    def describe(self):
        return {"type": "decimal", "scale": 1}

    def number_format(self, locale):
        return "#,##0.0"
