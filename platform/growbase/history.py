"""The audit read back: who changed what, anywhere, and taking one change back.

Reverting a field and restoring a deleted record go through the record service like any
edit, so they are checked, audited ("revert" / "restore" as their source) and fire the
automations a change would.
"""

import re
from datetime import datetime, time, timedelta

from peewee import OP, Expression, Value

from .catalog import UnknownEntity, catalog
from .errors import GrowbaseError
from .i18n import current_locale
from .i18n import gettext as _
from .db import fetch
from .permissions import access
from .records import (Actor, RecordError, RecordService, json_values, titles, unseen,
                      values_of)
from .tables import Audit

PASTE = "grid:paste:"  # (api.PASTE: the source of a paste's changes)
MERGE = "merge:"  # the source of a merge's changes (duplicates.merge)
GROUPS = (PASTE, MERGE)  # changes made together, shown and undone together

PAGE = 100
FILTERS = ("user", "entity", "record_id", "action", "field", "since", "until")


class HistoryError(GrowbaseError, ValueError):
    status = 404  # no such entry, or not a change of that field


class WorkedOut(HistoryError):
    status = 422  # a value growbase works out is undone by undoing what moved it


def search(params, offset=0, limit=PAGE):
    """Audit entries, newest first, narrowed by `params` (see FILTERS): who, which entity
    and record, what kind of change, which field, between which days (YYYY-MM-DD)."""
    query = Audit.select().order_by(Audit.id.desc())
    if params.get("user"):
        query = query.where(Audit.username == params["user"])
    if params.get("entity"):
        query = query.where(Audit.entity == params["entity"])
    if params.get("record_id"):
        query = query.where(Audit.record_id == int(params["record_id"]))
    if params.get("action"):
        query = query.where(Audit.action == params["action"])
    for key, op in (("since", "ge"), ("until", "lt")):
        if params.get(key):
            day = _day(params[key], key)
            bound = datetime.combine(day + (timedelta(days=1) if key == "until" else timedelta()),
                                     time())
            query = query.where(Audit.at >= bound if op == "ge" else Audit.at < bound)
    if params.get("field"):  # a first cut in SQL, the exact test on the JSON
        needle = Value(f'%"{params["field"]}"%', converter=False)  # not through json.dumps
        query = query.where(Expression(Audit.changes, OP.ILIKE, needle))  # (LIKE: GLOB in SQLite)
        return [a for a in query.limit(limit * 5).offset(offset)
                if params["field"] in (a.changes or {})][:limit]
    return list(query.limit(limit).offset(offset))


def _day(text, key):
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise HistoryError(_("%(key)s: write the day as YYYY-MM-DD.", key=key)) from None


def entry(audit_id):
    audit = Audit.get_or_none(Audit.id == audit_id)
    if audit is None:
        raise HistoryError(_("There is no history entry #%(id)s.", id=audit_id))
    return audit


def revert(audit_id, field, user):
    """Set `field` of the record back to what it was before this change."""
    audit = entry(audit_id)
    if audit.action not in ("update", "create", "restore") or field not in (audit.changes or {}):
        raise HistoryError(_("Entry #%(id)s did not change %(field)s.", id=audit_id, field=field))
    if field not in typed_changes(catalog().entity(audit.entity), audit):
        raise WorkedOut(_("%(field)s is worked out by growbase: revert the change that moved "
                          "it (a line's, a linked record's) instead.", field=field))
    service = RecordService(Actor.for_user(user, f"revert:{audit_id}"))
    return service.update(audit.entity, audit.record_id, {field: audit.changes[field][0]})


def restore(audit_id, user):
    """Bring back the record this entry deleted, as it was, under its old number."""
    audit = entry(audit_id)
    if audit.action != "delete":
        raise HistoryError(_("Entry #%(id)s is not a deletion.", id=audit_id))
    return restore_entry(audit, RecordService(Actor.for_user(user, f"restore:{audit_id}")))


def restore_entry(audit, service):
    values = {name: old for name, (old, _new) in (audit.changes or {}).items()}
    return service.restore(audit.entity, audit.record_id, values, audit.record_version + 1)


def typed_changes(entity, audit):
    """The changes of an entry people made, without what growbase worked out from them."""
    return {name: change for name, change in (audit.changes or {}).items()
            if name in entity.by_name and not entity.by_name[name].automatic}


