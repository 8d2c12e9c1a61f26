"""Flask-Admin views over entities defined at runtime.

WARNING: Flask-Admin registers a blueprint per view and Flask refuses new ones once
the app has served a request; views also cache columns and forms when built. So one
router is registered at /admin/records/<entity>/ and hands each request to an
EntityView built for the entity's current definition version (cached per version
and locale). Pinned to flask-admin 2.2.*; tests/test_admin.py would catch a break.
"""

import threading

from flask import abort, flash, g, redirect, request, session, url_for
from flask_admin import BaseView, expose
from flask_admin.helpers import get_form_data
from flask_admin.model import BaseModelView
from flask_login import current_user
from markupsafe import Markup
from peewee import OperationalError

from ..catalog import UnknownEntity, catalog
from ..db import MAX_ID, busy
from ..i18n import current_locale
from ..i18n import gettext as _
from ..queries import QueryError, link_titles, select
from ..acting import acting_role
from ..permissions import access
from ..records import (Actor, Conflict, RecordError, RecordService, ValidationFailed,
                       busy_message)
from ..documents.render import office
from ..documents.store import label, templates_of
from ..tables import Audit
from .filters import filters_for
from .related import look_alikes, panels, timeline
from ..records.parts import parts
from ..records.trail import forget_written, written_event
from ..fields.links import ReferenceLoader, unseen
from .forms import build_form_class, form_data, form_layout, show_errors, submitted


def follow(entity, record_id):
    """The next page notes what this save set off (static/effects.js asks the API)."""
    session["gb_event"] = written_event(entity, record_id)


def shown_value(entity, field, row, locale, titles=None):
    """A value as a page shows it: files as links, a linked record by its title as a way to
    it, a coloured option as a badge, the rest as text (titles: the field's {id: title},
    preloaded for a page of rows)."""
    value = getattr(row, field.name)
    shown = field.type.html(value, field, f"/api/{entity.name}/{row.id}/files/{field.name}")
    if shown is not None:
        return shown
    if value is not None and (titles is not None or field.get("to")):
        title = titles.get(value) or unseen() if titles is not None \
            else field.type.display(value, field, locale)
        if not field.get("to"):  # (a person)
            return title
        return Markup('<a href="{}">{}</a>').format(url_for(  # a linked record: a way to it
            "records.details_view", entity=field.get("to"), id=value), title)
    text = field.type.display(value, field, locale)
    color = next((o.get("color") for o in field.options if o["value"] == value), None) \
        if field.options and value is not None else None
    if color:
        return Markup('<span class="badge" style="background:{};color:#fff">{}</span>'
                      ).format(color, text)
    return text


