"""The reports pages: the list a user may open, one report as a table and a chart
(static/reports.js draws both from GET /api/reports/<key>, with a click from any figure to
the records behind it), and the owner's builder (static/report_builder.js)."""

from flask import abort
from flask_admin import BaseView, expose
from flask_login import current_user

from ..catalog import catalog
from ..i18n import current_locale
from ..permissions import access
from .designer import page_config


def readable_reports():
    return [r for r in catalog().reports()
            if r.entity in catalog() and access(catalog().entity(r.entity)).can("read")]


class ReportsView(BaseView):
    @expose("/")
    def index(self):
        return self.render("admin/reports/index.html", reports=readable_reports(),
                           locale=current_locale())

    @expose("/<key>/")
    def report(self, key):
        found = next((r for r in readable_reports() if r.key == key), None)
        if found is None:
            abort(404)
        locale = current_locale()
        return self.render("admin/reports/report.html", report=found, locale=locale,
                           page={"key": found.key, "entity": found.entity, "locale": locale,
                                 "chart": found.chart})

    @expose("/new/")
    def new(self):
        return self.builder(None)

    @expose("/<key>/edit/")
    def edit(self, key):
        found = catalog().report(key)
        if found is None:
            abort(404)
        return self.builder(found.spec)

    def builder(self, spec):
        if not current_user.is_owner:
            abort(403)
        return self.render("admin/reports/builder.html", page=page_config(spec=spec))
