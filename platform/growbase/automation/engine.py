"""Run the rules an event triggers: each (event, rule, action) exactly once.

Each action's effect commits together with its ActionRun row (unique key event:rule:
index), so a retried event skips what already ran. A failure marks the run failed and
raises, so Huey retries; the record's own save never waits for or fails with a rule.
"""


from peewee import IntegrityError

from ..catalog import UnknownEntity, catalog
from ..db import database, fetch, fetch_where, insert_row, update_by_id
from ..i18n import Said
from ..records import Actor, RecordService, announce, values_of
from ..tables import ActionRun, AutomationRun, Event, utcnow
from .action_base import Action
from .actions import action_types
from ..quality.digest import QualityDigest
from .templates import RecordView
from .safety import after_failure
from .triggers import matches, states, triggered

MAX_DEPTH = 5  # rules changing records that trigger rules: stop a loop here, and say so


class Context:
    """What an action sees: the record, the change, and a service writing as the rule."""

    def __init__(self, rule, entity, event, before, after):
        self.rule, self.entity, self.event = rule, entity, event
        self.record_id = event.record_id
        self.message = None  # the outbox row the current action wrote, if any
        self.prepared = None  # what the current action made before the transaction
        self.values = after or before
        self.service = RecordService(Actor(None, f"rule:{rule.key}", f"automation:{rule.key}",
                                           trusted=True), depth=event.depth + 1,
                                     silent=rule.silent)
        self.template_context = {
            "record": RecordView(entity, self.values, event.record_id, rule.locale),
            "before": RecordView(entity, before, event.record_id, rule.locale) if before else None,
            "changed": list(event.changed or []),
            "records": many(entity, (event.after or {}).get("_records", []), rule.locale),
            "quality": QualityDigest(rule.locale),
        }


def many(entity, ids, locale):
    """The records a scheduled event carries (a digest), as templates see them."""
    return [RecordView(entity, values_of(entity, row), row.id, locale)
            for row in fetch(entity.model, ids)]


def handle_event(event_id):
    """Run every rule one event triggers; raise the first failure. Safe to call again:
    done rules are skipped."""
    failures = handle_events([event_id])
    if failures:
        raise failures[0][1]


def handle_events(event_ids):
    """Run the rules of several events in one transaction; return [(event id, error)].

    Each rule runs in a savepoint (its actions, their ActionRun rows, its run row), so
    one broken rule rolls back alone, neither blocking nor repeating the others; its
    failure is logged on the run and the event marked failed (the sweep leaves it; a
    re-run or Huey's retry takes it up). One commit per batch, not per event, is what
    lets a worker keep up with a bulk change.
    """
    failures = []
    with database.atomic():
        for event in sorted(fetch(Event, event_ids), key=lambda e: e.id):
            if event.state != "done":
                failures += [(event.id, exc) for exc in run_event(event)]
    return failures


def run_event(event):
    try:
        entity = catalog().entity(event.entity)
    except UnknownEntity:
        entity = None
    failures, elsewhere = [], False
    if entity is not None and not event.silent:
        before, after = states(entity, event)
        for rule in catalog().rules(entity.name):
            if not rule.enabled or not triggered(rule, entity, event, before, after):
                continue
            if not matches(rule, entity, event, before, after):
                if rule.trigger != "updated":  # an edge that happened: say why nothing ran
                    skipped(rule, entity, event)
                continue
            try:
                prepared = prepare(rule, entity, event, before, after)
                with database.atomic():
                    run_rule(rule, entity, event, before, after, prepared)
            except IntegrityError:
                elsewhere = True  # another worker holds this run: it finishes the event
            except Exception as exc:  # the owner's rule failed, not the worker
                record_failure(rule, entity, event, exc)
                failures.append(exc)
    if not elsewhere:
        update_by_id(Event, event.id, state="failed" if failures else "done")
    return failures


def open_run(rule, entity, event, status="running", error=""):
    """This rule's run for this event (made on the first attempt)."""
    run = fetch_where(AutomationRun, event_id=event.id, rule=rule.key)
    if run is None:
        run_id = insert_row(AutomationRun, dict(
            event_id=event.id, rule=rule.key, entity=entity.name, record_id=event.record_id,
            trigger=rule.trigger, status=status, error=error, attempts=0, started_at=utcnow()))
        run = AutomationRun(id=run_id, status=status, attempts=0)  # as inserted; no re-read
    return run


def skipped(rule, entity, event):
    """Log that the trigger happened but the record did not meet the rule's `if`."""
    with database.atomic():
        open_run(rule, entity, event, "skipped", "The record did not meet the rule's condition.")


def prepare(rule, entity, event, before, after):
    """What the rule's actions make before its transaction (documents), by index."""
    slow = [i for i, (name, _params) in enumerate(rule.actions)
            if type(action_types[name]).prepare is not Action.prepare]
    if not slow:
        return {}
    ctx = Context(rule, entity, event, before, after)
    return {i: action_types[rule.actions[i][0]].prepare(rule.actions[i][1], ctx) for i in slow}


def run_rule(rule, entity, event, before, after, prepared=None):
    """Run one rule's actions in the caller's transaction; the unique ActionRun key
    (event:rule:index) makes a second commit of the same action impossible."""
    run = open_run(rule, entity, event)
    if run.status == "done":
        return
    if event.depth >= MAX_DEPTH:
        finish(run, "failed", f"Stopped: rules changing records went {event.depth} levels deep "
                              f"(limit {MAX_DEPTH}); check for rules that trigger each other.")
        return
    ctx = Context(rule, entity, event, before, after)
    for index, (name, params) in enumerate(rule.actions):
        ctx.message, ctx.prepared = None, (prepared or {}).get(index)
        try:
            outcome = action_types[name].run(params, ctx)
        except Exception as exc:
            raise RuntimeError(f"{name}: {exc}") from exc
        insert_row(ActionRun, dict(
            key=f"{event.id}:{rule.key}:{index}", run=run.id, action=name, at=utcnow(),
            message=ctx.message, outcome=outcome,
            said=[outcome.msgid, outcome.params] if isinstance(outcome, Said) else None))
    finish(run, "done", "")


def record_failure(rule, entity, event, exc):
    with database.atomic():
        finish(open_run(rule, entity, event), "failed", str(exc))
    after_failure(rule.key)


def rerun(run_id):
    """Put a failed run's event back in the queue; return its id (None: not failed)."""
    run = AutomationRun.get_or_none(AutomationRun.id == run_id)
    if run is None or run.status != "failed":
        return None
    update_by_id(Event, run.event_id, state="pending")
    announce(run.event_id)
    return run.event_id


def finish(run, status, error):
    update_by_id(AutomationRun, run.id, increment=("attempts",), status=status, error=error,
                 finished_at=utcnow())
