"""Undo an import: delete what it created, put back what it changed, through the record
service (so the undo is audited too). A record someone changed after the import keeps
their change: only the import's own values are taken back, and the report says what
was left."""

from ..catalog import catalog
from ..db import database, fetch
from ..history import named
from ..i18n import gettext as _
from ..records import Conflict, Forbidden, NotFound, RecordService, json_values, values_of
from ..tables import Audit, Job
from .importer import import_source


def undo_import(job_id, actor):
    """Return {"deleted", "restored", "left": [sentences]}; raises ValueError if it cannot."""
    job = Job.get_or_none(Job.id == job_id)
    if job is None or job.kind != "import" or job.status != "done":
        raise ValueError(_("Only a finished import can be undone."))
    if (job.result or {}).get("undone"):
        raise ValueError(_("This import was undone already."))
    entity = catalog().entity(job.entity)
    service = RecordService(actor)
    mine = Audit.source.startswith(import_source(job_id)) & (Audit.entity == entity.name)
    done = {"deleted": 0, "restored": 0, "left": []}
    with database.atomic():
        updates, changed = [], list(Audit.select().where(mine & (Audit.action == "update")))
        for start in range(0, len(changed), 500):
            part = changed[start:start + 500]
            rows = {row.id: row for row in fetch(entity.model, [e.record_id for e in part])}
            for entry in part:
                if entry.record_id in rows:  # else deleted since
                    updates += taken_back(entity, entry, rows[entry.record_id], done)
        # links the import changed are put back first: what it created may then go
        for item, (kind, outcome) in zip(updates, service.save_batch(entity.name, updates)):
            if kind == "rejected":
                left(done, entity, item["id"], "; ".join(outcome.values()))
            elif kind == "updated":
                done["restored"] += 1
        # each as the import left it (its version then), else someone changed it since
        creates = list(Audit.select(Audit.record_id, Audit.record_version).where(
            mine & (Audit.action == "create")).order_by(Audit.id.desc()).tuples())
        try:
            deleted = service.delete_many(entity.name, creates)
        except Forbidden as exc:
            deleted = [("rejected", exc)] * len(creates)
        for (record_id, _version), (kind, outcome) in zip(creates, deleted):
            if kind == "deleted":
                done["deleted"] += 1
            elif isinstance(outcome, Conflict):
                done["left"].append(_("%(title)s was changed after the import; it is kept.",
                                      title=named(entity, record_id)))
            elif not isinstance(outcome, NotFound):  # (not found: deleted since)
                left(done, entity, record_id, outcome)
        result = dict(job.result or {}, undone=True, undo=done)
        Job.update(result=result).where(Job.id == job_id).execute()
    return done


def left(done, entity, record_id, why):
    done["left"].append(f"{named(entity, record_id)}: {why}")


def taken_back(entity, entry, row, done):
    """The update putting back the import's own changes to the row ([] if none is left)."""
    now = json_values(entity, values_of(entity, row))
    back, kept = {}, []
    for name, (old, new) in entry.changes.items():
        if name in now and now[name] == new:
            back[name] = old
        else:
            kept.append(name)
    if kept:
        done["left"].append(_("%(title)s: %(fields)s changed again after the import; kept.",
                              title=named(entity, entry.record_id), fields=", ".join(
                                  entity.by_name[n].label() if n in entity.by_name else n
                                  for n in kept)))
    return [{"id": row.id, "data": back, "version": row.gb_version}] if back else []
