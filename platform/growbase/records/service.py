"""The record service: the one write path for forms, grid, API, import and automations.

plan -> check -> apply (with audit and event), in one transaction. An edit based on an
old version that touches a field someone else changed meanwhile is refused with a
conflict naming the fields; edits to other fields merge. Nothing is overwritten silently.
"""

from contextlib import contextmanager

from peewee import IntegrityError

from ..catalog import catalog
from ..conditions import evaluate
from ..db import database, fetch, insert_returning, insert_row, update_row
from ..i18n import current_locale
from ..i18n import gettext as _
from ..permissions import access, refusal
from ..numbering import give_numbers
from ..recompute import cascade, roll_up, settle, touches
from ..tables import utcnow
from .actor import SYSTEM
from .checks import BatchChecks, field_errors
from .computed import fill, mirror
from .errors import (BatchValidationFailed, Conflict, Forbidden, NotFound, RecordError,
                     ValidationFailed, missing)
from .parse import Parser, parse_version
from .plan import Plan
from .parts import copy_record, take_parts_along
from .references import references
from .trail import changed_since, entry, rolled, write_trail
from .values import json_values, values_of


class RecordService:
    def __init__(self, actor=SYSTEM, locale=None, depth=0, silent=False):
        self.actor = actor
        self.locale = locale or current_locale()
        self.depth = depth  # how deep in a chain of automations this write is
        self.silent = silent  # events are recorded but do not trigger automations
        self.pending = None  # rollups waiting for the end of rollups_at_end()

    # -- reading ---------------------------------------------------------
    def get(self, entity_name, record_id, for_update=False):
        """The record, if this actor may see it (else as if it did not exist)."""
        entity = catalog().entity(entity_name)
        rights = self.allowed(entity, "read")
        found = fetch(entity.model, [record_id], for_update=for_update)
        row = found[0] if found else None
        if row is None or not self.in_rows(entity, rights, values_of(entity, row)):
            raise self.missing(entity, record_id)
        return entity, row

    @staticmethod
    def missing(entity, record_id):
        return NotFound(missing(entity, record_id))

    # -- permissions -----------------------------------------------------
    def rights(self, entity):
        return access(entity, None) if self.actor.trusted else access(entity)

    def allowed(self, entity, action):
        """The actor's rights on the entity; Forbidden unless they include `action`."""
        rights = self.rights(entity)
        if not rights.can(action):
            raise Forbidden(refusal(entity, action))
        return rights

    @staticmethod
    def in_rows(entity, rights, values):
        return rights.rows is None or evaluate(rights.rows, entity, values)

    # -- the doors: each plans its records and sends them through check and apply ------
    def create(self, entity_name, data):
        entity = self._entity(entity_name, "create")
        with database.atomic():
            return self._one(entity, self._new(entity, self._parser(entity), data)).record(
                entity.model)

    def create_many(self, entity_name, rows):
        """Create many records in one transaction, all or none; same checks as create(),
        asked of the database once for the batch."""
        entity = self._entity(entity_name, "create")
        with database.atomic():
            parser = self._parser(entity, memo={})
            plans = self._check(entity, [self._new(entity, parser, data) for data in rows])
            failed = {i: plan.errors for i, plan in enumerate(plans) if plan.errors}
            if failed:
                raise BatchValidationFailed(failed)
            self._apply(entity, plans)
            return [plan.record(entity.model) for plan in plans]

    def save_batch(self, entity_name, items, on_conflict="flag"):
        """Create and update many records in one transaction, writing the good ones.

        `items` are {"id": None or the record to update, "data": {...}, "version": the
        version it was read at or None, "errors": what the caller found wrong already
        (optional; such an item is refused saying that and whatever else is wrong)}.
        Returns one `Plan.outcome()` per item. A row changed by someone since `version` is
        rejected as a conflict (on_conflict="flag") or overwritten ("mine").
        """
        entity = catalog().entity(entity_name)
        with database.atomic():
            parser = self._parser(entity, memo={})
            rows = self._locked(entity, [item["id"] for item in items if item.get("id")])
            plans = [self._item(entity, parser, item, rows, on_conflict) for item in items]
            self._apply(entity, self._check(entity, plans))
        return [plan.outcome() for plan in plans]

    def restore(self, entity_name, record_id, values, version):
        """Bring back a deleted record, as the audit last saw it, under its old number, its
        versions going on from where they stopped (so old conflicts stay old)."""
        entity = self._entity(entity_name, "create")
        with database.atomic():
            if fetch(entity.model, [record_id]):
                raise ValidationFailed({"_record": _(
                    "%(entity)s #%(id)s exists; there is nothing to restore.",
                    entity=entity.label(), id=record_id)})
            known = {n: v for n, v in values.items() if n in entity.by_name and
                     not entity.by_name[n].retired and not entity.by_name[n].automatic}
            plan = self._new(entity, self._parser(entity), known, "restore")
            plan.id, plan.version = record_id, version
            for field in entity.assigned_fields:  # its number comes back with it
                plan.merged[field.name] = values.get(field.name)
                plan.changed = [*plan.changed, field.name]
            return self._one(entity, plan).record(entity.model)

    def update(self, entity_name, record_id, data, version=None):
        version = self.parse_version(version)
        self.allowed(catalog().entity(entity_name), "update")
        with database.atomic():
            entity, row = self.get(entity_name, record_id, for_update=True)
            plan = self._change(entity, self._parser(entity), row, data, version)
            if plan.conflict:
                raise Conflict(plan.conflict, row.gb_version, entity)
            if not plan.changed and not plan.errors:
                return row
            self._one(entity, plan)
        for name in [*plan.changed, *(f.name for f in entity.fact_fields)]:
            setattr(row, name, plan.merged[name])
        row.gb_version = plan.version
        row.gb_updated_at = plan.stamp["gb_updated_at"]
        return row

    def delete(self, entity_name, record_id, version=None):
        ((kind, refused),) = self.delete_many(entity_name, [(record_id, version)])
        if kind == "rejected":
            raise refused

    def delete_many(self, entity_name, items):
        """Delete records [(id, version read or None)] in one transaction: one outcome per
        item, ("deleted", id) or ("rejected", the RecordError saying why). The checks are
        delete()'s, asked once for the batch (undoing a 100,000-row import is one of these)."""
        entity = self._entity(entity_name, "delete")
        rights = self.rights(entity)
        with database.atomic():
            rows = self._locked(entity, [record_id for record_id, _version in items])
            seen, plans = set(), []
            for record_id, version in items:
                plans.append(self._doomed(entity, rights, rows.get(record_id), record_id,
                                          version, seen))
            self._apply(entity, self._check(entity, plans))
        return [plan.outcome() for plan in plans]

    def copy(self, entity_name, record_id):
        """A new record like this one, with copies of its parts (records/parts.py)."""
        entity, row = self.get(entity_name, record_id)
        with database.atomic():
            return copy_record(self, entity, row)

    # -- planning --------------------------------------------------------
    def _entity(self, entity_name, action):
        entity = catalog().entity(entity_name)
        self.allowed(entity, action)
        return entity

    def _parser(self, entity, memo=None):
        return Parser(self.actor, self.rights(entity), self.locale, memo)

    @staticmethod
    def _locked(entity, ids):
        return {row.id: row for start in range(0, len(ids), 500)
                for row in fetch(entity.model, ids[start:start + 500], for_update=True)}

    @staticmethod
    def _new(entity, parser, data, action="create"):
        """A new record's plan; a created one gets its fields' defaults (checked like the
        rest), a restored one is as the audit saw it."""
        values, errors = parser.parse(entity, data, None)
        if action == "create":
            parser.with_defaults(entity, values)
        return Plan(action, values=values, merged={**entity.blank, **values}, errors=errors,
                    changed=[n for n, v in values.items() if v is not None])

    def _change(self, entity, parser, row, data, version, on_conflict="flag"):
        """An update's plan; `conflict` holds the changed fields someone else changed
        after `version`."""
        current = values_of(entity, row)
        values, errors = parser.parse(entity, data, current)
        changed = [n for n, v in values.items() if v != current[n]]
        plan = Plan("update", row.id, row=row, current=current, values=values, errors=errors,
                    merged=dict(current, **values), changed=changed, version=row.gb_version + 1)
        if version is not None and version != row.gb_version and changed and on_conflict != "mine":
            since = self.changed_since(entity, row, version)
            plan.conflict = {n: dict(since[n], yours=entity.by_name[n].type.to_json(
                values[n], entity.by_name[n])) for n in changed if n in since}
        return plan

    def _item(self, entity, parser, item, rows, on_conflict):
        """A batch item's plan, what its caller found wrong said first."""
        plan = self._batch_plan(entity, parser, item, rows, on_conflict)
        found = item.get("errors")
        if found:
            plan.errors = {**found, **{n: m for n, m in plan.errors.items() if n not in found}}
        return plan

    def _batch_plan(self, entity, parser, item, rows, on_conflict):
        """A refusal, a record not there, a new one or an update (its conflicts said on
        the fields)."""
        record_id = item.get("id")
        action = "update" if record_id else "create"
        if not parser.rights.can(action):
            return Plan(action, record_id, errors={"_record": refusal(entity, action)})
        if not record_id:
            plan = self._new(entity, parser, item["data"])
        else:
            row = rows.get(record_id)
            if row is None or not self.in_rows(entity, parser.rights, values_of(entity, row)):
                return Plan(action, record_id, errors={"id": missing(entity, record_id)})
            plan = self._change(entity, parser, row, item["data"], item.get("version"),
                                on_conflict)
            for name, since in (plan.conflict or {}).items():
                plan.errors[name] = _("Changed by %(by)s at %(at)s to \"%(theirs)s\" since your "
                                      "copy was made; keep theirs, or save yours again.",
                                      by=since["by"], at=since["at"], theirs=since["theirs"])
        return plan

    def _doomed(self, entity, rights, row, record_id, version, seen):
        """A delete's plan: refused when the record is not there (or named twice), not the
        actor's, or changed since `version`."""
        plan = Plan("delete", record_id, row=row)
        try:
            version = self.parse_version(version)
            current = values_of(entity, row) if row is not None else None
            if current is None or record_id in seen or not self.in_rows(entity, rights, current):
                raise self.missing(entity, record_id)
            if version is not None and version != row.gb_version:
                raise Conflict(self.changed_since(entity, row, version), row.gb_version, entity)
        except RecordError as exc:
            plan.refusal = exc
            return plan
        seen.add(record_id)
        plan.current, plan.version = current, row.gb_version + 1
        return plan

    # -- checking and applying -------------------------------------------
    def _one(self, entity, plan):
        """A single write: its plan checked, refused whole or written."""
        self._check(entity, [plan])
        if plan.errors:
            raise ValidationFailed(plan.errors, entity)
        self._apply(entity, [plan])
        return plan

    def _check(self, entity, plans):
        """Add to each plan what is wrong with it: its fields' rules, the rows the actor
        works with, and for a delete the records that still link to it."""
        saving = [p for p in plans if p.merged is not None and p.action != "delete" and
                  (p.changed or p.action != "update")]
        if saving:
            fill(entity, saving)
            checks, rights = BatchChecks(entity, saving), self.rights(entity)
            for plan in saving:
                plan.errors.update(field_errors(entity, plan, checks, self.locale))
                if not plan.errors and not self.in_rows(entity, rights, plan.merged):
                    plan.errors["_record"] = _(
                        "You may not save this record so: it would not be among the records "
                        "your role works with. Ask the owner.")
        doomed = [p for p in plans if p.action == "delete" and not p.rejected]
        used = references(entity, {p.id for p in doomed}) if doomed else {}
        for plan in doomed:
            if used.get(plan.id):
                plan.refusal = ValidationFailed({"_record": _(
                    "Still used by %(uses)s; change or delete those first.",
                    uses=", ".join(used[plan.id]))})
        return plans

    def _apply(self, entity, plans):
        """Write the plans that passed, each with its audit entry and event: updates and
        restores one by one, new records together (multi-row statements), deletes together."""
        trail, now, who = [], utcnow(), self.actor.user_id
        fresh, gone = [], []
        for plan in plans:
            if plan.rejected or (plan.action == "update" and not plan.changed):
                continue
            if plan.action == "create":
                fresh.append(plan)
            elif plan.action == "delete":
                gone.append(plan)
            elif plan.action == "update":
                plan.stamp = dict(gb_updated_at=now, gb_updated_by=who)
                updates = dict({n: plan.merged[n] for n in [*plan.changed, *mirror(entity, plan)]},
                               **plan.stamp)
                self._write(entity, lambda: update_row(entity.model, plan.id, plan.version - 1,
                                                       updates))
                before = json_values(entity, plan.current, plan.changed)
                after = json_values(entity, plan.merged, plan.changed)
                trail.append(self._entry(entity, plan, "updated", {
                    n: [before[n], after[n]] for n in plan.changed}, before,
                    json_values(entity, plan.merged), now))
            else:  # a restore: under its old number
                plan.stamp = self._created(plan.version, now)
                mirror(entity, plan)
                self._write(entity, lambda: entity.model.insert(
                    id=plan.id, **plan.merged, **plan.stamp).execute())
                trail.append(self._arrived(entity, plan, now))
        if fresh:
            if entity.assigned_fields:  # numbers only for what is written
                give_numbers(entity, fresh, entity.assigned_fields)
                fill(entity, fresh)
            stamp = self._created(1, now)
            for plan in fresh:
                plan.stamp = stamp
                mirror(entity, plan)
            rows = [{**plan.merged, **stamp} for plan in fresh]
            ids = [self._write(entity, lambda: insert_row(entity.model, rows[0]))] \
                if len(rows) == 1 else self._write(entity, lambda: insert_returning(entity.model,
                                                                                     rows))
            for record_id, plan in zip(ids, fresh):
                plan.id, plan.stamp = record_id, stamp
                trail.append(self._arrived(entity, plan, now))
        take_parts_along(self, entity, [plan.id for plan in gone])
        for plan in gone:
            before = json_values(entity, plan.current)
            changed = [n for n, v in before.items() if v is not None]
            trail.append(self._entry(entity, plan, "deleted", {n: [before[n], None]
                                                               for n in changed}, before, None,
                                     now, changed))
        ids = [plan.id for plan in gone]
        for start in range(0, len(ids), 500):
            entity.model.delete().where(entity.model.id.in_(ids[start:start + 500])).execute()
        updated = [plan for plan in plans if plan.action == "update" and plan.changed and
                   not plan.rejected]
        # what other records look up through links to these, and totals of what they link to
        moved = cascade(entity, {n for plan in updated for n in plan.changed},
                        [plan.id for plan in updated]) if updated else []
        if self.pending is None:
            moved += roll_up(entity, plans)
        else:
            touches(entity, plans, self.pending)
        write_trail(trail + self._rolled(moved, now))

    @contextmanager
    def rollups_at_end(self):
        """Rollups over what is written inside are worked out once, at its end: an import
        whose lines of one order come in many chunks changes the order once (one history
        line, one event), not once a chunk. Use it inside the writes' transaction."""
        self.pending = {}
        try:
            yield
            write_trail(self._rolled(settle(self.pending), utcnow()))
        finally:
            self.pending = None

    def _rolled(self, moved, now):
        return [pair for parent, changes in moved
                for pair in rolled(self.actor, parent, changes, now, self.silent, self.depth)]

    def _created(self, version, now):
        who = self.actor.user_id
        return dict(gb_version=version, gb_created_by=who, gb_updated_by=who,
                    gb_created_at=now, gb_updated_at=now)

    def _arrived(self, entity, plan, now):
        after = json_values(entity, plan.merged)
        return self._entry(entity, plan, "created", {n: [None, after[n]] for n in plan.changed},
                           None, after, now)

    def _entry(self, entity, plan, kind, changes, before, after, now, changed=None):
        return entry(self.actor, entity, plan.id, plan.version, plan.action, kind, changes,
                     plan.changed if changed is None else changed, before, after, now,
                     self.silent, self.depth)

    def _write(self, entity, run):
        """Run the statement; a unique index that catches a race names its field.

        The caller's atomic() block rolls the statement back with everything else.
        """
        try:
            return run()
        except IntegrityError:
            unique = [f.name for f in entity.active_fields if f.unique]
            raise ValidationFailed({name: _("Already used by another record; it must be unique.")
                                    for name in unique} or {"_record": _("Could not save.")},
                                   entity)

    # -- versions --------------------------------------------------------
    parse_version = staticmethod(parse_version)

    def changed_since(self, entity, row, version):
        return changed_since(entity, row.id, version, self.rights(entity))
