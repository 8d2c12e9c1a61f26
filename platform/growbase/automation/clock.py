"""The clock: events for time-relative and scheduled rules, found by looking, not planned.

Each minute the worker asks, per rule, which records fall due between its last look and
now: one SQL query over the date field and the rule's condition. Nothing is planned
ahead, so a moved date is found at its new time, and a record that stopped matching is
not found at all (re-planning and cancelling come free). Each (rule, record, due time)
becomes one event, once: the event key is unique, so two workers looking at the same
minute make one event. After downtime the clock catches up at most CATCH_UP back; a
new or re-enabled rule starts from now (no burst of reminders for past dates).
"""

from datetime import datetime, time as day_time, timedelta

from ..catalog import UnknownEntity, catalog
from ..conditions import compile as compile_condition
from ..conditions import evaluate
from ..db import database
from ..records import announce, json_values, values_of
from ..tables import Event, Watermark, utcnow

CATCH_UP = timedelta(days=1)
DIGEST_LIMIT = 1000  # records one scheduled event carries


def tick(now=None):
    """Look for due time and schedule rules up to `now` (local time); return events made."""
    now = (now or datetime.now()).replace(microsecond=0)
    made = 0
    current = catalog()
    for rule in current.rules():
        if rule.trigger not in ("time", "schedule"):
            continue
        try:
            entity = current.entity(rule.entity)
        except UnknownEntity:
            continue
        with database.atomic():
            since = look(rule.key, now)
            if rule.enabled and since is not None and since < now:
                find = due_records if rule.trigger == "time" else scheduled
                events = find(rule, entity, max(since, now - CATCH_UP), now)
                if events:
                    Event.insert_many(events).on_conflict_ignore().execute()
                    announce(None)
                    made += len(events)
    return made


def look(name, now):
    """The previous look's time (None the first time); remember this one.

    Disabled rules are looked at too, so enabling one later does not replay the gap."""
    mark = Watermark.get_or_none(Watermark.name == name)
    Watermark.insert(name=name, at=now).on_conflict(
        conflict_target=[Watermark.name], update={Watermark.at: now}).execute()
    return mark.at if mark else None


def event(rule, entity, record_id, after, key):
    return dict(entity=entity.name, record_id=record_id, kind=rule.trigger, changed=[],
                after=after, source=f"clock:{rule.key}", rule=rule.key, key=key,
                created_at=utcnow())


def anchor_time(rule):
    hours, minutes = rule.trigger_params.get("at_time", "09:00").split(":")
    return timedelta(hours=int(hours), minutes=int(minutes))


def due_at(rule, field, value):
    """When a record is due: its date (a date-only one at at_time) plus the offset."""
    if field.type.day_only:
        value = datetime.combine(value, day_time()) + anchor_time(rule)
    return value + rule.offset


def due_records(rule, entity, since, now):
    """Events for records whose due time falls in (since, now] and that match `if`."""
    field = entity.by_name[rule.trigger_params["field"]]
    model = entity.model
    column = getattr(model, field.name)
    low, high = since - rule.offset, now - rule.offset  # bounds on the date itself
    if field.type.day_only:
        shift = anchor_time(rule)
        where = (column >= (low - shift).date()) & (column <= (high - shift).date())
    else:
        where = (column > low) & (column <= high)
    if rule.condition is not None:
        where &= compile_condition(rule.condition, entity, model)
    events = []
    for row in model.select().where(where).order_by(model.id):
        due = due_at(rule, field, getattr(row, field.name))
        if since < due <= now:
            events.append(event(rule, entity, row.id, json_values(entity, values_of(entity, row)),
                                f"{rule.key}:{row.id}:{due:%Y%m%dT%H%M}"))
    return events


def last_tick(rule, since, now):
    """The latest minute in (since, now] the rule's cron names (missed ones fire once)."""
    test = rule.cron
    minute = now.replace(second=0)
    while minute > since:
        if test(minute):
            return minute
        minute -= timedelta(minutes=1)
    return None


def scheduled(rule, entity, since, now):
    """At a cron tick: one event carrying the records that match `if` (none: no event),
    or one per value of the `per` field (a digest for each assignee)."""
    at = last_tick(rule, since, now)
    if at is None:
        return []
    model = entity.model
    query = model.select().order_by(model.id).limit(DIGEST_LIMIT * 10)
    if rule.condition is not None:
        query = query.where(compile_condition(rule.condition, entity, model))
    per = rule.trigger_params.get("per")
    groups = {}
    for row in query:
        value = getattr(row, per) if per else None
        if per is None or value is not None:
            groups.setdefault(value, []).append(row.id)
    if not groups and rule.condition is None and per is None:
        groups[None] = []  # "every Monday at 8:00, make a task" needs no records
    events = []
    for value, ids in groups.items():
        carried = json_values(entity, {per: value}, [per]) if per else {}
        events.append(event(rule, entity, 0, dict(carried, _records=ids[:DIGEST_LIMIT]),
                            f"{rule.key}:{at:%Y%m%dT%H%M}:{carried.get(per, '')}"))
    return events


def planned(entity, record_id, values, now=None):
    """[(rule, due)] the time rules will fire for this record as it stands now."""
    now = now or datetime.now()
    found = []
    for rule in catalog().rules(entity.name):
        if rule.trigger != "time" or not rule.enabled:
            continue
        field = entity.by_name.get(rule.trigger_params["field"])
        value = values.get(field.name) if field else None
        if value is None:
            continue
        due = due_at(rule, field, value)
        if due > now and (rule.condition is None or evaluate(rule.condition, entity, values)):
            found.append((rule, due))
    return sorted(found, key=lambda pair: pair[1])
