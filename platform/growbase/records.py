"""The record service: the one write path for forms, grid, API, import and automations.

validate -> save -> audit -> event, in one transaction. An edit based on an old
version that touches a field someone else changed meanwhile is refused with a
conflict naming the fields; edits to other fields merge. Nothing is overwritten silently.
"""

import re
import threading
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from peewee import IntegrityError, fn

from .catalog import catalog
from .conditions import evaluate, fields_in
from .db import (after_commit, database, existing_values, fetch, insert_returning, insert_row,
                 insert_rows, row_exists, update_row)
from .fields import FieldError
from .i18n import current_locale
from .i18n import gettext as _
from .permissions import access, refusal
from .tables import Audit, Event, utcnow


class RecordError(Exception):
    status = 400


class ValidationFailed(RecordError):
    status = 422

    def __init__(self, errors, entity=None):
        self.errors = errors  # {field name: message}; said with the fields' labels
        names = entity.by_name if entity is not None else {}
        super().__init__("; ".join(f"{names[k].label() if k in names else k}: {v}"
                                   for k, v in errors.items()))


class Conflict(RecordError):
    status = 409

    def __init__(self, fields, version):
        self.fields = fields  # {name: {"theirs": ..., "yours": ..., "by": ..., "at": ...}}
        self.version = version
        names = ", ".join(fields)
        super().__init__(_("Someone else changed %(names)s after you opened this record. "
                           "Reload it, or keep your values and save again.", names=names)
                         if names else _("Someone else changed this record after you opened "
                                         "it. Reload it, and do it again."))


class NotFound(RecordError):
    status = 404


class Forbidden(RecordError):
    status = 403


class BatchValidationFailed(RecordError):
    status = 422

    def __init__(self, rows):
        self.rows = rows  # {row index: {field name: message}}
        super().__init__(_("%(n)s rows were refused; nothing was saved.", n=len(rows)))


class DirectChecks:
    """Database-backed checks for one record, asked one at a time."""

    def verify(self, field, value):
        return field.type.verify(value, field)

    def taken(self, field, value, record_id):
        return row_exists(field.entity.model, field.name, value, excluding=record_id)


class BatchChecks:
    """The same checks for a batch, answered from a few queries made up front."""

    def __init__(self, entity, parsed_rows):
        self.problems, self.used, self.seen = {}, {}, {}
        for field in entity.active_fields:
            values = {row[field.name] for row in parsed_rows if row.get(field.name) is not None}
            if not values:
                continue
            self.problems[field.name] = field.type.verify_many(values, field)
            if field.get("unique"):
                self.used[field.name] = existing_values(entity.model, field.name, values)
                self.seen[field.name] = set()

    def verify(self, field, value):
        return self.problems.get(field.name, {}).get(value, [])

    def taken(self, field, value, record_id):
        if value in self.used[field.name] or value in self.seen[field.name]:
            return True  # in the table already, or earlier in this batch
        self.seen[field.name].add(value)
        return False


def busy_message():
    """Why a save was refused when the database gave up waiting for another writer."""
    return _("Not saved: the database is busy with another long change (such as an import). "
             "Try again in a moment.")


@dataclass(frozen=True)
class Actor:
    """Who writes, and through which door (kept in the audit and on events)."""
    user_id: int | None
    username: str
    source: str
    trusted: bool = False  # may write read-only fields (system, automations)
    role: str | None = None  # whose permissions apply (None: the system's, all of them)

    @classmethod
    def for_user(cls, user, source):
        return cls(user.id, user.username, source, role=user.role)


SYSTEM = Actor(None, "system", "system", trusted=True)
MEMO_TYPES = {str, int, float, Decimal, date, datetime}  # cells whose parse can be remembered
listeners = []  # called after a commit with the new event's id (None: several, look for them)


