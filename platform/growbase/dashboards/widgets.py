"""What a dashboard's widget shows, worked out for the user looking at it: a report (over
the rows their role may see), a list of records with their count and the grid of all of
them, or the data quality (the score, or the user's own problems)."""

import json

from flask import url_for

from ..catalog import catalog
from ..i18n import gettext as _
from ..i18n import pick
from ..permissions import access
from ..quality.tally import linked, summary
from ..queries import QueryError, select
from ..records import Forbidden, titles, unseen
from ..reports.engine import ReportRefused, run
from ..tables import SavedView


def title(widget, locale):
    """The widget's heading: as given, else what it shows."""
    given = pick(widget.get("title"), locale, "")
    if given:
        return given
    kind = widget["kind"]
    if kind == "report":
        found = catalog().report(widget["report"])
        return found.name(locale) if found else widget["report"]
    if kind == "records" and widget["entity"] in catalog():
        return catalog().entity(widget["entity"]).plural(locale)
    if kind == "view":
        view = SavedView.get_or_none(SavedView.id == widget["view"])
        return view.name if view else "?"
    return _("My problems") if widget.get("mine") else _("Data quality")


def listed(widget):
    """(entity, condition, sort, the grid's address) of a records or view widget."""
    if widget["kind"] == "view":
        view = SavedView.get_or_none(SavedView.id == widget["view"])
        if view is None or not view.shared:
            raise LookupError(_("The grid view this shows was deleted or is no longer shared."))
        entity, config = catalog().entity(view.entity), view.config or {}
        return entity, config.get("filter"), config.get("sort"), \
            url_for("grid.grid", entity=entity.name, view=view.id)
    entity, condition = catalog().entity(widget["entity"]), widget.get("filter")
    grid = url_for("grid.grid", entity=entity.name, **(
        {"filter": json.dumps(condition, ensure_ascii=False)} if condition else {}))
    return entity, condition, widget.get("sort"), grid


def records(widget):
    entity, condition, sort, grid = listed(widget)
    if not access(entity).can("read"):
        raise Forbidden(_("Your role does not see %(entity)s.", entity=entity.plural()))
    total, exact, rows = select(entity, condition, None, sort, widget.get("limit", 8))
    named = titles(entity, [row.id for row in rows])
    return {"count": total, "exact": exact, "grid": grid, "entity": entity.name,
            "items": [{"id": row.id, "title": named.get(row.id) or unseen(),
                       "url": url_for("records.details_view", entity=entity.name, id=row.id)}
                      for row in rows]}


def data(widget, locale):
    """The widget's figures as JSON, or {"error": why} when this user may not see them."""
    try:
        if widget["kind"] == "report":
            found = catalog().report(widget["report"])
            if found is None:
                raise LookupError(_("There is no report \"%(key)s\".", key=widget["report"]))
            return {"report": run(found, locale)}
        if widget["kind"] == "quality":
            return {"quality": linked(summary(locale)), "page": url_for("quality.index")}
        return records(widget)
    except (ReportRefused, Forbidden, LookupError, QueryError) as exc:
        return {"error": str(exc)}
