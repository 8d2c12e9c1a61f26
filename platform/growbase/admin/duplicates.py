"""The merge queue: pairs of look-alike records (a customer typed in twice), each opened
side by side to pick, field by field, what the survivor keeps; merged (its orders, calls
and tasks follow, undone from History) or dismissed as not the same."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from markupsafe import Markup

from ..catalog import UnknownEntity, catalog
from ..duplicates import pairs
from ..duplicates.merge import merge
from ..duplicates.scan import rule, scan
from ..duplicates.shown import listed
from ..i18n import current_locale
from ..i18n import gettext as _
from ..permissions import access
from ..records import RecordError, RecordService
from ..records.values import values_of
from ..tables import DuplicatePair


def entities():
    """The entities with a "duplicates" setting the user may read."""
    return [e for e in catalog().entities() if rule(e) is not None and access(e).can("read")]


class DuplicatesView(BaseView):
    def is_accessible(self):
        return current_user.is_authenticated and bool(entities())

    def inaccessible_callback(self, name, **kwargs):
        abort(404)

    def entity(self, entity_name):
        try:
            entity = catalog().entity(entity_name)
        except UnknownEntity:
            abort(404)
        if rule(entity) is None or not access(entity).can("read"):
            abort(404)
        return entity

    @expose("/")
    def index(self):
        chosen = request.args.get("entity") or entities()[0].name
        entity = self.entity(chosen)
        return self.render("admin/duplicates/index.html", entity=entity, entities=entities(),
                           items=listed(entity, pairs.open_pairs(entity.name, 500)))

    @expose("/<entity_name>/scan", methods=("POST",))
    def rescan(self, entity_name):
        entity = self.entity(entity_name)
        pairs.keep(entity.name, scan(entity), whole=True)
        flash(_("Looked through every record again."), "success")
        return redirect(url_for(".index", entity=entity_name))

    @expose("/<entity_name>/<int:pair_id>")
    def compare(self, entity_name, pair_id):
        entity, pair = self.pair(entity_name, pair_id)
        service = RecordService(locale=current_locale())
        rows = [values_of(entity, service.get(entity_name, i)[1]) for i in (pair["a"], pair["b"])]
        rights = access(entity)
        locale = current_locale()
        fields = [(f, [f.type.display(row.get(f.name), f, locale) for row in rows])
                  for f in entity.active_fields if rights.shows(f.name)]
        return self.render("admin/duplicates/compare.html", entity=entity, pair=pair,
                           fields=fields, writable={f.name for f, _v in fields
                                                    if not f.automatic and not f.read_only})

    @expose("/<entity_name>/<int:pair_id>/merge", methods=("POST",))
    def do_merge(self, entity_name, pair_id):
        entity, pair = self.pair(entity_name, pair_id)
        kept = pair["a"] if request.form.get("kept") != "b" else pair["b"]
        dropped = pair["b"] if kept == pair["a"] else pair["a"]
        side = {"a": pair["a"], "b": pair["b"]}
        choose = {key[6:]: "kept" if side.get(value) == kept else "dropped"
                  for key, value in request.form.items() if key.startswith("field:")}
        try:
            done = merge(entity.name, kept, dropped, choose, current_user, current_locale())
        except RecordError as exc:
            flash(str(exc), "error")
            return redirect(url_for(".compare", entity_name=entity_name, pair_id=pair_id))
        moved = ", ".join(f"{catalog().entity(n).plural()}: {count}"
                          for n, count in done["moved"].items())
        flash(Markup(_("Merged into #%(id)s", id=kept)) + (f" ({moved})" if moved else "") +
              Markup(f'. <a href="{url_for("records.details_view", entity=entity_name, id=kept)}">') +
              _("Open it") + Markup("</a> · ") + _("History can undo the merge."), "success")
        return redirect(url_for(".index", entity=entity_name))

    @expose("/<entity_name>/<int:pair_id>/dismiss", methods=("POST",))
    def dismiss(self, entity_name, pair_id):
        _entity, pair = self.pair(entity_name, pair_id)
        DuplicatePair.update(state="dismissed").where(DuplicatePair.id == pair["pair"]).execute()
        flash(_("Marked as not the same: the pair will not be offered again."), "success")
        return redirect(url_for(".index", entity=entity_name))

    def pair(self, entity_name, pair_id):
        entity = self.entity(entity_name)
        found = DuplicatePair.get_or_none((DuplicatePair.id == pair_id) &
                                          (DuplicatePair.entity == entity.name) &
                                          (DuplicatePair.state == "open"))
        shown = listed(entity, [found]) if found is not None else []
        if not shown:
            abort(404)
        return entity, shown[0]
