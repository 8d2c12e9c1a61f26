"""Definitions said in words for the owner's screens: a condition ("Stage is Confirmed and
Amount > 1 000"), a template ("Customer › Phone"), a rule ("Orders: when Stage becomes
Confirmed" / "SMS to Customer › Phone"). Read-only and forgiving: what it cannot say in
words it leaves as written, never as a Python dict."""

import re

from babel.dates import format_timedelta, get_day_names

from ..catalog import UnknownEntity, catalog
from ..conditions import DUPLICATE
from ..fields.temporal import span
from ..i18n import current_locale, pick
from ..i18n import gettext as _
from ..permissions import role_label
from .filters import period_labels

_PLACE = re.compile(r"\{\{\s*record\.([a-z0-9_.]+)\s*\}\}")


def _ops():
    return {"eq": _("is"), "ne": _("is not"), "in": _("is one of"), "not_in": _("is none of"),
            "gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "contains": _("contains"),
            "not_contains": _("does not contain"), "starts_with": _("starts with"),
            "changed_to": _("became"), "changed_from": _("was")}


def entity_of(name):
    """The live entity of that name, or None (a log may name one since removed)."""
    try:
        return catalog().entity(name)
    except UnknownEntity:
        return None


def value_words(field, raw):
    """One value of a condition as a person reads it: an option's label, a date relative
    to today, "me", a number in the reader's locale."""
    if isinstance(raw, list):
        return ", ".join(value_words(field, item) for item in raw)
    if isinstance(raw, dict):
        if raw.get("me"):
            return _("me")
        if raw.get("my") == "branch":
            return _("my branch")
        if "today" in raw:
            days = int(raw["today"])
            return _("today") if days == 0 else _("%(n)s days from today", n=days) if days > 0 \
                else _("%(n)s days before today", n=-days)
        if "ago" in raw:
            return _("now") if span(raw["ago"]).total_seconds() == 0 else \
                _("%(span)s ago", span=span_words(raw["ago"]))
        if "ahead" in raw:
            return _("in %(span)s", span=span_words(raw["ahead"]))
        return ", ".join(f"{k}: {v}" for k, v in raw.items())
    if field is not None and raw is not None:
        option = next((o for o in field.options if o["value"] == raw), None)
        if option:
            return f"«{pick(option.get('label'), fallback=str(raw))}»"
        try:
            shown = field.type.display(field.type.parse(raw, field), field, current_locale())
            return f"«{shown}»" if isinstance(raw, str) else shown
        except (ValueError, TypeError):
            pass
    return str(raw)


def span_words(text):
    """"2d" -> "2 days" / "2 дня"."""
    try:
        return format_timedelta(span(text), locale=current_locale(), threshold=1.1)
    except ValueError:
        return str(text)


def condition_words(condition, entity):
    """A condition tree in a sentence; groups in brackets where they nest."""
    if not isinstance(condition, dict) or not condition:
        return ""
    for key, joint in (("all", _(" and ")), ("any", _(" or "))):
        if key in condition:
            parts = [condition_words(c, entity) for c in condition[key]]
            return joint.join(f"({p})" if len(c) == 1 and ("all" in c or "any" in c) else p
                              for p, c in zip(parts, condition[key]))
    if "not" in condition:
        return _("not (%(condition)s)", condition=condition_words(condition["not"], entity))
    name = condition.get("field")
    field = entity.by_name.get(name) if entity is not None else None
    label = f"«{field.label()}»" if field is not None else str(name)
    op = next((k for k in condition if k != "field"), None)
    arg = condition.get(op)
    if op == DUPLICATE:
        return _("looks like another record") if arg else _("looks like no other record")
    if op == "is_empty":
        return _("%(field)s is empty", field=label) if arg else _("%(field)s is filled", field=label)
    if op == "not_empty":
        return _("%(field)s is filled", field=label)
    if op == "changed":
        return _("%(field)s changed", field=label)
    if op == "within":
        period = period_labels().get(arg) if isinstance(arg, str) else None
        return _("%(field)s is within %(period)s", field=label,
                 period=period or value_words(field, arg))
    return f"{label} {_ops().get(op, op)} {value_words(field, arg)}"


def template_words(text, entity):
    """"{{ record.customer.phone }}" -> "«Customer › Phone»" (the labels of the path)."""
    def say(found):
        labels, current = [], entity
        for step in found.group(1).split("."):
            field = current.by_name.get(step) if current is not None else None
            if field is None:
                labels.append(step)
                current = None
                continue
            labels.append(field.label())
            current = entity_of(field.get("to")) if field.get("to") else None
        return "«" + " › ".join(labels) + "»"
    return _PLACE.sub(say, str(text or ""))