def undo_group(source, user):
    """Take back one paste from the grid or one merge: the records it created are deleted,
    those it deleted brought back, and the cells it changed set back, each only where
    nobody changed it since (those are said, never overwritten). Returns {"reverted":
    cells, "deleted": records, "restored": records, "left": [sentences]}."""
    entries = list(Audit.select().where(Audit.source == source).order_by(Audit.id.desc())) \
        if source.startswith(GROUPS) else []
    if not entries:
        raise HistoryError(_("There is no such paste or merge in the history."))
    service = RecordService(Actor.for_user(user, f"undo {source}"[:120]))
    done = {"reverted": 0, "deleted": 0, "restored": 0, "left": []}
    for audit in entries:  # newest first
        try:
            entity = catalog().entity(audit.entity)
        except UnknownEntity:
            continue
        found = fetch(entity.model, [audit.record_id])
        if audit.action == "delete":
            try:
                restore_entry(audit, service)
                done["restored"] += 1
            except RecordError as exc:
                done["left"].append(f"{named(entity, audit.record_id)}: {exc}")
            continue
        if not found:
            done["left"].append(_("%(title)s is gone already.",
                                  title=named(entity, audit.record_id)))
            continue
        row = found[0]
        try:
            if audit.action == "create":
                if row.gb_version != audit.record_version:
                    done["left"].append(_("%(title)s was changed after the paste; it stays.",
                                          title=named(entity, row.id)))
                    continue
                service.delete(entity.name, row.id, row.gb_version)
                done["deleted"] += 1
            elif audit.action == "update":
                typed = typed_changes(entity, audit)  # totals the paste moved follow the rest
                now = json_values(entity, values_of(entity, row))
                back = {name: old for name, (old, new) in typed.items()
                        if name in now and now[name] == new}
                if back:
                    service.update(entity.name, row.id, back)
                    done["reverted"] += len(back)
                if len(back) < len(typed):
                    done["left"].append(_("%(title)s: a cell changed after the paste stays "
                                          "as it is now.", title=named(entity, row.id)))
        except RecordError as exc:
            done["left"].append(f"{named(entity, row.id)}: {exc}")
    return done


def grouped(rows):
    """History rows [(audit, changes)] with each paste's entries as one item
    {"paste": source, "entries": [...], "total": the records of its grid it changed} (the
    totals it moved elsewhere, a customer's orders count, are not counted as pasted)."""
    items = []
    for audit, changes in rows:
        source = audit.source or ""
        if source.startswith(GROUPS):
            if items and items[-1].get("paste") == source:
                items[-1]["entries"].append((audit, changes))
                continue
            items.append({"paste": source, "merge": source.startswith(MERGE),
                          "entries": [(audit, changes)], "total": Audit.select()
                          .where((Audit.source == source) & (Audit.entity == audit.entity))
                          .count()})
        else:
            items.append({"audit": audit, "changes": changes})
    return items


def shown(audit, locale):
    """(name, label, old, new, revertable) per changed field, as people read them."""
    try:
        entity = catalog().entity(audit.entity)
    except UnknownEntity:
        entity = None
    out = []
    for name, pair in (audit.changes or {}).items():
        field = entity.by_name.get(name) if entity else None
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        label = field.label(locale) if field else {"rows": _("rows"), "file": _("file")}.get(
            name, name)  # (an export's entry: how many rows, into which file)
        out.append((name, label,
                    _show(field, old, locale), _show(field, new, locale),
                    field is not None and not field.automatic))
    return out


def named(entity, record_id):
    """A record as an undo's note names it: its title, or the one its deletion kept."""
    return titles(entity, [record_id]).get(record_id) or deleted_titles(
        entity, [record_id]).get(record_id) or unseen()


def sees_all(entity):
    """May this person read any record of the entity whole (no row rule, no hidden title
    field)? Only then is a deleted one named from what its deletion kept."""
    rights = access(entity)
    return rights.can("read") and rights.rows is None and \
        all(rights.shows(f.name) for f in entity.title_fields)


def deleted_titles(entity, ids):
    """{id: title} of deleted records, from the values their deletion kept (a log names a
    deleted order "ORD-00092 Ivan Petrov", not by its internal number), for a person who
    may read the entity whole."""
    if not sees_all(entity):
        return {}
    locale = current_locale()
    rows = Audit.select().where((Audit.entity == entity.name) & (Audit.action == "delete") &
                                Audit.record_id.in_(list(ids))).order_by(Audit.id)
    found = {}
    for audit in rows:
        kept = {name: pair[0] if isinstance(pair, list) else pair
                for name, pair in (audit.changes or {}).items()}
        title = re.sub(r"{(\w+)}", lambda m: _show(entity.by_name.get(m.group(1)), kept.get(
            m.group(1)), locale) if m.group(1) in entity.by_name else m.group(0),
            entity.title_template).strip()
        if title:
            found[audit.record_id] = title
    return found


def _show(field, value, locale):
    if value is None:
        return ""
    if field is None:
        return str(value)
    try:
        return field.type.display(field.type.parse(value, field), field, locale)
    except (ValueError, TypeError):  # a value of an older definition: show it as stored
        return str(value)

