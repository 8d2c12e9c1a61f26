"""Look-alike records over HTTP: `GET /api/<entity>/duplicates` (the merge queue's pairs
with a score and why), a fresh scan, a pair dismissed, two records merged."""

from flask import jsonify, request
from flask_login import current_user

from ..duplicates import pairs
from ..duplicates.merge import merge
from ..duplicates.scan import rule, scan
from ..duplicates.shown import listed
from ..i18n import gettext as _
from ..permissions import access
from ..records import Forbidden
from ..tables import DuplicatePair
from .base import body, bp, entity_or_404, refuse

LIMIT = 500


def with_rule(name):
    entity = entity_or_404(name)
    if not access(entity).can("read"):
        raise Forbidden(_("Your role may not read %(entity)s.", entity=entity.plural()))
    if rule(entity) is None:
        refuse(404, _duplicates=_("%(entity)s has no \"duplicates\" setting: say in its "
                                  "definition which fields make two records one.",
                                  entity=entity.label()))
    return entity


@bp.get("/<name>/duplicates")
def duplicates_list(name):
    """{"items": [{"a", "b", "score", "why", ...}]}, likeliest first; ?fresh=1 scans
    all records first (a few seconds for 100,000)."""
    entity = with_rule(name)
    if request.args.get("fresh") == "1":
        pairs.keep(entity.name, scan(entity), whole=True)
    return jsonify(items=listed(entity, pairs.open_pairs(entity.name, LIMIT)))


@bp.post("/<name>/duplicates/<int:pair_id>/dismiss")
def duplicates_dismiss(name, pair_id):
    """"Not the same": the pair leaves the queue and is not offered again."""
    entity = with_rule(name)
    pair = DuplicatePair.get_or_none((DuplicatePair.id == pair_id) &
                                     (DuplicatePair.entity == entity.name))
    if pair is None or not listed(entity, [pair]):
        refuse(404, _pair=_("There is no such pair in the merge queue."))
    if not access(entity).can("update"):
        raise Forbidden(_("Your role may not change %(entity)s.", entity=entity.plural()))
    DuplicatePair.update(state="dismissed").where(DuplicatePair.id == pair.id).execute()
    return jsonify(pair=pair.id, state="dismissed")


@bp.post("/<name>/merge")
def duplicates_merge(name):
    """{"kept": id, "dropped": id, "choose": {"field": "kept" | "dropped"}} -> what moved,
    and the History source that undoes it (POST /api/audit/paste/undo)."""
    entity = entity_or_404(name)
    data = body()
    ids = [data.get("kept"), data.get("dropped")]
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        refuse(422, _record=_("Send the two records' numbers: {\"kept\": 12, \"dropped\": 15}."))
    choose = data.get("choose") or {}
    if not isinstance(choose, dict):
        refuse(422, choose=_("Send {\"field\": \"kept\" or \"dropped\"}."))
    return jsonify(merge(entity.name, ids[0], ids[1], choose, current_user,
                         current_user.locale))
