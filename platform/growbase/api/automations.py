"""The automations' side of the JSON API: rules, the run log and the outbox.

Reading rules is for the owner and the roles allowed to design; changing them, their runs
and the messages they sent are the owner's. Checked here on the server (the UI hiding a
button is not a permission).
"""

from flask import jsonify
from flask_login import current_user

from .base import body, bp, refuse, system_rows
from ..automation.effects import effects
from ..automation.engine import rerun
from ..automation.preview import preview
from ..automation.rules import apply_rules
from ..automation.runlog import with_actions
from ..automation.safety import cycle_warnings
from ..catalog import catalog
from ..channels import resend
from ..definitions import DefinitionError
from ..designer.service import may_design
from ..i18n import gettext as _
from ..records import NotFound
from ..tables import AutomationRun, Outbox


def owner_only():
    """Rules, their runs and the messages they sent (customers' phones and texts) are the
    owner's to see and change."""
    if not current_user.is_owner:
        refuse(403, _role=_("Only the owner may change automation rules and see their runs "
                            "and messages."))


def designers_only():
    """Rules name phones, addresses and webhook URLs: read by those who may design them."""
    if not may_design(current_user):
        refuse(403, _role=_("Only the owner, and the roles the owner allows, may read "
                            "automation rules."))


def rule_or_404(key):
    rule = catalog().rule(key)
    if rule is None:
        refuse(404, _rule=_("There is no rule \"%(key)s\".", key=key))
    return rule


def rule_json(rule):
    return dict(rule.spec, version=rule.version, enabled=rule.enabled)


@bp.get("/automations")
def automations():
    designers_only()
    return jsonify(items=[rule_json(r) for r in catalog().rules()])


@bp.get("/automations/<key>")
def automation(key):
    designers_only()
    return jsonify(rule_json(rule_or_404(key)))


@bp.put("/automations/<key>")
def put_automation(key):
    """Create or replace a rule; it runs from the next change on, in every process."""
    owner_only()
    spec = dict(body(), key=key)
    spec.pop("version", None)
    try:
        changed = apply_rules([spec], author=current_user.username, note="api")
    except DefinitionError as exc:
        errors = {}
        for path, text in exc.problems:
            errors[path] = f"{errors[path]} {text}" if path in errors else text
        return jsonify(errors=errors), 422
    rule = catalog().rule(key)
    return jsonify(dict(rule_json(rule), changed=bool(changed),
                        warnings=cycle_warnings(catalog(), [key])))


@bp.post("/automations/<key>/test")
def test_automation(key):
    """What the rule would do for one record; nothing is written or sent."""
    owner_only()
    rule = rule_or_404(key)
    record_id = body().get("record_id")
    if not isinstance(record_id, int):
        refuse(400, record_id=_("Give the record to test on: {\"record_id\": 42}."))
    try:
        return jsonify(preview(rule, record_id))
    except NotFound as exc:
        refuse(404, record_id=str(exc))


def message_json(m):
    return {"id": m.id, "channel": m.channel, "recipient": m.recipient, "subject": m.subject,
            "body": m.body, "status": m.status, "attempts": m.attempts, "error": m.error,
            "rule": m.rule, "entity": m.entity, "record_id": m.record_id,
            "not_before": m.not_before.isoformat(timespec="seconds") if m.not_before else None,
            "created_at": m.created_at.isoformat(timespec="seconds")}


@bp.get("/outbox")
def outbox():
    """Messages the automations produced, with where each is on its way out."""
    owner_only()
    return system_rows(Outbox, Outbox.id, {"channel": Outbox.channel, "status": Outbox.status,
                                           "rule": Outbox.rule, "record_id": Outbox.record_id},
                       lambda rows: [message_json(m) for m in rows])


@bp.post("/outbox/<int:message_id>/resend")
def resend_message(message_id):
    owner_only()
    if not resend(message_id):
        refuse(409, _message=_("Only a failed or held message, or one whose sending is "
                               "unknown, can be sent (again)."))
    return jsonify(message_json(Outbox.get_by_id(message_id))), 202


def run_json(run, actions):
    return {"id": run.id, "rule": run.rule, "entity": run.entity, "record_id": run.record_id,
            "event_id": run.event_id, "trigger": run.trigger, "status": run.status,
            "error": run.error, "attempts": run.attempts, "duration_ms": run.duration_ms,
            "started_at": run.started_at.isoformat(timespec="seconds"),
            "actions": [{"action": a.action, "outcome": a.outcome,
                         "delivery": message_json(m) if m else None} for a, m in actions]}


@bp.get("/automation-runs")
def automation_runs():
    """The run log: every rule an event fired, its outcome, error and attempts."""
    owner_only()
    return system_rows(AutomationRun, AutomationRun.id,
                       {"rule": AutomationRun.rule, "status": AutomationRun.status,
                        "entity": AutomationRun.entity, "record_id": AutomationRun.record_id},
                       lambda rows: [run_json(*pair) for pair in with_actions(rows)])


@bp.post("/automation-runs/<int:run_id>/rerun")
def rerun_run(run_id):
    owner_only()
    if rerun(run_id) is None:
        refuse(409, _run=_("Only a failed run can be run again."))
    return jsonify(run_json(*with_actions([AutomationRun.get_by_id(run_id)])[0])), 202


@bp.get("/events/<int:event_id>/effects")
def event_effects(event_id):
    """What a save of mine set off (the rules its event ran, each action), and whether the
    worker is done with it: the note after saving asks this until "done"."""
    found = effects(event_id, current_user)
    if found is None:
        refuse(404, _event=_("There is no such change of yours."))
    return jsonify(found)
