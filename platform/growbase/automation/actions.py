"""Action types: one class each, registered by name; validate() at apply time, run() in the worker.

run() does its database work in the caller's transaction, so an action's effect and
the record that it ran commit together: a retry never repeats what committed.
"""

from datetime import datetime

from peewee import fn

from ..auth import ROLES
from ..catalog import UnknownEntity, catalog
from ..conditions import compile as compile_condition, validate as condition_problems
from ..fields import FieldError
from ..fields.temporal import span
from ..i18n import Said, current_locale, in_locale
from ..i18n import gettext as _
from ..permissions import role_label
from ..tables import Audit, User
from . import document_action, messages  # noqa: F401  (register make_document, send_sms,
#                                                  send_email and call_webhook)
from .action_base import (TEXT, Action, ActionFailed, action_types, notify, register,  # noqa: F401
                          users_with_role)
from .templates import TemplateProblem, compiled, render


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
        return Said("notified %(n)s × %(role)s", n=len(users), role=params["role"])

    def describe(self, params, ctx):
        return _("notify %(n)s × %(role)s: %(text)s", n=len(users_with_role(params["role"])),
                 role=role_label(params["role"]),
                 text=render(params["text"], **ctx.template_context))


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

    def follow(self, params, entity_name, catalog):
        return [("field", "field", entity_name)]

    def recipient(self, params, ctx):
        if "field" in params:
            return User.get_or_none(User.id == ctx.values.get(params["field"]))
        return User.get_or_none(User.username == params["username"])

    def run(self, params, ctx):
        user = self.recipient(params, ctx)
        if user is None:
            return Said("skipped: nobody to notify")
        notify(user.id, render(params["text"], **ctx.template_context), ctx.entity.name,
               ctx.record_id)
        return Said("notified %(user)s", user=user.username)

    def describe(self, params, ctx):
        user = self.recipient(params, ctx)
        if user is None:
            return _("skipped: nobody to notify")
        return _("notify %(user)s: %(text)s", user=user.username,
                 text=render(params["text"], **ctx.template_context))


@register
class CreateTask(Action):
    """A record of the `task` entity linked to this record, assigned to a user field's
    user or to a member of a role (the least loaded, or in turn), due after `due_in`."""
    name = "create_task"
    schema = {"type": "object", "required": ["title"], "additionalProperties": False,
              "properties": {"title": TEXT, "assign_role": {"enum": list(ROLES)},
                             "assign_by": {"enum": ["least_loaded", "round_robin"]},
                             "assign_field": {"type": "string"},
                             "due_in": {"type": "string", "pattern": "^\\d+\\s*(m|min|h|d|w)$"},
                             "fields": {"type": "object"}}}
    templates = ("title",)

    def writes(self, params, entity_name, catalog):
        return [("task", "created", set())] if "task" in catalog else []

    def follow(self, params, entity_name, catalog):
        return [("fields", "values", "task")]

    def validate(self, params, entity):
        problems = super().validate(params, entity)
        try:
            task = catalog().entity("task")
        except UnknownEntity:
            return problems + [("title", _("There is no task entity to create a task in."))]
        for name, value in params.get("fields", {}).items():
            field = task.by_name.get(name)
            if field is None or field.retired:
                problems.append((f"fields.{name}", _("%(entity)s has no field %(name)s.", entity="task",
                                                          name=name)))
            elif not is_template(value):
                try:
                    field.type.parse(value, field)
                except FieldError as exc:
                    problems.append((f"fields.{name}", str(exc)))
        field = entity.by_name.get(params.get("assign_field", ""))
        if "assign_field" in params and (field is None or not field.type.holds_users):
            problems.append(("assign_field", _("%(name)s is not a user field of %(entity)s.",
                                               name=params["assign_field"], entity=entity.name)))
        return problems

    def plan(self, params, ctx):
        """The new task's values (its assignee chosen now, as the run would)."""
        task = catalog().entity("task")
        data = {name: render(value, **ctx.template_context) if is_template(value) else value
                for name, value in params.get("fields", {}).items()}
        data["title"] = render(params["title"], **ctx.template_context)
        assignee = ctx.values.get(params["assign_field"]) if "assign_field" in params else None
        if assignee is None and "assign_role" in params:
            pick = round_robin if params.get("assign_by") == "round_robin" else least_loaded
            assignee = pick(task, params["assign_role"], ctx.rule.key)
        if assignee is not None:
            data["assignee"] = assignee
        if "due_in" in params:
            data["due"] = datetime.now().replace(microsecond=0) + span(params["due_in"])
        about = next((f for f in task.active_fields if f.type.refers_to(f) == ctx.entity.name),
                     None)
        if about is not None and ctx.record_id:
            data[about.name] = ctx.record_id
        return data

    def run(self, params, ctx):
        data = self.plan(params, ctx)
        row = ctx.service.create("task", data)
        if data.get("assignee") is not None:  # the task shows up in the assignee's inbox,
            assignee = User.get_or_none(id=data["assignee"])  # said in the assignee's language
            with in_locale(assignee.locale if assignee else None):
                text = _("New task: %(title)s", title=data["title"])
            notify(data["assignee"], text, "task", row.id)
        return Said("task “%(title)s”", title=data["title"])

    def describe(self, params, ctx):
        data = self.plan(params, ctx)
        user = User.get_or_none(User.id == data.get("assignee"))
        return _("task \"%(title)s\" for %(user)s", title=data["title"],
                 user=user.display_name if user else "-")