_announcing = threading.local()  # this thread's transaction and the events it wrote


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
    the one event by its id, several as one look for pending events."""
    insert_rows(Audit, [audit for audit, _event in trail])
    if len(trail) == 1:
        announce(insert_row(Event, trail[0][1]))
    elif trail:
        insert_rows(Event, [event for _audit, event in trail])
        announce(None)


@lru_cache(maxsize=256)
def read_late(entity):
    """The fields of an entity read by the record's other fields (context_fields)."""
    return frozenset(f.name for f in entity.active_fields if f.type.context_fields(f))


def requires(entity, field, merged, changed, before):
    """Must this save fill the empty field? A new record, always; one saved before only when
    the field is touched or its stage is entered now: a record that breaks a newer rule
    (required added later) can still be saved on its other fields."""
    if field.required:
        return before is None or field.name in changed
    if field.required_when is None or not evaluate(field.required_when, entity, merged):
        return False
    return before is None or field.name in changed or \
        not evaluate(field.required_when, entity, before)


def values_of(entity, row):
    return {f.name: getattr(row, f.name) for f in entity.fields}


def json_values(entity, values, names=None):
    out = {}
    for name, field, convert in entity.json_plan:
        if names is None or name in names:
            value = values.get(name)
            out[name] = value if convert is None or value is None else convert(value, field)
    return out


def titles(entity, ids, depth=0):
    """Return {id: title} rendered from the entity's title template, in one query.

    Only of records the acting role may see, without fields hidden from it: a link to
    anything else shows its number, as a link to a deleted record does."""
    ids = [i for i in set(ids) if i is not None]
    rights = access(entity)
    if not ids or not rights.can("read"):
        return {}
    fields = [f for f in entity.title_fields if rights.shows(f.name)]
    tested = fields_in(rights.rows, entity) if rights.rows else set()
    names = list(dict.fromkeys([f.name for f in fields] + sorted(tested)))
    rows = [r for r in fetch(entity.model, ids, ("id", *names))
            if not tested or evaluate(rights.rows, entity, {n: getattr(r, n) for n in names})]
    nested = {}
    if depth == 0:  # one level of linked titles; deeper links show their number
        for field in fields:
            found = field.type.titles(field, [getattr(r, field.name) for r in rows], depth + 1)
            if found is not None:
                nested[field.name] = found
    locale = current_locale()
    result = {}
    for row in rows:
        def show(match):
            field = entity.by_name[match.group(1)]
            if not rights.shows(field.name):
                return ""
            value = getattr(row, field.name)
            if field.name in nested:
                return nested[field.name].get(value, "" if value is None else f"#{value}")
            return field.type.display(value, field, locale)
        text = re.sub(r"{(\w+)}", lambda m: show(m) if m.group(1) in entity.by_name else m.group(0),
                      entity.title_template).strip()
        result[row.id] = text or f"#{row.id}"
    return result


