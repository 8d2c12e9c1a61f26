"""History: every change in the system, searchable, for the owner, with one-click revert of
a field and restore of a deleted record."""

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from .. import history
from ..catalog import catalog
from ..i18n import current_locale
from ..i18n import gettext as _
from ..records import RecordError
from ..permissions import role_label
from .shown import entity_of, rights_words, rule_name, titles_of
from .system import OwnerView, say_done


def said(audit):
    """(name, label, old, new, revertable) of an entry in words: a record's fields as
    history.shown gives them; a permissions change as sentences per role; a definition's,
    a rule's and an account's changes with their names, not their keys."""
    changes = audit.changes or {}
    if audit.action == "rights":
        before, after = changes.get("permissions", [None, None])
        return [("permissions", _("Permissions"), "", line, False)
                for line in rights_words(before, after, entity_of(audit.entity))]
    if audit.action in ("define", "rule") or audit.entity == "user":
        labels = {"version": _("Version"), "rule": _("Rule"), "role": _("Role"),
                  "address": _("Address")}
        shown = {"rule": rule_name, "role": role_label}
        return [(name, labels.get(name, name),
                 *(shown.get(name, str)(v) if v is not None else "" for v in pair), False)
                for name, pair in changes.items() if isinstance(pair, list) and len(pair) == 2]
    return history.shown(audit, current_locale())


class AuditView(OwnerView):
    @expose("/")
    def index(self):
        params = {k: request.args.get(k, "").strip() for k in history.FILTERS}
        try:
            entries = history.search(params)
        except (history.HistoryError, ValueError) as exc:
            flash(str(exc), "error")
            entries = []
        rows = [(a, said(a)) for a in entries]
        return self.render("admin/system/audit.html", items=history.grouped(rows),
                           named=titles_of(entries), params=params,
                           entities=catalog().entities())

    @expose("/<int:audit_id>/revert", methods=("POST",))
    def revert(self, audit_id):
        field = request.form.get("field", "")
        return self._done(lambda: history.revert(audit_id, field, current_user),
                          _("%(field)s is back to its earlier value.", field=field))

    @expose("/<int:audit_id>/restore", methods=("POST",))
    def restore(self, audit_id):
        return self._done(lambda: history.restore(audit_id, current_user),
                          _("The record is back."))

    @expose("/paste/undo", methods=("POST",))
    def undo_paste(self):
        try:
            source = request.form.get("source", "")
            done = history.undo_group(source, current_user)
        except history.HistoryError as exc:
            flash(str(exc), "error")
        else:
            say_done(_("Merge undone: the other record is back, with %(cells)s values and "
                       "links set back.", cells=done["reverted"])
                     if source.startswith(history.MERGE) else
                     _("Paste undone: %(cells)s cells set back, %(records)s new records "
                       "deleted.", cells=done["reverted"], records=done["deleted"]), done["left"])
        return redirect(url_for(".index"))

    def _done(self, action, message):
        try:
            action()
            flash(message, "success")
        except (history.HistoryError, RecordError) as exc:
            flash(str(exc), "error")
        came_from = request.referrer or ""
        return redirect(came_from if came_from.startswith(request.host_url)
                        else url_for(".index"))