class EntityView(BaseModelView):
    """List, create, edit, details and delete for one version of one entity."""
    titled_by_name = True  # (the base template's heading: other pages have their own)
    can_view_details = True
    can_set_page_size = True
    page_size = 50
    details_template = "admin/records/details.html"
    edit_template = "admin/records/edit.html"
    list_template = "admin/records/list.html"
    extra_js = ["/static/vendor/imask/imask.min.js", "/static/masks.js", "/static/growbase.js"]

    def __init__(self, entity, locale, router):
        self.entity = entity
        self.locale = locale
        self.rights = access(entity)  # of the role this view is built for
        self.fields = [f for f in entity.visible_fields if self.rights.shows(f.name)]
        self.can_create = self.rights.can("create")
        self.can_edit = self.rights.can("update")
        self.can_delete = self.rights.can("delete")
        self.column_labels = {f.name: f.label(locale) for f in entity.fields}
        self.column_descriptions = {f.name: f.help(locale) for f in entity.fields if f.help(locale)}
        self.column_formatters = {f.name: self._formatter(f) for f in entity.fields}
        if entity.spec.get("layout"):
            self.form_rules = form_layout(entity, locale, self.fields)
        super().__init__(entity.model, name=entity.plural(locale), endpoint=router.endpoint)
        self.admin, self.blueprint, self.url = router.admin, router.blueprint, router.url

    # -- columns ---------------------------------------------------------
    def get_pk_value(self, model):
        return model.id

    def scaffold_list_columns(self):
        return [f.name for f in self.fields if f.type.listed][:8]

    def get_details_columns(self):
        return [(f.name, f.label(self.locale)) for f in self.fields]

    def scaffold_sortable_columns(self):
        return {f.name: f.name for f in self.fields if f.type.sortable}

    def init_search(self):
        return any(f.type.searchable for f in self.entity.active_fields)

    def search_placeholder(self):
        return _("Search")

    def get_filters(self):
        return [flt for f in self.fields for flt in filters_for(f, self.locale)] or None

    def _formatter(self, field):
        def format_value(view, context, model, name):
            shown = shown_value(self.entity, field, model, self.locale,
                                g.get("gb_titles", {}).get(name))
            if field.options:  # (a choice reads in the reader's language; the rest is data)
                return shown
            return Markup('<span class="gb-data">{}</span>').format(shown)
        return format_value

    # -- forms -----------------------------------------------------------
    def scaffold_form(self):
        return build_form_class(self.entity, self.locale, self.fields, self.rights.read_only)

    def _process_ajax_references(self):
        """The record pickers' lookups, answered at /admin/records/<entity>/ajax/lookup/."""
        return {f.name: ReferenceLoader(f) for f in self.fields
                if f.type.references}

    def create_form(self, obj=None):
        data = form_data(self.entity, None, self.locale, self.fields, current_user.id)
        for field in self.fields:  # "+ add" on a record page: the link already picked
            if field.name in request.args and not field.automatic:
                try:
                    value = field.type.parse(request.args[field.name], field, self.locale)
                except ValueError:
                    continue
                data[field.name] = field.type.form_text(value, field, self.locale)
        return self._create_form_class(self._formdata(), data=data)

    def edit_form(self, obj=None):
        return self._edit_form_class(self._formdata(),
                                     data=form_data(self.entity, obj, self.locale, self.fields))

    @staticmethod
    def _formdata():
        return get_form_data()

    # -- data ------------------------------------------------------------
    def get_list(self, page, sort_field, sort_desc, search, filters, page_size=None):
        page_size = page_size or self.page_size
        nodes = [self._filters[index].node(value) for index, _name, value in filters or []]
        sort = f"{'-' if sort_desc else ''}{sort_field}" if sort_field else None
        try:
            total, _exact, rows = select(self.entity, {"all": nodes} if nodes else None, search,
                                         sort, page_size, min((page or 0) * page_size, MAX_ID),
                                         exact=True)
        except QueryError as exc:
            flash("; ".join(exc.errors.values()), "error")
            total, _exact, rows = select(self.entity, None, None, None, page_size, 0)
        g.gb_titles = link_titles(self.entity, rows)
        return total, rows

    def export_options(self):
        """The list's current filters, search, sort and columns, as export options."""
        args = self._get_list_extra_args()
        nodes = [self._filters[index].node(value) for index, _name, value in args.filters or []]
        sort_field = self._get_column_by_idx(args.sort)[0] if args.sort is not None else None
        total, _exact, _rows = select(self.entity, {"all": nodes} if nodes else None,
                                      args.search, None, 1, 0)
        return {"condition": {"all": nodes} if nodes else None, "search": args.search or None,
                "sort": f"{'-' if args.sort_desc else ''}{sort_field}" if sort_field else None,
                "columns": [name for name, _label in self._list_columns], "locale": self.locale,
                "total": total}

    def get_one(self, id):
        """The record if the user's role may see it (else the page says it is not there)."""
        try:
            found = str(id).isdigit() and int(id) <= MAX_ID
            return self.service().get(self.entity.name, int(id))[1] if found else None
        except RecordError:
            return None

    def service(self):
        return RecordService(Actor.for_user(current_user, "ui"), locale=self.locale)

    def create_model(self, form):
        forget_written()
        made = self._saved(form, lambda: self.service().create(
            self.entity.name, submitted(form, self.fields, self.rights.read_only)))
        if made:
            look_alikes(self.entity, made)
            follow(self.entity.name, made.id)
        return made

    def update_model(self, form, model):
        def write():
            self.service().update(self.entity.name, model.id,
                                  submitted(form, self.fields, self.rights.read_only),
                                  version=form.gb_version.data)
            return True
        forget_written()
        saved = self._saved(form, write)
        if saved:
            follow(self.entity.name, model.id)
        return saved

    def delete_model(self, model):
        def write():
            self.service().delete(self.entity.name, model.id)
            return True
        return self._saved(None, write)

    def _saved(self, form, write):
        """Run the write; what refused it is said on the page, the form keeping its input."""
        try:
            return write()
        except ValidationFailed as exc:
            if form is None:
                flash(str(exc), "error")  # each message with its field's label
            else:
                self._refused(form, exc.errors)
        except Conflict as exc:
            for name, change in exc.fields.items():
                field = self.entity.field(name)
                theirs = field.type.display(field.type.parse(change["theirs"], field), field,
                                            self.locale)
                form[name].errors = list(form[name].errors or []) + [_(
                    "%(by)s changed this to \"%(value)s\" at %(at)s.", by=change["by"],
                    value=theirs, at=change["at"])]
            form.gb_version.data = exc.version
            flash(str(exc), "error")
        except OperationalError as exc:
            if not busy(exc):
                raise
            flash(busy_message(), "error")
        return False

    def _refused(self, form, errors):
        rest = show_errors(form, errors)
        flash(_("Not saved: check the highlighted fields.") + (
            " " + "; ".join(rest.values()) if rest else ""), "error")

    def history(self, model):
        """The record's audit trail and its lines' (an order's), newest first, with
        old -> new per field."""
        whose = (Audit.entity == self.entity.name) & (Audit.record_id == model.id)
        entities = {self.entity.name: (self.entity, self.rights, "")}
        for child, link in parts(self.entity):
            rights = access(child)
            if rights.can("read"):
                ids = [r.id for r in child.model.select(child.model.id).where(
                    getattr(child.model, link.name) == model.id)]
                whose |= (Audit.entity == child.name) & Audit.record_id.in_(ids or [0])
                entities[child.name] = (child, rights, child.label(self.locale))
        out = []
        for audit in Audit.select().where(whose).order_by(Audit.id.desc()).limit(200):
            entity, rights, part = entities[audit.entity]
            changes = []
            for name, (old, new) in audit.changes.items():
                field = entity.by_name.get(name)
                if field is None or not rights.shows(name):
                    continue
                changes.append((name, field.label(self.locale), self._show(field, old),
                                self._show(field, new), not field.automatic and not part))
            out.append({"id": audit.id, "at": audit.at, "who": audit.username,
                        "source": audit.source, "action": audit.action, "changes": changes,
                        "part": f"{part} #{audit.record_id}" if part else ""})
        return out

    def related(self, model):
        return panels(self.entity, model.id, self.locale)

    def lines(self, model):
        """(title, grid url) of the records that are parts of this one (its order lines)."""
        return [(child.plural(self.locale), url_for("grid.part", entity=child.name,
                                                    link=link.name, record_id=model.id))
                for child, link in parts(self.entity) if access(child).can("read")]

    def documents(self, model):
        """(name, PDF url, .docx url) of the documents this record prints as, and whether
        PDF can be made here."""
        return [(label(t, self.locale), *(f"/api/{self.entity.name}/{model.id}/document/"
                                          f"{t.key}?format={f}" for f in ("pdf", "docx")))
                for t in templates_of(self.entity.name)], office() is not None

    def timeline(self, model, related):
        return timeline(self.entity, model.id, related, self.locale)

    def automation_runs(self, model):
        from ..automation.runlog import of_record
        return of_record(self.entity.name, model.id)

    def planned(self, model):
        from ..automation.clock import planned
        from ..records import values_of
        return planned(self.entity, model.id, values_of(self.entity, model))

    def _show(self, field, json_value):
        if json_value is None:
            return ""
        return field.type.display(field.type.parse(json_value, field), field, self.locale)


