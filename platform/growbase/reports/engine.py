"""A report worked out: one grouped query over the rows the acting role may see, its cells
combined in Python into the totals (exact: an average's total is the sum over the count,
not an average of averages), laid out as columns, rows and totals.

    {"columns": [{"key", "label", "kind": "group" | "measure" | "total", ...}],
     "rows": [[group label, ..., value, ...]], "row_filters": [condition per row],
     "totals": ["Total", ..., value, ...]}
"""

from decimal import ROUND_HALF_UP, Decimal

from peewee import SQL, fn

from ..catalog import catalog
from ..conditions import fields_in
from ..db import is_postgres, straight_through
from ..errors import GrowbaseError
from ..i18n import current_locale
from ..i18n import gettext as _
from ..models import index_specs
from ..queries import matching, readable
from .buckets import bucket_condition, bucket_label, bucket_sql, first_day
from .plan import Done, PlanTally


DAYS = ("avg_days", "max_days")


def days_until_now(column):
    """Days (with their fraction) from the column's moment until now, in UTC as stamps are."""
    if is_postgres():
        return fn.date_part("epoch", SQL("now() AT TIME ZONE 'utc'") - column) / 86400
    return fn.julianday("now") - fn.julianday(column)


class ReportRefused(GrowbaseError, PermissionError):
    """The acting role may not see something the report reads."""


class Axis:
    """A grouping as the engine uses it: its field, bucket, SQL, and how its values read,
    sort and filter."""

    def __init__(self, entity, dim, locale):
        self.field, self.dim, self.locale = entity.by_name[dim.name], dim, locale
        self.bucket = dim.bucket or ("day" if self.field.type.dated else None)
        self.column = getattr(entity.model, self.field.name)
        self.titles = {}

    def sql(self):
        return bucket_sql(self.column, self.bucket) if self.bucket else self.column

    def value(self, raw):
        if raw is None:
            return None
        return first_day(raw) if self.bucket else self.column.python_value(raw)

    def learn(self, values):
        """Titles of the linked records (or people) among `values`, asked once."""
        found = self.field.type.titles(self.field, [v for v in values if v is not None])
        self.titles = found or {}

    def label(self, value):
        if value is None:
            return _("(empty)")
        if self.bucket:
            return bucket_label(value, self.bucket, self.locale)
        if value in self.titles:
            return self.titles[value]
        return self.field.type.display(value, self.field, self.locale)

    def order(self, value):
        """Stages and choices in their order, dates in time, the rest by what people read."""
        if value is None:
            return (1, 0)
        options = [o["value"] for o in self.field.options] if self.field.get("options") else []
        if value in options:
            return (0, options.index(value))
        if self.bucket or self.field.type.summable:
            return (0, value)
        return (0, self.label(value).casefold())

    def condition(self, value):
        if self.bucket:
            return bucket_condition(self.field, value, self.bucket)
        if value is None:
            return {"field": self.field.name, "is_empty": True}
        return {"field": self.field.name, "eq": self.field.type.to_json(value, self.field)}


