"""Safety rails around rules: disable one that keeps failing, warn of rules that feed
each other in a loop (the depth limit stops a loop at run time; this says so earlier)."""

import logging

from ..catalog import catalog
from ..i18n import gettext as _
from ..tables import OWNER, AutomationRun, Outbox
from .actions import action_types, notify, users_with_role
from .rules import apply_rules

FAILURES_TO_DISABLE = 5
log = logging.getLogger(__name__)


def failing(statuses):
    return len(statuses) == FAILURES_TO_DISABLE and all(s == "failed" for s in statuses)


def after_failure(rule_key):
    """Disable a rule whose last runs, or last messages, all failed, and tell the owners."""
    rule = catalog().rule(rule_key) if rule_key else None
    if rule is None or not rule.enabled:
        return
    runs = [r.status for r in AutomationRun.select(AutomationRun.status).where(
        (AutomationRun.rule == rule_key) & AutomationRun.status.in_(["done", "failed"]))
        .order_by(AutomationRun.id.desc()).limit(FAILURES_TO_DISABLE)]
    messages = [m.status for m in Outbox.select(Outbox.status).where(
        (Outbox.rule == rule_key) & Outbox.status.in_(["sent", "stored", "failed"]))
        .order_by(Outbox.id.desc()).limit(FAILURES_TO_DISABLE)]
    if not (failing(runs) or failing(messages)):
        return
    try:
        apply_rules([dict(rule.spec, enabled=False)], author="system",
                    note=f"disabled after {FAILURES_TO_DISABLE} failures in a row")
    except Exception:  # the rule no longer validates: leave it to the owner, loudly
        log.exception("could not disable failing rule %s", rule_key)
        return
    for owner in users_with_role(OWNER):
        notify(owner.id, _("The rule \"%(name)s\" failed %(n)s times in a row and was turned off. "
                           "See the run log, fix it and turn it on again.",
                           name=rule.name, n=FAILURES_TO_DISABLE), "", None)


def writes(rule, catalog):
    """[(entity, trigger kinds it can cause, fields it changes)] for a rule's actions."""
    return [found for name, params in ([] if rule.silent else rule.actions)
            for found in action_types[name].writes(params, rule.entity, catalog)]


def can_trigger(rule, other, catalog):
    for entity, kind, fields in writes(rule, catalog):
        if other.entity != entity or not other.enabled:
            continue
        if other.trigger == "created" and kind == "created":
            return True
        if kind == "updated" and other.trigger == "updated":
            listed = set(other.trigger_params.get("fields", []))
            if not listed or listed & fields:
                return True
        if kind == "updated" and other.trigger in ("status_changed", "field_changed"):
            watched = other.watched_field(catalog.entity(entity))
            if watched is not None and watched.name in fields:
                return True
    return False


def cycles(catalog):
    """Loops of enabled rules that can trigger one another, each as [key, key, ..., key]."""
    rules = [r for r in catalog.rules() if r.enabled]
    edges = {r.key: [o.key for o in rules if can_trigger(r, o, catalog)] for r in rules}
    found, seen = [], set()

    def walk(key, path):
        for nxt in edges.get(key, []):
            if nxt in path:
                loop = path[path.index(nxt):] + [nxt]
                if frozenset(loop) not in seen:
                    seen.add(frozenset(loop))
                    found.append(loop)
            elif len(path) < 10:
                walk(nxt, path + [nxt])

    for rule in rules:
        walk(rule.key, [rule.key])
    return found


def cycle_warnings(catalog, keys):
    """Sentences for the loops that pass through any of the rules just applied."""
    return [_("These rules can trigger each other in a loop: %(loop)s. The run stops after "
              "a few rounds; add a condition that breaks the loop.", loop=" → ".join(loop))
            for loop in cycles(catalog) if set(loop) & set(keys)]
