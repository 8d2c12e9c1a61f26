"""Action types: one class each, registered by name; validate() at apply time, run() in the worker.

run() does its database work in the caller's transaction, so an action's effect and
the record that it ran commit together: a retry never repeats what committed.
"""

from datetime import datetime

import phonenumbers

from ..auth import ROLES
from ..fields import FieldError
from ..fields.temporal import span
from ..i18n import gettext as _
from ..registry import registry
from ..db import insert_row
from ..tables import Notification, Outbox, User, utcnow
from .templates import TemplateProblem, compiled, render

action_types, register = registry("action")
TEXT = {"type": "string", "minLength": 1, "maxLength": 2000}


class ActionFailed(RuntimeError):
    """The action cannot run as written (a bad recipient, a missing user): fix the rule."""


class Action:
    name = ""
    schema = {}  # JSON schema of the action's parameters
    templates = ()  # parameters that are templates

    def validate(self, params, entity):
        """Return [(parameter, sentence)] for parameters the meta-schema cannot judge."""
        problems = []
        for key in self.templates:
            if key in params:
                try:
                    compiled(params[key])
                except TemplateProblem as exc:
                    problems.append((key, str(exc)))
        return problems

    def run(self, params, ctx):
        raise NotImplementedError


def notify(user_id, text, entity, record_id):
    insert_row(Notification, dict(user=user_id, text=text, entity=entity, record_id=record_id,
                                  created_at=utcnow()))


def users_with_role(role):
    return list(User.select().where((User.role == role) & (User.active == True)))  # noqa: E712


@register
class NotifyRole(Action):
    name = "notify_role"
    schema = {"type": "object", "required": ["role", "text"], "additionalProperties": False,
              "properties": {"role": {"enum": list(ROLES)}, "text": TEXT}}
    templates = ("text",)

    def run(self, params, ctx):
        text = render(params["text"], **ctx.template_context)
        users = users_with_role(params["role"])
        for user in users:
            notify(user.id, text, ctx.entity.name, ctx.record_id)
        return _("notified %(n)s × %(role)s", n=len(users), role=params["role"])


@register
class NotifyUser(Action):
    name = "notify_user"
    schema = {"type": "object", "required": ["text"], "additionalProperties": False,
              "properties": {"field": {"type": "string"}, "username": {"type": "string"},
                             "text": TEXT}}
    templates = ("text",)

    def validate(self, params, entity):
        problems = super().validate(params, entity)
        field = entity.by_name.get(params.get("field", ""))
        if ("field" in params) == ("username" in params):
            problems.append(("field", _("Name the user: \"field\" (a user field) or \"username\".")))
        elif "field" in params and (field is None or not field.type.holds_users):
            problems.append(("field", _("%(name)s is not a user field of %(entity)s.",
                                        name=params["field"], entity=entity.name)))
        return problems

    def run(self, params, ctx):
        if "field" in params:
            user = User.get_or_none(User.id == ctx.values.get(params["field"]))
        else:
            user = User.get_or_none(User.username == params["username"])
        if user is None:
            return _("skipped: nobody to notify")
        notify(user.id, render(params["text"], **ctx.template_context), ctx.entity.name,
               ctx.record_id)
        return _("notified %(user)s", user=user.username)


class Message(Action):
    channel = ""

    def recipient(self, text):
        return text

    def run(self, params, ctx):
        to = self.recipient(render(params["to"], **ctx.template_context))
        subject = render(params.get("subject", ""), **ctx.template_context)
        body = render(params["text"], **ctx.template_context)
        insert_row(Outbox, dict(channel=self.channel, recipient=to, subject=subject, body=body,
                                status="stored", rule=ctx.rule.key, entity=ctx.entity.name,
                                record_id=ctx.record_id, created_at=utcnow()))
        return _("%(channel)s to %(to)s", channel=self.channel, to=to)


@register
class SendSms(Message):
    name = "send_sms"
    channel = "sms"
    schema = {"type": "object", "required": ["to", "text"], "additionalProperties": False,
              "properties": {"to": TEXT, "text": TEXT}}
    templates = ("to", "text")

    def recipient(self, text):
        try:
            number = phonenumbers.parse(text, "RU")
        except phonenumbers.NumberParseException:
            number = None
        if not text or number is None or not phonenumbers.is_valid_number(number):
            raise ActionFailed(_("No phone number to send to (got \"%(to)s\").", to=text))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@register
class SendEmail(Message):
    name = "send_email"
    channel = "email"
    schema = {"type": "object", "required": ["to", "subject", "text"], "additionalProperties": False,
              "properties": {"to": TEXT, "subject": TEXT, "text": TEXT}}
    templates = ("to", "subject", "text")

    def recipient(self, text):
        if "@" not in text:
            raise ActionFailed(_("No email address to send to (got \"%(to)s\").", to=text))
        return text


@register
class CreateTask(Action):
    """A record of the `task` entity, assigned to a user or a role's least-loaded member."""
    name = "create_task"
    schema = {"type": "object", "required": ["title"], "additionalProperties": False,
              "properties": {"title": TEXT, "assign_role": {"enum": list(ROLES)},
                             "assign_field": {"type": "string"},
                             "due_in": {"type": "string", "pattern": "^\\d+\\s*(m|min|h|d|w)$"}}}
    templates = ("title",)

    def run(self, params, ctx):
        from ..catalog import catalog
        task = catalog().entity("task")
        data = {"title": render(params["title"], **ctx.template_context)}
        assignee = ctx.values.get(params["assign_field"]) if "assign_field" in params else None
        if assignee is None and "assign_role" in params:
            assignee = least_loaded(task, params["assign_role"])
        if assignee is not None:
            data["assignee"] = assignee
        if "due_in" in params:
            data["due"] = datetime.now().replace(microsecond=0) + span(params["due_in"])
        about = next((f for f in task.active_fields if f.type.refers_to(f) == ctx.entity.name),
                     None)
        if about is not None:
            data[about.name] = ctx.record_id
        row = ctx.service.create("task", data)
        if assignee is not None:  # the task shows up in the assignee's inbox
            notify(assignee, _("New task: %(title)s", title=data["title"]), "task", row.id)
        return _("task #%(id)s", id=row.id)


def least_loaded(task, role):
    """The active user of `role` with the fewest tasks (ties: the longest-standing user)."""
    users = users_with_role(role)
    if not users:
        return None
    model = task.model
    counts = {u.id: model.select().where(model.assignee == u.id).count() for u in users}
    return min(users, key=lambda u: (counts[u.id], u.id)).id


@register
class UpdateField(Action):
    name = "update_field"
    schema = {"type": "object", "required": ["field", "value"], "additionalProperties": False,
              "properties": {"field": {"type": "string"}, "value": {}}}

    def validate(self, params, entity):
        field = entity.by_name.get(params["field"])
        if field is None or field.retired:
            return [("field", _("%(entity)s has no field %(name)s.", entity=entity.name,
                                name=params["field"]))]
        if isinstance(params["value"], str) and "{{" in params["value"]:
            try:
                compiled(params["value"])
            except TemplateProblem as exc:
                return [("value", str(exc))]
            return []
        try:
            field.type.parse(params["value"], field)
        except FieldError as exc:
            return [("value", str(exc))]
        return []

    def run(self, params, ctx):
        value = params["value"]
        if isinstance(value, str) and "{{" in value:
            value = render(value, **ctx.template_context)
        ctx.service.update(ctx.entity.name, ctx.record_id, {params["field"]: value})
        return _("%(field)s set", field=params["field"])
