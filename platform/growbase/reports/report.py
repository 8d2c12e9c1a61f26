"""One report as the catalog holds it: what it groups by and what it measures, read from
its JSON; nothing checked or stored here (store.py does that, check.py says what is wrong).

    {"key": "sales_by_manager", "name": {"en": "Sales by manager", "ru": "..."},
     "entity": "order", "filter": <condition>,
     "rows": [{"field": "manager"}], "columns": [{"field": "ordered_at", "bucket": "month"}],
     "measures": [{"agg": "sum", "field": "amount"}, {"agg": "count"}],
     "chart": "bar", "sort": "largest", "limit": 10}
"""

from ..i18n import gettext as _
from ..i18n import pick

AGGS = ("count", "sum", "avg", "min", "max", "avg_days", "max_days")  # days: from a date to now
BUCKETS = ("day", "week", "month", "quarter", "year")
CHARTS = ("table", "bar", "line", "pie", "funnel", "number")
SORTS = ("group", "largest", "smallest")


class Dimension:
    """A grouping: a field's values, a date field by a bucket (a day, a week ...)."""

    def __init__(self, spec):
        self.spec = spec
        self.name = spec["field"]
        self.bucket = spec.get("bucket")

    def label(self, entity, locale=None):
        field = entity.by_name[self.name]
        name = pick(self.spec.get("label"), locale, "") or field.label(locale)
        return f"{name} ({bucket_name(self.bucket)})" if self.bucket else name


class Measure:
    """An aggregate of a field (count needs none) over each group's records."""

    def __init__(self, spec):
        self.spec = spec
        self.agg = spec["agg"]
        self.name = spec.get("field")

    def label(self, entity, locale=None):
        given = pick(self.spec.get("label"), locale, "")
        if given:
            return given
        if self.name is None:
            return _("Count")
        return f"{entity.by_name[self.name].label(locale)}: {agg_name(self.agg)}"


class Report:
    def __init__(self, spec, version=0):
        self.spec, self.version = spec, version
        self.key = spec["key"]
        self.entity = spec["entity"]
        self.filter = spec.get("filter")
        self.rows = [Dimension(d) for d in spec.get("rows", [])]
        self.columns = [Dimension(d) for d in spec.get("columns", [])]
        self.measures = [Measure(m) for m in spec.get("measures") or [{"agg": "count"}]]
        self.chart = spec.get("chart", "table")
        self.sort = spec.get("sort", "group")
        self.limit = spec.get("limit")
        self.plan = spec.get("plan")  # plan.py

    def __repr__(self):
        return f"<Report {self.key} on {self.entity}>"

    def name(self, locale=None):
        return pick(self.spec.get("name"), locale, self.key)

    def description(self, locale=None):
        return pick(self.spec.get("description"), locale, "")

    def fields_used(self):
        """The fields the report reads besides its filter's (the filter's: conditions)."""
        return {d.name for d in self.rows + self.columns} | {
            m.name for m in self.measures if m.name}


def agg_name(agg):
    return {"count": _("count"), "sum": _("sum"), "avg": _("average"), "min": _("smallest"),
            "max": _("largest"), "avg_days": _("days until now, on average"),
            "max_days": _("days until now, the longest")}[agg]


def bucket_name(bucket):
    return {"day": _("day"), "week": _("week"), "month": _("month"), "quarter": _("quarter"),
            "year": _("year")}[bucket]
