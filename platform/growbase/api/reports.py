"""Reports over the JSON API: the list a user may open, one worked out for them
(`?format=xlsx`: the file), and the owner's way to change them. Every figure is summed
over the rows the caller's role may see; a report reading a field hidden from it is
refused."""

from flask import jsonify
from flask_login import current_user

from .base import as_asked, body, bp, refuse
from ..catalog import catalog
from ..definitions import DefinitionError
from ..permissions import access
from ..records import Forbidden
from ..reports.engine import ReportRefused, run
from ..reports.report import Report
from ..reports.store import apply_reports, problems
from ..reports.xlsx import write_report
from ..i18n import gettext as _


def report_or_404(key):
    report = catalog().report(key)
    if report is None or report.entity not in catalog() or \
            not access(catalog().entity(report.entity)).can("read"):
        refuse(404, _report=_("There is no report \"%(key)s\".", key=key))
    return report


@bp.get("/reports")
def reports():
    """The reports over entities the caller may read."""
    locale = current_user.locale
    return jsonify(items=[{"key": r.key, "name": r.name(locale), "entity": r.entity,
                           "chart": r.chart, "description": r.description(locale)}
                          for r in catalog().reports() if r.entity in catalog() and
                          access(catalog().entity(r.entity)).can("read")])


@bp.get("/reports/<key>")
def report(key):
    found = report_or_404(key)
    try:
        result = run(found, current_user.locale)
    except (ReportRefused, Forbidden) as exc:
        refuse(403, _report=str(exc))
    return as_asked(result, lambda r, stream: write_report(found, r, stream, current_user.locale),
                    found.key)


def owner_only():
    if not current_user.is_owner:
        refuse(403, _role=_("Only the owner may change reports."))


@bp.get("/reports/builder")
def builder():
    """What the report builder offers: each entity's fields and what each can do (group,
    sum, be tested by the condition builder)."""
    owner_only()
    locale = current_user.locale
    return jsonify(entities=[{
        "name": e.name, "label": e.plural(locale), "fields": [{
            "name": f.name, "label": f.label(locale), "dated": f.type.dated,
            "summable": f.type.summable, "groupable": f.type.sortable and not f.type.holds_list,
            "operators": list(f.type.operators), "users": f.type.holds_users,
            "options": f.options if f.type.client_spec(f).get("options") else None}
            for f in e.active_fields]} for e in catalog().entities()])


@bp.post("/reports/preview")
def preview():
    """A report as it would read, before it is saved (the builder's Preview)."""
    owner_only()
    spec = dict(body(), key=body().get("key") or "preview")
    found = problems(spec, catalog())
    if found:
        return jsonify(errors=dict(found)), 422
    return jsonify(run(Report(spec), current_user.locale))


@bp.put("/reports/<key>")
def save_report(key):
    """The owner saves a report (its JSON); refused whole, with every problem, when wrong."""
    owner_only()
    spec = body()
    if spec.get("key", key) != key:
        refuse(400, key=_("The key in the address and in the report differ; use one."))
    try:
        changed = apply_reports([dict(spec, key=key)], author=current_user.username)
    except DefinitionError as exc:
        return jsonify(errors={path: text for path, text in exc.problems}), 422
    return jsonify(changed=changed, report=catalog().report(key).spec)
