"""Undo an import: delete what it created, put back what it changed, through the record
service (so the undo is audited too). A record someone changed after the import keeps
their change: only the import's own values are taken back, and the report says what
was left."""

from ..catalog import catalog
from ..db import database, fetch
from ..i18n import gettext as _
from ..records import RecordError, RecordService, json_values, values_of
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
    entries = list(Audit.select().where(Audit.source.startswith(import_source(job_id)) &
                                        (Audit.entity == entity.name)).order_by(Audit.id.desc()))
    done = {"deleted": 0, "restored": 0, "left": []}
    with database.atomic():
        for entry in entries:
            found = fetch(entity.model, [entry.record_id])
            if not found:
                continue  # deleted since
            row = found[0]
            try:
                if entry.action == "create":
                    take_back_create(service, entity, entry, row, done)
                elif entry.action == "update":
                    take_back_update(service, entity, entry, row, done)
            except RecordError as exc:
                done["left"].append(_("#%(id)s: %(why)s", id=entry.record_id, why=exc))
        result = dict(job.result or {}, undone=True, undo=done)
        Job.update(result=result).where(Job.id == job_id).execute()
    return done


def take_back_create(service, entity, entry, row, done):
    if row.gb_version != entry.record_version:
        done["left"].append(_("#%(id)s was changed after the import; it is kept.",
                              id=entry.record_id))
        return
    service.delete(entity.name, row.id, version=row.gb_version)
    done["deleted"] += 1


def take_back_update(service, entity, entry, row, done):
    now = json_values(entity, values_of(entity, row))
    back, kept = {}, []
    for name, (old, new) in entry.changes.items():
        if name in now and now[name] == new:
            back[name] = old
        else:
            kept.append(name)
    if back:
        service.update(entity.name, row.id, back)
        done["restored"] += 1
    if kept:
        done["left"].append(_("#%(id)s: %(fields)s changed again after the import; kept.",
                              id=entry.record_id, fields=", ".join(kept)))