class Tally:
    """A measure's SQL, and its value for a group combined from the groups' parts."""

    def __init__(self, entity, measure, locale):
        self.measure, self.agg = measure, measure.agg
        self.field = entity.by_name[measure.name] if measure.name else None
        self.column = getattr(entity.model, measure.name) if measure.name else entity.model.id
        self.label = measure.label(entity, locale)

    def sql(self):
        if self.agg == "count":
            return [fn.COUNT(self.column)]
        if self.agg == "avg":
            return [fn.SUM(self.column).coerce(False), fn.COUNT(self.column)]
        if self.agg in DAYS:
            days = days_until_now(self.column)
            return [fn.SUM(days), fn.COUNT(days)] if self.agg == "avg_days" else [fn.MAX(days)]
        return [{"sum": fn.SUM, "min": fn.MIN, "max": fn.MAX}[self.agg](self.column).coerce(False)]

    def part(self, raws):
        """A group's state from its SQL values: a count, a value, or (sum, count)."""
        if self.agg == "count":
            return raws[0]
        if self.agg in DAYS:
            return (Decimal(str(raws[0] or 0)), raws[1]) if self.agg == "avg_days" else \
                None if raws[0] is None else Decimal(str(raws[0]))
        if self.agg == "avg":
            return (self.column.python_value(raws[0]) if raws[0] is not None else None, raws[1])
        return None if raws[0] is None else self.column.python_value(raws[0])

    def combine(self, parts):
        parts = [p for p in parts if p is not None]
        if self.agg == "count":
            return sum(parts)
        if self.agg in ("avg", "avg_days"):
            return (sum((p[0] for p in parts if p[0] is not None), Decimal(0)),
                    sum(p[1] for p in parts))
        if not parts:
            return None
        return {"sum": sum, "min": min, "max": max, "max_days": max}[self.agg](parts)

    def result(self, state):
        if self.agg in DAYS:
            state = state if self.agg == "max_days" else \
                None if state is None or not state[1] else state[0] / state[1]
            return None if state is None else state.quantize(Decimal("0.1"), ROUND_HALF_UP)
        if self.agg == "avg":
            if state is None or not state[1]:
                return None
            kept = getattr(self.field.type, "scale", None)
            scale = max(2, kept(self.field) if kept else 0)
            return (Decimal(state[0]) / state[1]).quantize(Decimal(1).scaleb(-scale),
                                                           ROUND_HALF_UP)
        return state

    def json(self, state):
        value = self.result(state)
        if value is None or self.agg == "count":
            return value
        if isinstance(value, Decimal):
            return str(value)
        return self.field.type.to_json(value, self.field)

    def describe(self):
        """What the browser needs to format the values."""
        if self.agg == "count":
            return {"type": "integer"}
        if self.agg in DAYS:
            return {"type": "decimal", "scale": 1}
        shown = "decimal" if self.agg == "avg" and self.field.type.name == "integer" else \
            self.field.type.name
        spec = self.field.type.client_spec(self.field)
        return dict({"type": shown}, **{k: spec[k] for k in ("currency", "scale") if k in spec})

    def number_format(self, locale):
        """The Excel format of its cells."""
        if self.agg == "count":
            return "#,##0"
        if self.agg == "avg":
            return "#,##0.00"
        if self.agg in DAYS:
            return "#,##0.0"
        return self.field.type.number_format(self.field, locale)


def refuse_hidden(used, condition, entity, rights, locale):
    used = used | (fields_in(condition, entity) if condition else set())
    hidden = sorted(used & rights.hidden)
    if hidden:
        raise ReportRefused(_(
            "This report reads %(field)s, which your role does not see; ask the owner for "
            "a report without it.", field=entity.by_name[hidden[0]].label(locale)))


def tallies_of(report, locale):
    """The report's measures, then its plan and the share of it done, if it has a plan."""
    entity = catalog().entity(report.entity)
    tallies = [Tally(entity, m, locale) for m in report.measures]
    if report.plan:
        tallies += [PlanTally(report.plan, locale), Done(locale)]
    return tallies


def grouped(query, axes, report, entity):
    """The query's rows. On SQLite, one grouping whose index holds every column the report
    reads is asked in two parts, the filled groups from that index alone (it leaves out the
    empty values) and the empty group apart: 0.14 s instead of 0.34 s for the orders by
    stage at 1,000,000; PostgreSQL plans this itself."""
    if is_postgres() or len(axes) != 1 or axes[0].bucket:
        return query.tuples()
    read = {entity.by_name[name].column for name in report.fields_used() |
            (fields_in(report.filter, entity) if report.filter else set())}
    lead = axes[0].field.column
    if not any(columns[0] == lead and read <= set(columns) | {"id"}
               for columns, _unique, partial in index_specs(entity).values() if partial):
        return query.tuples()
    column = axes[0].column
    return [*query.where(column.is_null(False)).tuples(), *query.where(column.is_null()).tuples()]