def least_loaded(task, role, _rule):
    """The active user of `role` with the fewest open tasks (not in the last stage, which
    closes a task); ties go to the longest-standing user."""
    users = users_with_role(role)
    if not users:
        return None
    model = task.model
    open_tasks = model.assignee.in_([u.id for u in users])
    stage = next((f for f in task.active_fields if f.type.stages), None)
    if stage is not None:
        open_tasks &= getattr(model, stage.name) != stage.spec["options"][-1]["value"]
    counts = dict(model.select(model.assignee, fn.COUNT(model.id)).where(open_tasks)
                  .group_by(model.assignee).tuples())
    return min(users, key=lambda u: (counts.get(u.id, 0), u.id)).id


def round_robin(task, role, rule):
    """The member of `role` after the one this rule assigned last (by user id, in a ring)."""
    users = sorted(u.id for u in users_with_role(role))
    if not users:
        return None
    last = (Audit.select(Audit.changes).where((Audit.entity == task.name) &
                                              (Audit.action == "create") &
                                              (Audit.source == f"automation:{rule}"))
            .order_by(Audit.id.desc()).first())
    previous = (last.changes.get("assignee") or [None, None])[1] if last else None
    return next((u for u in users if previous is not None and u > previous), users[0])


@register
class UpdateField(Action):
    """Set a field of the record, of a record it links to (`on`: "customer"), or of every
    record linking to it (`on`: "task.order", narrowed by `where`: close an order's tasks)."""
    name = "update_field"
    schema = {"type": "object", "required": ["field", "value"], "additionalProperties": False,
              "properties": {"field": {"type": "string"}, "value": {},
                             "on": {"type": "string"}, "where": {"type": "object"}}}

    @staticmethod
    def target(params, entity_name, catalog):
        """The entity the field is changed on (None: the rule no longer fits its entity)."""
        try:
            return targets_of(params, catalog.entity(entity_name))[0].name
        except (ActionFailed, UnknownEntity):
            return None

    def writes(self, params, entity_name, catalog):
        target = self.target(params, entity_name, catalog)
        return [(target, "updated", {params["field"]})] if target else []

    def follow(self, params, entity_name, catalog):
        target = self.target(params, entity_name, catalog)
        return [("on", "link", entity_name), ("value", ("choice", params.get("field")), target),
                ("field", "field", target), ("where", "condition", target)]

    def validate(self, params, entity):
        try:
            target, _link, _backward = targets_of(params, entity)
        except ActionFailed as exc:
            return [("on", str(exc))]
        field = target.by_name.get(params["field"])
        if field is None or field.retired:
            return [("field", _("%(entity)s has no field %(name)s.", entity=target.name,
                                name=params["field"]))]
        problems = [("where", text) for _path, text in
                    condition_problems(params["where"], target)] if "where" in params else []
        if is_template(params["value"]):
            try:
                compiled(params["value"])
            except TemplateProblem as exc:
                problems.append(("value", str(exc)))
            return problems
        try:
            field.type.parse(params["value"], field)
        except FieldError as exc:
            problems.append(("value", str(exc)))
        return problems

    def plan(self, params, ctx):
        """(entity, ids of the records to change, the value)."""
        value = params["value"]
        if is_template(value):
            value = render(value, **ctx.template_context)
        target, link, backward = targets_of(params, ctx.entity)
        if link is None:
            ids = [ctx.record_id]
        elif not backward:  # the record this one links to
            ids = [i for i in [ctx.values.get(link.name)] if i is not None]
        else:  # the records linking to this one
            model = target.model
            where = getattr(model, link.name) == ctx.record_id
            if "where" in params:
                where &= compile_condition(params["where"], target, model)
            ids = [row.id for row in model.select(model.id).where(where).order_by(model.id)]
        return target, ids, value

    def run(self, params, ctx):
        target, ids, value = self.plan(params, ctx)
        for record_id in ids:
            ctx.service.update(target.name, record_id, {params["field"]: value})
        if "on" not in params:  # (the entity kept to say the field by its label)
            return Said("%(field)s set", field=params["field"], entity=target.name)
        return Said("%(field)s set on %(n)s × %(entity)s", field=params["field"], n=len(ids),
                    entity=target.name)

    def describe(self, params, ctx):
        target, ids, value = self.plan(params, ctx)
        field = target.by_name[params["field"]]
        return _("set %(field)s = %(value)s on %(n)s × %(entity)s", field=field.label(),
                 value=field.type.display(value, field, current_locale()), n=len(ids),
                 entity=target.plural())


def is_template(value):
    return isinstance(value, str) and "{{" in value


def targets_of(params, entity):
    """(entity to change, the link field leading there or None, whether it points back)."""
    on = params.get("on")
    if not on:
        return entity, None, False
    if "." not in on:
        link = entity.by_name.get(on)
        target = link and link.type.refers_to(link)
        if not target:
            raise ActionFailed(_("%(name)s is not a link field of %(entity)s.", name=on,
                                 entity=entity.name))
        return catalog().entity(target), link, False
    other, name = on.split(".", 1)
    try:
        target = catalog().entity(other)
    except UnknownEntity:
        target = None
    link = target.by_name.get(name) if target else None
    if link is None or link.type.refers_to(link) != entity.name:
        raise ActionFailed(_("Write \"entity.field\" where the field links to %(entity)s, "
                             "like \"task.order\".", entity=entity.name))
    return target, link, True
