"""Run the rules an event triggers: each (event, rule, action) exactly once.

Each action's effect commits together with its ActionRun row (unique key event:rule:
index), so a retried event skips what already ran. A failure marks the run failed and
raises, so Huey retries; the record's own save never waits for or fails with a rule.
"""

import time

from ..catalog import UnknownEntity, catalog
from ..db import database
from ..records import Actor, RecordService
from ..tables import ActionRun, AutomationRun, Event, utcnow
from .actions import action_types
from .templates import RecordView
from .triggers import fires, states

MAX_DEPTH = 5  # rules changing records that trigger rules: stop a loop here, and say so


class Context:
    """What an action sees: the record, the change, and a service writing as the rule."""

    def __init__(self, rule, entity, event, before, after):
        self.rule, self.entity, self.event = rule, entity, event
        self.record_id = event.record_id
        self.values = after or before
        self.service = RecordService(Actor(None, f"rule:{rule.key}", f"automation:{rule.key}",
                                           trusted=True), depth=event.depth + 1)
        self.template_context = {
            "record": RecordView(entity, self.values, event.record_id, rule.locale),
            "before": RecordView(entity, before, event.record_id, rule.locale) if before else None,
            "changed": list(event.changed or []),
        }


def handle_event(event_id):
    """Run every rule the event triggers; mark the event done. Safe to call twice."""
    event = Event.get_or_none(Event.id == event_id)
    if event is None or event.state == "done":
        return
    try:
        entity = catalog().entity(event.entity)
    except UnknownEntity:
        entity = None
    if entity is not None and not event.silent:
        before, after = states(entity, event)
        for rule in catalog().rules(entity.name):
            if rule.enabled and fires(rule, entity, event, before, after):
                run_rule(rule, entity, event, before, after)
    Event.update(state="done").where(Event.id == event_id).execute()


def run_rule(rule, entity, event, before, after):
    run, _created = AutomationRun.get_or_create(
        event_id=event.id, rule=rule.key,
        defaults={"entity": entity.name, "record_id": event.record_id, "trigger": rule.trigger})
    if run.status == "done":
        return
    AutomationRun.update(attempts=AutomationRun.attempts + 1, status="running").where(
        AutomationRun.id == run.id).execute()
    if event.depth >= MAX_DEPTH:
        finish(run, "failed", f"Stopped: rules changing records went {event.depth} levels deep "
                              f"(limit {MAX_DEPTH}); check for rules that trigger each other.")
        return
    ctx = Context(rule, entity, event, before, after)
    for index, (name, params) in enumerate(rule.actions):
        key = f"{event.id}:{rule.key}:{index}"
        if ActionRun.select().where(ActionRun.key == key).exists():
            continue
        started = time.perf_counter()
        try:
            with database.atomic():
                outcome = action_types[name].run(params, ctx)
                ActionRun.create(key=key, run=run.id, action=name, outcome=f"{outcome} "
                                 f"({(time.perf_counter() - started) * 1000:.0f} ms)")
        except Exception as exc:
            finish(run, "failed", f"{name}: {exc}")
            raise
    finish(run, "done", "")


def finish(run, status, error):
    AutomationRun.update(status=status, error=error, finished_at=utcnow()).where(
        AutomationRun.id == run.id).execute()