class RecordsRouter(BaseView):
    """The one registered view: /admin/records/<entity>/... dispatched to an EntityView."""

    def __init__(self):
        super().__init__(name="Records", endpoint="records", url="/admin/records/<entity>")
        self._views = {}
        self._lock = threading.Lock()

    def is_visible(self):
        return False

    def create_blueprint(self, admin):
        blueprint = super().create_blueprint(admin)

        @blueprint.url_value_preprocessor
        def take_entity(endpoint, values):
            g.gb_entity = values.pop("entity", None) if values else None

        @blueprint.url_defaults
        def keep_entity(endpoint, values):
            if "entity" not in values and g.get("gb_entity"):
                values["entity"] = g.gb_entity

        return blueprint

    def view(self):
        try:
            entity = catalog().entity(g.gb_entity)
        except UnknownEntity:
            abort(404)
        key = (entity.name, entity.version, current_locale(), acting_role())
        view = self._views.get(key)
        if view is None:
            with self._lock:
                view = self._views.get(key) or EntityView(entity, key[2], self)
                self._views = {k: v for k, v in self._views.items() if k[0] != entity.name or
                               k[1] == entity.version}
                self._views[key] = view
        return view

    @expose("/")
    def index_view(self):
        return self.view().index_view()

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        return self.view().create_view()

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        return self.view().edit_view()

    @expose("/details/")
    def details_view(self):
        return self.view().details_view()

    @expose("/delete/", methods=("POST",))
    def delete_view(self):
        return self.view().delete_view()

    @expose("/action/", methods=("POST",))
    def action_view(self):
        return self.view().action_view()

    @expose("/ajax/lookup/")
    def ajax_lookup(self):
        return self.view().ajax_lookup()

    @expose("/export/")
    def export_view(self):
        """Export what the list shows (its filters, search, sort and columns) as a job."""
        from ..transfer.jobs import new_export
        view = self.view()
        return redirect(url_for("transfer.job", job_id=new_export(
            current_user, view.entity, view.export_options(),
            "csv" if request.args.get("format") == "csv" else "xlsx").id))

