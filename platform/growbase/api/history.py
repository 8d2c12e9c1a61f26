"""The history for scripts (owner only): GET /api/audit with the page's filters, and
POST /api/audit/N/revert {"field": ...} or /api/audit/N/restore."""

from flask import jsonify, request
from flask_login import current_user

from .. import history
from .base import body, bp, paging, refuse
from ..i18n import gettext as _
from ..queries import to_json


def owner_only():
    if not current_user.is_owner:
        refuse(403, _role=_("Only the owner may read and undo the history."))


def entry_json(audit):
    return {"id": audit.id, "at": audit.at.isoformat(timespec="seconds"), "user": audit.username,
            "source": audit.source, "entity": audit.entity, "record_id": audit.record_id,
            "action": audit.action, "changes": audit.changes}


@bp.get("/audit")
def audit_list():
    owner_only()
    params = {k: request.args.get(k, "").strip() for k in history.FILTERS}
    offset = paging(request.args)[1]
    try:
        entries = history.search(params, offset=offset)
    except (history.HistoryError, ValueError) as exc:
        refuse(400, filter=str(exc))
    return jsonify(items=[entry_json(a) for a in entries])


def undone(action):
    owner_only()
    try:
        row = action()
    except history.HistoryError as exc:
        refuse(exc.status, _audit=str(exc))
    return jsonify(to_json(row.gb_entity, [row])[0])


@bp.post("/audit/<int:audit_id>/revert")
def audit_revert(audit_id):
    field = str(body().get("field", ""))
    return undone(lambda: history.revert(audit_id, field, current_user))


@bp.post("/audit/<int:audit_id>/restore")
def audit_restore(audit_id):
    return undone(lambda: history.restore(audit_id, current_user))


@bp.post("/audit/paste/undo")
def audit_undo_paste():
    """{"source": "grid:paste:..." or "merge:..."}: take back one paste or merge (see
    history.undo_group)."""
    owner_only()
    try:
        return jsonify(history.undo_group(str(body().get("source", "")), current_user))
    except history.HistoryError as exc:
        refuse(404, source=str(exc))
