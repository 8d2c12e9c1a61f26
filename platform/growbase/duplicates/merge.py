"""Two records made one: the survivor takes the values chosen from the other, everything
that linked to the other (orders, calls, tasks) links to it, and the other is deleted —
through the record service, under one source ("merge:..."), so History shows the merge
as one entry and undoes it whole (history.undo_group)."""

import uuid

from ..catalog import catalog
from ..db import database
from ..history import MERGE
from ..i18n import gettext as _
from ..records import Actor, RecordService, ValidationFailed
from ..records.parts import as_part
from ..records.values import json_values, values_of
from . import pairs


def links_to(entity):
    """(entity, link field) of every link that points to records of `entity`."""
    return [(other, field) for other in catalog().entities()
            for field in other.active_fields
            if field.type.refers_to(field) == entity.name and not field.type.holds_list
            and not field.automatic]


def merge(entity_name, kept, dropped, choose, user, locale=None):
    """Merge record `dropped` into `kept`. `choose` = {field: "kept" | "dropped"}: whose
    value the survivor keeps (a field not named keeps the survivor's, or takes the other's
    where the survivor has none). The caller must be allowed to change both and delete
    the other; the records moved to the survivor follow (as an order's lines do)."""
    if kept == dropped:
        raise ValidationFailed({"_record": _("Choose two different records to merge.")})
    source = f"{MERGE}{uuid.uuid4().hex[:12]}"
    service = RecordService(Actor.for_user(user, source), locale)
    with database.atomic():
        entity, survivor = service.get(entity_name, kept, for_update=True)
        _entity, other = service.get(entity_name, dropped, for_update=True)
        for action in ("update", "delete"):
            rights = service.allowed(entity, action)
            for row in (survivor, other):
                if not service.in_rows(entity, rights, values_of(entity, row)):
                    raise service.missing(entity, row.id)
        taken = taken_values(entity, service.rights(entity), values_of(entity, survivor),
                             values_of(entity, other), choose)
        moved = {}
        follower = as_part(service)
        for linking, field in links_to(entity):
            model = linking.model
            ids = [r.id for r in model.select(model.id).where(getattr(model, field.name) == dropped)]
            if ids:
                follower.save_batch(linking.name, [{"id": i, "data": {field.name: kept}}
                                                   for i in ids], on_conflict="mine")
                moved[linking.name] = moved.get(linking.name, 0) + len(ids)
        service.delete(entity_name, dropped)
        if taken:
            service.update(entity_name, kept, taken)
        pairs.settle(entity_name, kept, dropped)
    return {"kept": kept, "dropped": dropped, "taken": sorted(taken), "moved": moved,
            "source": source}


def taken_values(entity, rights, mine, theirs, choose):
    """The survivor's new values: those chosen from the other, and the other's where the
    survivor has nothing (a phone it lacked), never what the caller may not write."""
    unknown = [name for name in choose if name not in entity.active_by_name]
    if unknown or any(side not in ("kept", "dropped") for side in choose.values()):
        raise ValidationFailed({"_choose": _(
            "Say for each field whose value stays: {\"field\": \"kept\" or \"dropped\"}; "
            "%(names)s is not a field.", names=", ".join(unknown) or "-")})
    writable = {f.name for f in entity.active_fields if not f.automatic and not f.read_only
                and rights.shows(f.name) and f.name not in rights.read_only}
    taken = {}
    for name in writable:
        side = choose.get(name)
        if side == "dropped" or (side is None and mine.get(name) in (None, "", []) and
                                 theirs.get(name) not in (None, "", [])):
            if theirs.get(name) != mine.get(name):
                taken[name] = theirs.get(name)
    return json_values(entity, taken, set(taken))
