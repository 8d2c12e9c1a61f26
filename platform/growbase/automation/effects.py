"""What a save set off: the rules its event ran and what each of their actions did (an SMS
queued, a task made for Logistics), for the note a person sees after saving. The worker
runs them a moment later; the note asks until the event is done."""

from ..catalog import catalog
from ..channels.kinds import channel_words
from ..i18n import gettext as _
from ..permissions import role_label
from ..tables import ActionRun, AutomationRun, Event, Outbox

PARAM_WORDS = {"role": role_label, "channel": channel_words}  # codes said as words


def outcome_words(action):
    """What an action did, in the reader's language: said again from the message id the
    worker kept (its parameters' codes in words), else as the worker wrote it."""
    if not action.said:
        return action.outcome
    msgid, params = action.said
    words = {k: PARAM_WORDS.get(k, str)(v) if isinstance(v, str) else v
             for k, v in params.items()}
    entity = catalog().entity(params["entity"]) if params.get("entity") in catalog() else None
    if entity is not None:  # a field and an entity by their labels, not their keys
        words["entity"] = entity.plural()
        field = entity.active_by_name.get(params.get("field"))
        words["field"] = field.label() if field is not None else words.get("field")
    return _(msgid, **words)


def typed_params(action):
    """The parts of what an action did that are data, not words (a task's title, a phone
    number, a login), for a page to mark apart."""
    params = action.said[1] if action.said else {}
    return [str(params[k]) for k in ("title", "to", "user") if params.get(k)]


def action_label(name):
    """An automation action as the designer names it ("Send an SMS")."""
    return {"notify_role": _("Notify a role"), "notify_user": _("Notify a user"),
            "send_sms": _("Send an SMS"), "send_email": _("Send an e-mail"),
            "call_webhook": _("Call a webhook"), "create_task": _("Create a task"),
            "update_field": _("Set a field"), "make_document": _("Make a document")
            }.get(name, name)


def effects(event_id, user):
    """{"done": bool, "items": [{"rule", "failed", "actions": [{"action", "outcome"?,
    "delivery"?}]}]} of an event of this person's (None for anyone else's). Outcomes name
    customers' numbers and addresses: the owner sees them, staff see what was done."""
    event = Event.get_or_none(Event.id == event_id)
    if event is None or (event.user_id != user.id and not user.is_owner):
        return None
    runs = list(AutomationRun.select().where((AutomationRun.event_id == event.id) &
                                             (AutomationRun.status != "skipped"))
                .order_by(AutomationRun.id))
    actions = {}
    for action in ActionRun.select().where(ActionRun.run.in_([r.id for r in runs])) \
            .order_by(ActionRun.id) if runs else []:
        actions.setdefault(action.run_id, []).append(action)
    sent = [a.message for found in actions.values() for a in found if a.message]
    delivery = {m.id: m.status for m in Outbox.select(Outbox.id, Outbox.status)
                .where(Outbox.id.in_(sent))} if sent else {}
    items = []
    for run in runs:
        rule = catalog().rule(run.rule)
        items.append({"rule": rule.name if rule else run.rule, "failed": run.status == "failed",
                      "actions": [dict({"action": action_label(a.action)},
                                       **({"outcome": outcome_words(a)} if user.is_owner
                                          else {}),
                                       **({"delivery": delivery[a.message]}
                                          if a.message in delivery else {}))
                                  for a in actions.get(run.id, [])]})
    return {"done": event.state != "pending", "items": items}