class RecordService:
    def __init__(self, actor=SYSTEM, locale=None, depth=0, silent=False):
        self.actor = actor
        self.locale = locale or current_locale()
        self.depth = depth  # how deep in a chain of automations this write is
        self.silent = silent  # events are recorded but do not trigger automations
        self._memo = None  # parsed cells of the batch under way (save_batch)

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
        return NotFound(_("%(entity)s #%(id)s does not exist (it may have been deleted).",
                          entity=entity.label(), id=record_id))

    # -- permissions -----------------------------------------------------
    def rights(self, entity):
        return access(entity, None if self.actor.trusted else self.actor.role)

    def allowed(self, entity, action):
        """The actor's rights on the entity; Forbidden unless they include `action`."""
        rights = self.rights(entity)
        if not rights.can(action):
            raise Forbidden(refusal(entity, action, self.actor.role))
        return rights

    @staticmethod
    def in_rows(entity, rights, values):
        return rights.rows is None or evaluate(rights.rows, entity, values)

    def outside_rows(self, entity, rights, merged):
        """The message for a record this actor would save outside the rows it may see."""
        if not self.in_rows(entity, rights, merged):
            return {"_record": _("You may not save this record so: it would not be among the "
                                 "records your role works with. Ask the owner.")}
        return {}

    # -- writing ---------------------------------------------------------
    def create(self, entity_name, data):
        entity = catalog().entity(entity_name)
        self.allowed(entity, "create")
        with database.atomic():
            merged, changed, errors = self._prepare(entity, self._new(entity, data),
                                                    DirectChecks())
            if errors:
                raise ValidationFailed(errors, entity)
            record_id, row_values = self._insert(entity, merged, changed)
            return entity.model(id=record_id, **row_values)

    def create_many(self, entity_name, rows):
        """Create many records in one transaction, all or none; same checks as create().

        Links and unique values are looked up once for the batch (an import or a paste
        of 10,000 rows must not ask the database 30,000 questions).
        """
        entity = catalog().entity(entity_name)
        self.allowed(entity, "create")
        with database.atomic():
            parsed = [self._new(entity, data) for data in rows]
            checks = BatchChecks(entity, [values for values, _errors in parsed])
            prepared = [self._prepare(entity, item, checks) for item in parsed]
            failed = {i: errors for i, (_m, _c, errors) in enumerate(prepared) if errors}
            if failed:
                raise BatchValidationFailed(failed)
            trail, now = [], utcnow()
            rows = [entity.model(id=record_id, **row_values) for record_id, row_values in
                    (self._insert(entity, merged, changed, trail, now)
                     for merged, changed, _e in prepared)]
            write_trail(trail)
            return rows

    def save_batch(self, entity_name, items, on_conflict="flag"):
        """Create and update many records in one transaction, writing the good ones.

        `items` are {"id": None or the record to update, "data": {...}, "version":
        the version it was read at or None}. Returns one outcome per item: ("created" |
        "updated" | "unchanged", id) or ("rejected", {field: message}). A row changed by
        someone since `version` is rejected as a conflict (on_conflict="flag") or
        overwritten ("mine"). Same checks as single writes, looked up once per batch.
        """
        entity = catalog().entity(entity_name)
        self._memo = {}
        try:
            return self._save_batch(entity, items, on_conflict)
        finally:
            self._memo = None

    def _save_batch(self, entity, items, on_conflict):
        with database.atomic():
            ids = [item["id"] for item in items if item.get("id")]
            rows = {row.id: row for start in range(0, len(ids), 500)
                    for row in fetch(entity.model, ids[start:start + 500], for_update=True)}
            plans = [self._plan(entity, item, rows, on_conflict) for item in items]
            checks = BatchChecks(entity, [{n: plan["merged"][n] for n in plan["changed"]}
                                          for plan in plans if plan["merged"] is not None])
            trail, outcomes, now = [], [], utcnow()
            rights = self.rights(entity)
            creates = []  # inserted together after the loop: one statement per 500 rows
            for plan in plans:
                if plan["merged"] is not None and not plan["errors"]:
                    plan["errors"].update(self._validate(
                        entity, plan["merged"], plan["changed"], plan["id"], plan["errors"], checks,
                        plan.get("current")))
                if plan["merged"] is not None and not plan["errors"]:
                    plan["errors"].update(self.outside_rows(entity, rights, plan["merged"]))
                if plan["row"] is None and not plan["errors"]:
                    creates.append((len(outcomes), plan))
                    outcomes.append(None)
                else:
                    outcomes.append(self._apply(entity, plan, trail, now))
            for (index, _plan), record_id in zip(creates, self._insert_many(
                    entity, [plan for _i, plan in creates], trail, now)):
                outcomes[index] = ("created", record_id)
            write_trail(trail)
        return outcomes

    def _plan(self, entity, item, rows, on_conflict):
        """What one batch item would change: {id, row, merged, changed, errors}."""
        record_id = item.get("id")
        rights = self.rights(entity)
        action = "update" if record_id else "create"
        if not rights.can(action):
            return {"id": record_id, "row": None, "merged": None, "changed": [],
                    "errors": {"_record": refusal(entity, action, self.actor.role)}}
        if not record_id:
            values, errors = self._new(entity, item["data"])
            merged = {**entity.blank, **values}
            return {"id": None, "row": None, "merged": merged, "errors": errors,
                    "changed": [n for n, v in values.items() if v is not None]}
        row = rows.get(record_id)
        if row is not None and not self.in_rows(entity, rights, values_of(entity, row)):
            row = None  # not one of this role's: as if it did not exist
        if row is None:
            return {"id": record_id, "row": None, "merged": None, "changed": [], "errors": {
                "id": _("%(entity)s #%(id)s does not exist (it may have been deleted).",
                        entity=entity.label(), id=record_id)}}
        current = values_of(entity, row)
        values, errors = self._parse(entity, item["data"], current)
        changed = [n for n, v in values.items() if v != current[n]]
        version = item.get("version")
        if version is not None and version != row.gb_version and changed and on_conflict != "mine":
            since = self.changed_since(entity, row, version)
            for name in (n for n in changed if n in since):
                errors[name] = _("Changed by %(by)s at %(at)s to \"%(theirs)s\" since your "
                                 "copy was made; keep theirs, or save yours again.",
                                 by=since[name]["by"], at=since[name]["at"],
                                 theirs=since[name]["theirs"])
        return {"id": record_id, "row": row, "merged": dict(current, **values), "errors": errors,
                "changed": changed, "current": current}

    def _apply(self, entity, plan, trail, now):
        """Update one planned record (new ones are inserted together by _insert_many)."""
        if plan["errors"]:
            return "rejected", plan["errors"]
        if not plan["changed"]:
            return "unchanged", plan["id"]
        row, changed, merged = plan["row"], plan["changed"], plan["merged"]
        updates = dict({n: merged[n] for n in changed}, gb_updated_at=now,
                       gb_updated_by=self.actor.user_id)
        self._write(entity, lambda: update_row(entity.model, row.id, row.gb_version, updates))
        before_json = json_values(entity, plan["current"], changed)
        after_json = json_values(entity, merged, changed)
        self._record(entity, row.id, row.gb_version + 1, "update", "updated",
                     {n: [before_json[n], after_json[n]] for n in changed}, changed,
                     before_json, json_values(entity, merged), trail, now)
        return "updated", row.id

    def _new(self, entity, data):
        """A new record's parsed values, defaults filled in (and so checked like the rest)."""
        values, errors = self._parse(entity, data, current=None)
        for field, _default in entity.defaults:
            if field.name not in values:
                values[field.name] = self._default(field)
        return values, errors

    def _default(self, field):
        """field.type.default_value, once per batch ("me" asks the database, and an import
        of 100,000 rows must not ask it 100,000 times; "now" is the batch's moment)."""
        if self._memo is None:
            return field.type.default_value(field, self.actor.user_id)
        key = ("default", field)
        if key not in self._memo:
            self._memo[key] = field.type.default_value(field, self.actor.user_id)
        return self._memo[key]

    def _prepare(self, entity, parsed, checks):
        values, errors = parsed
        merged = {**entity.blank, **values}
        changed = [n for n, v in values.items() if v is not None]
        errors.update(self._validate(entity, merged, changed, None, errors, checks))
        errors.update(self.outside_rows(entity, self.rights(entity), merged) if not errors else {})
        return merged, changed, errors

    def _insert_many(self, entity, plans, trail, now):
        """Insert new records in multi-row statements, each with its audit entry and event
        on `trail`; return their ids in order."""
        stamp = dict(gb_version=1, gb_created_by=self.actor.user_id,
                     gb_updated_by=self.actor.user_id, gb_created_at=now, gb_updated_at=now)
        rows = [{**plan["merged"], **stamp} for plan in plans]
        ids = self._write(entity, lambda: insert_returning(entity.model, rows)) if rows else []
        for record_id, plan in zip(ids, plans):
            after = json_values(entity, plan["merged"])
            self._record(entity, record_id, 1, "create", "created",
                         {n: [None, after[n]] for n in plan["changed"]}, plan["changed"], None,
                         after, trail, now)
        return ids

    def _insert(self, entity, merged, changed, trail=None, now=None, restore=None):
        """Insert one record with its audit entry and event; return (id, row values).

        `restore` = (id, version) brings a deleted record back under its old number, its
        versions going on from where they stopped (so old conflicts stay old)."""
        now = now or utcnow()
        version = restore[1] if restore else 1
        row_values = dict(merged, gb_version=version, gb_created_by=self.actor.user_id,
                          gb_updated_by=self.actor.user_id, gb_created_at=now, gb_updated_at=now)
        if restore:
            record_id = restore[0]
            self._write(entity, lambda: entity.model.insert(id=record_id, **row_values).execute())
        else:
            record_id = self._write(entity, lambda: insert_row(entity.model, row_values))
        after = json_values(entity, merged)
        self._record(entity, record_id, version, "restore" if restore else "create", "created",
                     {n: [None, after[n]] for n in changed}, changed, None, after, trail, now)
        return record_id, row_values

    def restore(self, entity_name, record_id, values, version):
        """Bring back a deleted record, as the audit last saw it, under its old number."""
        entity = catalog().entity(entity_name)
        self.allowed(entity, "create")
        with database.atomic():
            if fetch(entity.model, [record_id]):
                raise ValidationFailed({"_record": _(
                    "%(entity)s #%(id)s exists; there is nothing to restore.",
                    entity=entity.label(), id=record_id)})
            known = {n: v for n, v in values.items() if n in entity.by_name and
                     not entity.by_name[n].retired}
            merged, changed, errors = self._prepare(entity, self._parse(entity, known, None),
                                                    DirectChecks())
            if errors:
                raise ValidationFailed(errors, entity)
            self._insert(entity, merged, changed, restore=(record_id, version))
            return entity.model(id=record_id, **{n: merged[n] for n in merged})

    def update(self, entity_name, record_id, data, version=None):
        version = self.parse_version(version)
        self.allowed(catalog().entity(entity_name), "update")
        with database.atomic():
            entity, row = self.get(entity_name, record_id, for_update=True)
            current = values_of(entity, row)
            values, errors = self._parse(entity, data, current)
            changed = [n for n, v in values.items() if v != current[n]]
            if version is not None and version != row.gb_version:
                self._check_conflict(entity, row, version, changed, values, current)
            if not changed and not errors:
                return row
            merged = dict(current, **values)
            errors.update(self._validate(entity, merged, changed, record_id, errors, DirectChecks(),
                                         current))
            errors.update(self.outside_rows(entity, self.rights(entity), merged) if not errors
                          else {})
            if errors:
                raise ValidationFailed(errors, entity)
            updates = dict({n: values[n] for n in changed}, gb_updated_at=utcnow(),
                           gb_updated_by=self.actor.user_id)
            self._write(entity, lambda: update_row(entity.model, record_id, row.gb_version,
                                                   updates))
            before_json = json_values(entity, current, changed)
            after_json = json_values(entity, merged, changed)
            self._record(entity, record_id, row.gb_version + 1, "update", "updated",
                         {n: [before_json[n], after_json[n]] for n in changed}, changed,
                         before_json, json_values(entity, merged))
        for name in changed:
            setattr(row, name, values[name])
        row.gb_version += 1
        row.gb_updated_at = updates["gb_updated_at"]
        return row

    def delete(self, entity_name, record_id, version=None):
        ((kind, refusal),) = self.delete_many(entity_name, [(record_id, version)])
        if kind == "rejected":
            raise refusal

    def delete_many(self, entity_name, items):
        """Delete records [(id, version read or None)] in one transaction: one outcome per
        item, ("deleted", id) or ("rejected", the RecordError saying why). The checks are
        delete()'s, asked once for the batch (undoing a 100,000-row import is one of these)."""
        entity = catalog().entity(entity_name)
        rights = self.allowed(entity, "delete")
        with database.atomic():
            ids = [record_id for record_id, _version in items]
            rows = {row.id: row for start in range(0, len(ids), 500)
                    for row in fetch(entity.model, ids[start:start + 500], for_update=True)}
            outcomes, current = [], {}
            for record_id, version in items:
                row = rows.get(record_id)
                values = values_of(entity, row) if row is not None else None
                try:
                    version = self.parse_version(version)
                    if values is None or record_id in current or \
                            not self.in_rows(entity, rights, values):  # (or named twice)
                        raise self.missing(entity, record_id)
                    if version is not None and version != row.gb_version:
                        raise Conflict(self.changed_since(entity, row, version), row.gb_version)
                except RecordError as exc:
                    outcomes.append(("rejected", exc))
                    continue
                current[record_id] = values
                outcomes.append(("deleted", record_id))
            used = self._references(entity, set(current))
            trail, gone, now = [], [], utcnow()
            for index, (kind, record_id) in enumerate(outcomes):
                if kind != "deleted":
                    continue
                if used.get(record_id):
                    outcomes[index] = ("rejected", ValidationFailed({"_record": _(
                        "Still used by %(uses)s; change or delete those first.",
                        uses=", ".join(used[record_id]))}))
                    continue
                before = json_values(entity, current[record_id])
                changed = [n for n, v in before.items() if v is not None]
                self._record(entity, record_id, rows[record_id].gb_version + 1, "delete",
                             "deleted", {n: [before[n], None] for n in changed}, changed, before,
                             None, trail, now)
                gone.append(record_id)
            for start in range(0, len(gone), 500):
                entity.model.delete().where(entity.model.id.in_(gone[start:start + 500])).execute()
            write_trail(trail)
        return outcomes

    # -- steps -----------------------------------------------------------
    @staticmethod
    def parse_version(version):
        if version is None or version == "":
            return None
        try:
            return int(str(version).strip('"W/ '))
        except ValueError:
            raise ValidationFailed({"_version": _(
                "The version must be the whole number the record was read with.")}) from None

    def _parse(self, entity, data, current):
        values, errors = {}, {}
        if not isinstance(data, dict):
            raise ValidationFailed({"_record": _("Send the record as an object {\"field\": value}.")})
        rights = self.rights(entity)
        fields, hidden, trusted = entity.active_by_name, rights.hidden, self.actor.trusted
        current = current or {}
        late = read_late(entity)  # a field read by others (a phone by the country): after them
        items = [i for i in data.items() if i[0] not in late] + \
            [i for i in data.items() if i[0] in late] if late else data.items()
        for name, raw in items:
            field = fields.get(name)
            if field is None or name in hidden:
                if name != "id" and not name.startswith("_"):
                    errors[name] = _("There is no field \"%(name)s\" in %(entity)s.",
                                     name=name, entity=entity.label())
                continue
            context = {other: values.get(other, current.get(other))
                       for other in field.type.context_fields(field)} if name in late else None
            try:
                value = self._parse_value(field, raw, context)
            except FieldError as exc:
                errors[name] = str(exc)
                continue
            if not trusted and value != current.get(name):
                refused = self._field_refusal(field, rights, value)
                if refused:
                    errors[name] = refused
                    continue
            values[name] = value
        return values, errors

    def _parse_value(self, field, raw, context=None):
        """field.type.parse, remembered within one batch: an import repeats its statuses,
        dates, links and amounts thousands of times."""
        memo = self._memo
        if memo is None or type(raw) not in MEMO_TYPES or field.type.name == "multi_choice":
            return field.type.parse(raw, field, self.locale, context)
        key = (field, type(raw), raw, tuple(sorted(context.items())) if context else ())
        found = memo.get(key)
        if found is None:
            try:
                found = memo[key] = (True, field.type.parse(raw, field, self.locale, context))
            except FieldError as exc:
                found = memo[key] = (False, str(exc))
        if not found[0]:
            raise FieldError(found[1])
        return found[1]

    def _field_refusal(self, field, rights, value):
        """Why this (untrusted) actor may not give the field this value (None: it may)."""
        if field.read_only or field.name in rights.read_only:
            return _("This field is read-only.")
        allowed = rights.only.get(field.name)
        if allowed is not None and field.type.to_json(value, field) not in allowed:
            shown = (field.type.display(field.type.parse(v, field), field, self.locale)
                     for v in allowed)
            return _("Your role may set this only to: %(values)s.", values=", ".join(shown))
        return None

    def _validate(self, entity, merged, changed, record_id, known, checks, before=None):
        """Errors per field of a save; `before` is the record as it was (None: a new one)."""
        errors = {}
        for field in entity.active_fields:
            name = field.name
            if name in known:
                continue
            value = merged.get(name)
            if value is None:
                if requires(entity, field, merged, changed, before):
                    errors[name] = _("Fill this in.") if field.required else _(
                        "Fill this in: it is required in this situation.")
                continue
            if name not in changed:
                continue
            problems = field.type.check(value, field) or checks.verify(field, value)
            if problems:
                errors[name] = problems[0]
            elif field.unique and checks.taken(field, value, record_id):
                errors[name] = _("%(value)s is already used by another record; it must be unique.",
                                 value=field.type.display(value, field, self.locale))
        return errors

    def _write(self, entity, run):
        """Run the statement; a unique index that catches a race names its field.

        The caller's atomic() block rolls the statement back with everything else.
        """
        try:
            return run()
        except IntegrityError:
            unique = [f.name for f in entity.active_fields if f.get("unique")]
            raise ValidationFailed({name: _("Already used by another record; it must be unique.")
                                    for name in unique} or {"_record": _("Could not save.")},
                                   entity)

    def changed_since(self, entity, row, version):
        """{field: {"theirs", "by", "at"}} changed after `version`, only the fields the
        actor may see: a conflict reply must not tell a hidden value."""
        changes, rights = {}, self.rights(entity)
        for audit in (Audit.select().where((Audit.entity == entity.name) &
                                           (Audit.record_id == row.id) &
                                           (Audit.record_version > version)).order_by(Audit.id)):
            for name, (_old, new) in audit.changes.items():
                if rights.shows(name):
                    changes[name] = {"theirs": new, "by": audit.username,
                                     "at": audit.at.isoformat(timespec="seconds")}
        return changes

    def _check_conflict(self, entity, row, version, changed, values, current):
        since = self.changed_since(entity, row, version)
        clash = {n: dict(since[n], yours=entity.by_name[n].type.to_json(values[n], entity.by_name[n]))
                 for n in changed if n in since}
        if clash:
            raise Conflict(clash, row.gb_version)

    def _references(self, entity, ids):
        """{id: ["3 × Order (Customer)", ...]} for the records others still link to; links
        from records deleted in the same batch do not count."""
        uses = {}
        for other in catalog().entities(retired=True):
            for field in other.active_fields:
                if field.type.refers_to(field) != entity.name:
                    continue
                column, ordered = getattr(other.model, field.name), sorted(ids)
                counts = Counter()
                for start in range(0, len(ordered), 500):
                    part = column.in_(ordered[start:start + 500])
                    if other.name == entity.name:  # which rows link, to leave out the doomed
                        counts.update(target for target, source in other.model.select(
                            column, other.model.id).where(part).tuples() if source not in ids)
                    else:
                        counts.update(dict(other.model.select(column, fn.COUNT(
                            other.model.id)).where(part).group_by(column).tuples()))
                for record_id, count in counts.items():
                    uses.setdefault(record_id, []).append(
                        f"{count} × {other.label()} ({field.label()})")
        return uses

    def _record(self, entity, record_id, version, action, kind, changes, changed, before, after,
                trail=None, now=None):
        """Write the audit entry and the outbox event (or queue them on `trail` for a batch)."""
        now = now or utcnow()
        audit = dict(entity=entity.name, record_id=record_id, record_version=version,
                     action=action, changes=changes, user_id=self.actor.user_id,
                     username=self.actor.username, source=self.actor.source, at=now)
        event = dict(entity=entity.name, record_id=record_id, kind=kind, changed=changed,
                     before=before, after=after, user_id=self.actor.user_id,
                     source=self.actor.source, silent=self.silent, depth=self.depth,
                     created_at=now)
        if trail is not None:
            trail.append((audit, event))
        else:
            write_trail([(audit, event)])