def run(report, locale=None):
    """The report over the records the acting role may see (see the module's docstring)."""
    locale = locale or current_locale()
    entity = catalog().entity(report.entity)
    refuse_hidden(report.fields_used(), report.filter, entity, readable(entity), locale)
    if report.plan:
        plan = catalog().entity(report.plan["entity"])
        refuse_hidden(PlanTally(report.plan, locale).fields_used(), report.plan.get("filter"),
                      plan, readable(plan), locale)
    rows = [Axis(entity, d, locale) for d in report.rows]
    across = [Axis(entity, d, locale) for d in report.columns]
    axes, tallies = rows + across, tallies_of(report, locale)
    measured = tallies[:len(report.measures)]
    query = straight_through(matching(entity, report.filter).order_by(), entity.model).select(
        *[a.sql() for a in axes], *[sql for t in measured for sql in t.sql()])
    if axes:
        query = query.group_by(*[SQL(str(i + 1)) for i in range(len(axes))])
    cells = {}
    for raw in grouped(query, axes, report, entity):
        key = tuple(a.value(v) for a, v in zip(axes, raw))
        at, parts = len(axes), []
        for tally in measured:
            width = len(tally.sql())
            parts.append(tally.part(raw[at:at + width]))
            at += width
        cells[key] = parts
    if report.plan:  # the plan's sum after the measures' parts (a group may have only one)
        planned = tallies[len(measured)].cells(axes)
        for key in set(cells) | set(planned):
            cells[key] = cells.get(key, [None] * len(measured)) + [planned.get(key)]
    for index, axis in enumerate(axes):
        axis.learn({key[index] for key in cells})
    return layout(report, entity, rows, across, tallies, cells, locale)


def layout(report, entity, rows, across, tallies, cells, locale):
    """The cells as a table: a row per group down the side, a column per measure (and per
    group across, with a total per measure), totals at the bottom."""
    split = len(rows)
    down = sorted({k[:split] for k in cells}, key=lambda k: [a.order(v) for a, v in zip(rows, k)])
    if not rows:
        down = [()]
    sideways = sorted({k[split:] for k in cells},
                      key=lambda k: [a.order(v) for a, v in zip(across, k)]) if across else [()]
    columns = [{"key": f"g{i}", "label": a.dim.label(entity, a.locale), "kind": "group"}
               for i, a in enumerate(rows)]
    for c, side in enumerate(sideways):
        for m, tally in enumerate(tallies):
            column = {"key": f"c{c}m{m}" if across else f"m{m}", "kind": "measure",
                      "measure": m, **tally.describe()}
            if across:
                group = across[0].label(side[0])
                column.update(group=group, filter=across[0].condition(side[0]),
                              label=group if len(tallies) == 1 else f"{group} · {tally.label}")
            else:
                column["label"] = tally.label
            columns.append(column)
    if across:
        columns += [{"key": f"t{m}", "kind": "total", "measure": m,
                     "label": _("Total") if len(tallies) == 1 else f"{_('Total')} · {t.label}",
                     **t.describe()} for m, t in enumerate(tallies)]

    def state(m, keys):
        if getattr(tallies[m], "ratio", False):  # the plan's share done: fact / plan
            return tallies[m].of(tallies[0].result(state(0, keys)), state(m - 1, keys))
        return tallies[m].combine([cells[k][m] for k in keys if k in cells])

    table = []
    for group in down:
        values = []
        for side in sideways:
            values += [state(m, [group + side]) for m in range(len(tallies))]
        if across:
            values += [state(m, [group + side for side in sideways]) for m in range(len(tallies))]
        table.append((group, values))
    if report.sort != "group" and tallies:
        first = len(sideways) * len(tallies) if across else 0  # the row's total, if across
        table.sort(key=lambda item: tallies[0].result(item[1][first]) or 0,
                   reverse=report.sort == "largest")
    title = _("Total")
    if report.limit and len(table) > report.limit:  # the total stays that of every group
        title = _("Total of all %(n)s", n=len(table))
        table = table[:report.limit]
    width = len(tallies)
    out_rows = [[a.label(v) for a, v in zip(rows, group)] +
                [tallies[i % width].json(s) for i, s in enumerate(values)]
                for group, values in table]
    totals = []
    for side in sideways:
        totals += [state(m, [k for k in cells if k[split:] == side]) for m in range(width)]
    if across:
        totals += [state(m, list(cells)) for m in range(width)]
    return {
        "key": report.key, "name": report.name(locale),
        "entity": entity.name, "chart": report.chart, "filter": report.filter,
        "columns": columns, "rows": out_rows,
        "row_filters": [{"all": [a.condition(v) for a, v in zip(rows, group)]}
                        for group, _values in table],
        "totals": ([title] + [""] * (split - 1) if rows else []) +
                  [tallies[i % width].json(s) for i, s in enumerate(totals)],
    }