def cron_words(cron):
    """The schedules people write said in words ("weekdays at 9:00"); others as written."""
    parts = str(cron).split()
    if len(parts) != 5 or not (parts[0].isdigit() and parts[1].isdigit()) or parts[2:4] != ["*", "*"]:
        return _("on the schedule %(cron)s", cron=cron)
    at = f"{int(parts[1])}:{int(parts[0]):02d}"
    days = parts[4]
    if days == "*":
        return _("every day at %(time)s", time=at)
    if days == "1-5":
        return _("on weekdays at %(time)s", time=at)
    names = get_day_names("wide", locale=current_locale())
    if all(d.isdigit() and int(d) <= 7 for d in days.split(",")):
        said = ", ".join(names[(int(d) - 1) % 7] for d in days.split(","))
        return _("%(days)s at %(time)s", days=said, time=at)
    return _("on the schedule %(cron)s", cron=cron)


def trigger_words(rule, entity):
    """When the rule runs: "Orders: when «Stage» becomes «Confirmed»"."""
    params, kind = rule.trigger_params, rule.trigger
    field = rule.watched_field(entity) if entity is not None and kind in (
        "status_changed", "field_changed", "time") else None
    label = f"«{field.label()}»" if field is not None else params.get("field", "")
    if kind == "created":
        said = _("when a record is created")
    elif kind == "deleted":
        said = _("when a record is deleted")
    elif kind == "updated":
        names = [f"«{entity.by_name[n].label()}»" if entity and n in entity.by_name else n
                 for n in params.get("fields", [])]
        said = _("when %(fields)s changes", fields=", ".join(names)) if names \
            else _("when a record is changed")
    elif kind in ("status_changed", "field_changed"):
        start, end = (value_words(field, params[k]) if k in params else None
                      for k in ("from", "to"))
        said = _("when %(field)s changes from %(from)s to %(to)s", field=label, to=end,
                 **{"from": start}) if start and end else \
            _("when %(field)s becomes %(to)s", field=label, to=end) if end else \
            _("when %(field)s stops being %(from)s", field=label, **{"from": start}) if start \
            else _("when %(field)s changes", field=label)
    elif kind == "time":
        said = _("%(span)s before %(field)s", span=span_words(params["before"]), field=label) \
            if "before" in params else \
            _("%(span)s after %(field)s", span=span_words(params.get("after", "0m")), field=label)
    elif kind == "schedule":
        said = cron_words(params.get("cron", ""))
    else:
        said = kind
    return f"{entity.plural() if entity is not None else rule.entity}: {said}"


def _who(params, entity):
    if params.get("assign_role") or params.get("role"):
        return role_label(params.get("assign_role") or params.get("role"))
    for key in ("assign_field", "field"):
        if params.get(key) and entity is not None and params[key] in entity.by_name:
            return f"«{entity.by_name[params[key]].label()}»"
    return params.get("username") or params.get("assign_user") or ""


def action_words(name, params, entity):
    """One action in words: "SMS to «Customer › Phone»", "task for Logistics: …"."""
    said = {
        "send_sms": lambda: _("SMS to %(to)s", to=template_words(params.get("to"), entity)),
        "send_email": lambda: _("email to %(to)s", to=template_words(params.get("to"), entity)),
        "notify_role": lambda: _("a message to %(who)s", who=_who(params, entity)),
        "notify_user": lambda: _("a message to %(who)s", who=_who(params, entity)),
        "create_task": lambda: _("a task for %(who)s: %(title)s", who=_who(params, entity),
                                 title=template_words(params.get("title"), entity)),
        "call_webhook": lambda: _("a call to %(url)s", url=str(params.get("url", "")).split("?")[0]),
        "make_document": lambda: _("the document %(name)s", name=params.get("template", "")),
    }.get(name)
    if said is not None:
        return said()
    if name == "update_field":
        target = entity
        if params.get("on") and "." in params["on"]:
            target = entity_of(params["on"].split(".", 1)[0])
        field = target.by_name.get(params.get("field")) if target is not None else None
        label = f"«{field.label()}»" if field is not None else params.get("field", "")
        where = f" ({target.plural()})" if target is not entity and target is not None else ""
        return _("set %(field)s to %(value)s", field=label + where,
                 value=value_words(field, params.get("value")))
    return name


def typed(rule, entity):
    """What the owner typed into a rule, shown in the language it was written in (a task's
    title, a text a field is compared with): data, not the interface's words."""
    found = []

    def leaves(node):
        for key in ("all", "any"):
            for child in node.get(key, []) if isinstance(node, dict) else []:
                leaves(child)
        if isinstance(node, dict) and isinstance(node.get("not"), dict):
            leaves(node["not"])
        field = entity.by_name.get(node.get("field")) if isinstance(node, dict) and entity \
            else None
        if field is not None and not field.options:
            found.extend(v for k, v in node.items() if k != "field" and isinstance(v, str))
    leaves(rule.condition or {})
    for _name, params in rule.actions:
        for key in ("title", "text", "subject"):
            found.extend(_PLACE.sub("\0", str(params.get(key) or "")).split("\0"))
    return [text.strip() for text in found if text.strip()]


def rule_words(rule):
    """{"when", "if", "then": [...], "typed": [...]} of a rule, each in words (typed: the
    fragments of them the owner wrote)."""
    entity = entity_of(rule.entity)
    return {"when": trigger_words(rule, entity),
            "if": condition_words(rule.condition, entity) if rule.condition else "",
            "then": [action_words(name, params, entity) for name, params in rule.actions],
            "typed": typed(rule, entity)}
