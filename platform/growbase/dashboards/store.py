"""Each role's home page as JSON, checked and stored beside the other definitions (kind
"dashboard", named by its role), versioned the same way.

    {"role": "owner", "widgets": [
      {"kind": "report", "report": "orders_by_stage", "show": "chart", "size": "half"},
      {"kind": "records", "entity": "order", "filter": <condition>, "sort": "status_since",
       "title": {"en": "Stuck more than 7 days", "ru": "..."}},
      {"kind": "records", ..., "today": true},   also on the person's My day page
      {"kind": "view", "view": 12},    a grid view someone saved and shared
      {"kind": "quality", "mine": true}]}   the data-quality score, or the user's own problems
"""

from jsonschema import Draft202012Validator

from ..catalog import catalog
from ..conditions import stored_problems as condition_problems
from ..definitions.schema import LABEL, check_keyed, json_path, sentence
from .dashboard import Dashboard
from ..designer.store import save_changed
from ..i18n import gettext as _
from ..permissions import ROLES
from ..queries import QueryError, order_by
from ..tables import SavedView

KINDS = ("report", "records", "view", "quality")
SHOWS = ("chart", "table", "number")
SIZES = ("third", "half", "full")
MAX_WIDGETS = 24


def meta_schema():
    return {
        "type": "object", "additionalProperties": False, "required": ["role", "widgets"],
        "properties": {
            "role": {"enum": list(ROLES)},
            "widgets": {"type": "array", "maxItems": MAX_WIDGETS, "items": {
                "type": "object", "additionalProperties": False, "required": ["kind"],
                "properties": {
                    "kind": {"enum": list(KINDS)}, "title": LABEL, "size": {"enum": list(SIZES)},
                    "report": {"type": "string"}, "show": {"enum": list(SHOWS)},
                    "entity": {"type": "string"}, "filter": {"type": "object"},
                    "sort": {"type": "string"}, "view": {"type": "integer"},
                    "mine": {"type": "boolean"}, "today": {"type": "boolean"},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 50}}}},
        },
    }


def widget_problems(widget, current, path):
    kind = widget["kind"]
    if kind == "report":
        if current.report(widget.get("report", "")) is None:
            keys = ", ".join(r.key for r in current.reports()) or "-"
            return [(f"{path}.report", _("There is no report \"%(key)s\"; use one of: %(keys)s.",
                                         key=widget.get("report", ""), keys=keys))]
        return []
    if kind == "view":
        found = SavedView.get_or_none(SavedView.id == widget.get("view", 0))
        if found is None or not found.shared or not found.name:
            return [(f"{path}.view", _("Name a grid view saved with \"Shared with everyone\" "
                                       "ticked (its number)."))]
        return []
    if kind != "records":
        return []
    if widget.get("entity") not in current:
        return [(f"{path}.entity", _("There is no entity \"%(name)s\"; use one of: %(names)s.",
                                     name=widget.get("entity"),
                                     names=", ".join(sorted(current.names()))))]
    entity = current.entity(widget["entity"])
    found = condition_problems(widget["filter"], entity, f"{path}.filter") \
        if widget.get("filter") else []
    if widget.get("sort"):
        try:
            order_by(entity, widget["sort"])
        except QueryError as exc:
            found.append((f"{path}.sort", exc.errors["sort"]))
    return found


def problems(spec, current):
    """Every problem of one dashboard, as [(JSON path, sentence)]."""
    schema = meta_schema()
    found = [(json_path(e.path), sentence(e, list(schema["properties"]))) for e in
             Draft202012Validator(schema).iter_errors(spec)]
    if found:
        return found
    for index, widget in enumerate(spec["widgets"]):
        found += widget_problems(widget, current, f"$.widgets[{index}]")
    return found


def apply_dashboards(specs, author="system", note=""):
    """Check dashboards (all or none) and store those that changed; return their roles."""
    current = catalog()
    check_keyed(specs, problems, current, key="role")
    changed = save_changed(specs, lambda spec: current.dashboard(spec["role"]), Dashboard,
                           "dashboard", author, note)
    return changed
