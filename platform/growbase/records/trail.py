"""What a write leaves behind: audit entries and outbox events, announced after COMMIT."""

import threading

from ..db import after_commit, database, insert_row, insert_rows
from ..tables import Audit, Event
from .values import json_values

listeners = []  # called after a commit with the new event's id (None: several, look for them)
_announcing = threading.local()  # this thread's transaction and the events it wrote
_written = threading.local()  # (entity, record id, event id) of this thread's last write


def announce(event_id):
    """Tell the listeners (the automation queue) once the event is committed, not before:
    the one event, or None for several written in one transaction (a bulk change is one
    look for pending events in the worker, not 10,000 queued tasks)."""
    transaction = database.top_transaction()
    if transaction is not None and getattr(_announcing, "transaction", None) is transaction:
        _announcing.ids.append(event_id)
        return
    ids = [event_id]
    if transaction is not None:  # a rolled-back transaction leaves a stale entry: replaced
        _announcing.transaction, _announcing.ids = transaction, ids

    def call():
        if getattr(_announcing, "ids", None) is ids:
            _announcing.transaction = _announcing.ids = None
        for listener in listeners:
            listener(ids[0] if len(ids) == 1 else None)
    after_commit(call, f"event {ids[0] if len(ids) == 1 else 'batch'}")


def write_trail(trail):
    """Insert a write's audit entries and events [(audit, event)], and tell the worker:
    the one event by its id, several as one look for pending events. The first event (the
    written record's own) is kept for `written_event`."""
    insert_rows(Audit, [audit for audit, _event in trail])
    if not trail:
        return
    first = insert_row(Event, trail[0][1])
    _written.event = (trail[0][1]["entity"], trail[0][1]["record_id"], first)
    if len(trail) == 1:
        announce(first)
    else:
        insert_rows(Event, [event for _audit, event in trail[1:]])
        announce(None)


def forget_written():
    _written.event = None


def written_event(entity, record_id):
    """The event this thread's last write of that record made (after forget_written()
    and the write), or None: what "this save set off" follows."""
    found = getattr(_written, "event", None)
    return found[2] if found and found[:2] == (entity, record_id) else None


def entry(actor, entity, record_id, version, action, kind, changes, changed, before, after,
          now, silent=False, depth=0):
    """One record's (audit, event) pair for `write_trail`."""
    audit = dict(entity=entity.name, record_id=record_id, record_version=version,
                 action=action, changes=changes, user_id=actor.user_id,
                 username=actor.username, source=actor.source, at=now)
    event = dict(entity=entity.name, record_id=record_id, kind=kind, changed=changed,
                 before=before, after=after, user_id=actor.user_id, source=actor.source,
                 silent=silent, depth=depth, created_at=now)
    return audit, event


def rolled(actor, entity, changes, now, silent=False, depth=0):
    """The (audit, event) pairs of records whose rollups moved ({id: (before, after, the
    version it got, all its values)}), so an edit made before it merges or conflicts like any other. The
    event carries the whole record, as any update's does: a rule on an order's total
    speaks of its number and customer too."""
    trail = []
    for record_id, (before, after, version, whole) in changes.items():
        changed = [n for n in after if after[n] != before[n]]
        old = json_values(entity, before, changed)  # a silent write's event runs no rule:
        new = json_values(entity, after, changed) if silent else json_values(entity, whole)
        trail.append(entry(actor, entity, record_id, version, "update", "updated",
                           {n: [old[n], new[n]] for n in changed}, changed, old, new, now,
                           silent, depth))
    return trail


def changed_since(entity, record_id, version, rights):
    """{field: {"theirs", "by", "at"}} changed after `version`, only the fields `rights`
    show: a conflict reply must not tell a hidden value."""
    changes = {}
    for audit in (Audit.select().where((Audit.entity == entity.name) &
                                       (Audit.record_id == record_id) &
                                       (Audit.record_version > version)).order_by(Audit.id)):
        for name, (_old, new) in audit.changes.items():
            if rights.shows(name):
                changes[name] = {"theirs": new, "by": audit.username,
                                 "at": audit.at.isoformat(timespec="seconds")}
    return changes
