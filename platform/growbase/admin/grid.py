"""The staff grid, the kanban board and the calendar: pages that load the browser side
(static/grid.js, kanban.js, calendar.js); every read and write goes through the JSON API
(api/records.py, api/grid.py)."""

from flask import abort, make_response, redirect, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from ..api import describe
from ..catalog import UnknownEntity, catalog
from ..documents.render import office
from ..documents.store import label, templates_of
from ..headers import CSP
from ..i18n import current_locale
from ..permissions import access
from ..records import Actor, RecordService
from ..records.parts import line_order, parts


def page_config(entity):
    """What the browser needs to build the columns, editors, filters and board."""
    locale = current_locale()
    spec = describe(entity, locale)
    title = entity.title_fields[0].name if entity.title_fields else entity.active_fields[0].name
    for field in spec["fields"]:
        f = entity.by_name[field["name"]]
        field.update(read_only=field["read_only"] or "update" not in spec["can"],
                     sortable=f.type.sortable,
                     groupable=f.type.filter_key, summable=f.type.summable,
                     stages=f.type.stages, references=f.type.references, hidden=f.hidden,
                     users=f.type.holds_users, dated=f.type.dated,
                     has_default=f.get("default") is not None or f.computed)
    stages = next((f.name for f in entity.active_fields if f.type.stages), None)
    lines = [{"entity": child.name, "link": link.name, "label": child.plural(locale)}
             for child, link in parts(entity) if access(child).can("read")]
    return dict(spec, entity=entity.name, locale=locale, title_field=title,
                stage_field=stages, title=entity.title_template, lines=lines,
                default_sort=entity.default_sort, user_id=current_user.id)


class GridView(BaseView):
    def is_visible(self):
        return False

    def entity(self, name):
        try:
            return catalog().entity(name)
        except UnknownEntity:
            abort(404)

    @expose("/")
    def index(self):
        return redirect(url_for("admin.index"))

    @expose("/<entity>/")
    def grid(self, entity):
        entity = self.entity(entity)
        return self.render("admin/grid/grid.html", entity=entity, page=page_config(entity),
                           documents=[(t.key, label(t, current_locale()))
                                      for t in templates_of(entity.name)], pdf=office())

    @expose("/<entity>/part/<link>/<int:record_id>/")
    def part(self, entity, link, record_id):
        """The lines of one record (an order's), as a grid inside its page: only its lines,
        new ones linked to it, the link itself not shown."""
        entity = self.entity(entity)
        field = entity.active_by_name.get(link)
        if field is None or not field.get("part_of"):
            abort(404)
        RecordService(Actor.for_user(current_user, "grid")).get(field.get("to"), record_id)
        config = page_config(entity)
        for spec in config["fields"]:
            if spec["name"] == link:
                spec["hidden"] = True
        config["part"] = {"link": link, "id": record_id, "order": line_order(entity),
                          "new": url_for("records.create_view", entity=entity.name, url=url_for(
                              "records.details_view", entity=field.get("to"), id=record_id),
                                         **{link: record_id})}  # (a phone adds lines by form)
        response = make_response(self.render("admin/grid/grid.html", entity=entity, page=config))
        # shown inside its record's page, from this site only (every other page: nowhere)
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = CSP.replace(
            "frame-ancestors 'none'", "frame-ancestors 'self'")
        return response

    @expose("/<entity>/kanban/")
    def kanban(self, entity):
        entity = self.entity(entity)
        config = page_config(entity)
        if not config["stage_field"]:
            abort(404)
        return self.render("admin/grid/kanban.html", entity=entity, page=config)

    @expose("/<entity>/calendar/")
    def calendar(self, entity):
        entity = self.entity(entity)
        config = page_config(entity)
        if not any(f["dated"] and not f["hidden"] for f in config["fields"]):
            abort(404)
        return self.render("admin/grid/calendar.html", entity=entity, page=config)
