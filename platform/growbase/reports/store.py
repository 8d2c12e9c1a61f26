"""Reports as JSON, checked and stored beside entity definitions (kind "report"),
versioned the same way; a report that does not make sense is refused with every problem,
its JSON path and what to do."""

from difflib import get_close_matches

from ..catalog import catalog
from ..conditions import stored_problems as condition_problems
from ..definitions.schema import LABEL, NAME, check_keyed, keyed_problems
from ..designer.store import save_changed
from ..i18n import gettext as _
from .report import AGGS, BUCKETS, CHARTS, SORTS, Measure, Report

DIMENSION = {"type": "object", "additionalProperties": False, "required": ["field"],
             "properties": {"field": {"type": "string"}, "bucket": {"enum": list(BUCKETS)},
                            "label": LABEL}}
MAX_ROWS = 3  # groupings down the side; one across


def meta_schema():
    return {
        "type": "object", "additionalProperties": False, "required": ["key", "name", "entity"],
        "properties": {
            "key": {"type": "string", "pattern": NAME},
            "name": LABEL,
            "description": LABEL,
            "entity": {"type": "string", "pattern": NAME},
            "filter": {"type": "object"},
            "rows": {"type": "array", "maxItems": MAX_ROWS, "items": DIMENSION},
            "columns": {"type": "array", "maxItems": 1, "items": DIMENSION},
            "measures": {"type": "array", "minItems": 1, "maxItems": 8, "items": {
                "type": "object", "additionalProperties": False, "required": ["agg"],
                "properties": {"agg": {"enum": list(AGGS)}, "field": {"type": "string"},
                               "label": LABEL}}},
            "chart": {"enum": list(CHARTS)},
            "sort": {"enum": list(SORTS)},
            "limit": {"type": "integer", "minimum": 1, "maximum": 1000},
            "plan": {"type": "object", "additionalProperties": False,
                     "required": ["entity", "field", "date"],
                     "properties": {"entity": {"type": "string", "pattern": NAME},
                                    "field": {"type": "string"}, "date": {"type": "string"},
                                    "match": {"type": "object",
                                              "additionalProperties": {"type": "string"}},
                                    "filter": {"type": "object"},
                                    "label": LABEL}},
        },
    }


def field_problem(entity, name, path):
    """The field `name` of `entity`, or a sentence naming the fields there are."""
    field = entity.by_name.get(name)
    if field is not None and not field.retired:
        return None
    names = [f.name for f in entity.active_fields]
    close = get_close_matches(name, names, n=1, cutoff=0.5)
    hint = _(" Did you mean \"%(key)s\"?", key=close[0]) if close else ""
    return (path, _("%(entity)s has no field \"%(name)s\"; use one of: %(names)s.",
                    entity=entity.label(), name=name, names=", ".join(names)) + hint)


def dimension_problems(entity, dim, path):
    missing = field_problem(entity, dim.name, f"{path}.field")
    if missing:
        return [missing]
    field = entity.by_name[dim.name]
    if dim.bucket and not field.type.dated:
        return [(f"{path}.bucket", _(
            "A bucket groups dates; %(field)s is not a date. Remove \"bucket\", or group by "
            "a date field.", field=field.label()))]
    if field.type.holds_list or not field.type.sortable:
        return [(f"{path}.field", _(
            "%(field)s cannot be grouped by (its values are lists or long texts); group by "
            "a choice, a stage, a person, a link, a date or a number.", field=field.label()))]
    return []


def measure_problems(entity, measure, path):
    if measure.name is None:
        return [] if measure.agg == "count" else [(f"{path}.field", _(
            "Say which field to add up: \"field\": \"amount\" (only a count needs none)."))]
    missing = field_problem(entity, measure.name, f"{path}.field")
    if missing:
        return [missing]
    field = entity.by_name[measure.name]
    if measure.agg in ("sum", "avg") and not field.type.summable:
        return [(f"{path}.agg", _(
            "%(field)s is not a number, so it cannot be added up or averaged; count it, or "
            "use a number or money field.", field=field.label()))]
    if measure.agg in ("avg_days", "max_days") and not field.type.dated:
        return [(f"{path}.agg", _(
            "Days until now are counted from a date; %(field)s is not one. Name a date field "
            "(such as the one a stage started).", field=field.label()))]
    if measure.agg in ("min", "max") and not (field.type.summable or field.type.dated):
        return [(f"{path}.agg", _(
            "The smallest and largest are of numbers and dates; %(field)s is neither. Count "
            "it instead.", field=field.label()))]
    return []


def problems(spec, current):
    """Every problem of one report, as [(JSON path, sentence)]."""
    found, entity = keyed_problems(spec, meta_schema(), current)
    if entity is None:
        return found
    report = Report(spec)
    for key, dims in (("rows", report.rows), ("columns", report.columns)):
        for index, dim in enumerate(dims):
            found += dimension_problems(entity, dim, f"$.{key}[{index}]")
    for index, measure in enumerate(report.measures):
        found += measure_problems(entity, measure, f"$.measures[{index}]")
    if report.filter is not None:
        found += condition_problems(report.filter, entity, "$.filter")
    if report.plan and not found:
        found += plan_problems(report, current)
    return found


def plan_problems(report, current):
    """A plan must name a number to sum and a date, and hold every grouping of the report:
    a date grouping through its date, any other through the field `match` pairs with it."""
    spec = report.plan
    if spec["entity"] not in current:
        return [("$.plan.entity", _("There is no entity \"%(name)s\"; use one of: %(names)s.",
                                    name=spec["entity"], names=", ".join(sorted(current.names()))))]
    plan, here = current.entity(spec["entity"]), current.entity(report.entity)
    found = [(path.replace(".agg", ".field"), text) for path, text in measure_problems(
        plan, Measure({"agg": "sum", "field": spec["field"]}), "$.plan")]
    missing = field_problem(plan, spec["date"], "$.plan.date")
    if missing or not plan.by_name[spec["date"]].type.dated:
        found.append(missing or ("$.plan.date", _("%(field)s is not a date; name the plan's date "
                                                  "field.", field=plan.by_name[spec["date"]].label())))
    if spec.get("filter") is not None:
        found += condition_problems(spec["filter"], plan, "$.plan.filter")
    match = spec.get("match", {})
    for dim in report.rows + report.columns:
        if here.by_name[dim.name].type.dated:
            continue
        if dim.name not in match:
            found.append(("$.plan.match", _(
                "Say which field of %(plan)s holds the report's %(field)s: \"match\": "
                "{\"%(name)s\": \"...\"}.", plan=plan.label(), field=here.by_name[dim.name].label(),
                name=dim.name)))
        else:
            found += [p for p in [field_problem(plan, match[dim.name], f"$.plan.match.{dim.name}")] if p]
    return found


def apply_reports(specs, author="system", note=""):
    """Check reports (all or none) and store those that changed; return their keys."""
    current = catalog()
    check_keyed(specs, problems, current)
    changed = save_changed(specs, lambda spec: current.report(spec["key"]), Report, "report",
                           author, note)
    return changed
