"""The run log as people and programs read it: runs, their actions, each message's fate."""

from ..tables import ActionRun, AutomationRun, Outbox


def with_actions(runs):
    """[(run, [(action, message or None)])] in three queries, whatever the page size."""
    runs = list(runs)
    actions = {}
    for action in (ActionRun.select().where(ActionRun.run.in_([r.id for r in runs]))
                   .order_by(ActionRun.id)):
        actions.setdefault(action.run_id, []).append(action)
    ids = [a.message for found in actions.values() for a in found if a.message]
    messages = {m.id: m for m in Outbox.select().where(Outbox.id.in_(ids))} if ids else {}
    return [(run, [(a, messages.get(a.message)) for a in actions.get(run.id, [])])
            for run in runs]


def of_record(entity, record_id, limit=50):
    return with_actions(AutomationRun.select().where(
        (AutomationRun.entity == entity) & (AutomationRun.record_id == record_id))
        .order_by(AutomationRun.id.desc()).limit(limit))
