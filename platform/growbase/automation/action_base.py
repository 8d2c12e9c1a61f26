"""What every action type shares: the registry, the base class, and notify (the inbox).

run() does its database work in the caller's transaction, so an action's effect and
the record that it ran commit together: a retry never repeats what committed.
"""

from ..channels import post
from ..errors import GrowbaseError
from ..registry import registry
from ..tables import User
from .templates import TemplateProblem, compiled

action_types, register = registry("action")
TEXT = {"type": "string", "minLength": 1, "maxLength": 2000}


class ActionFailed(GrowbaseError, RuntimeError):
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

    def prepare(self, params, ctx):
        """Slow work done before the rule's transaction opens (a document made); run()
        finds what it returns in ctx.prepared. None for most actions."""
        return None

    def run(self, params, ctx):
        raise NotImplementedError

    def describe(self, params, ctx):
        """What run() would do, in words, without doing it (for "test this rule")."""
        raise NotImplementedError

    def writes(self, params, entity_name, catalog):
        """[(entity, "created" | "updated", fields changed)] this action can cause: what
        the loop warnings ask of it."""
        return []

    def follow(self, params, entity_name, catalog):
        """What the parameters name that a definition change may rename, in order:
        [(parameter, kind, entity)] with kind "field" (a field's name), "values" ({field:
        value}), "link" (the `on` path), "condition", or ("choice", field name) for a
        choice's value. Templates are followed for every action."""
        return []


def notify(user_id, text, entity, record_id):
    """An inbox message (the inbox channel also emails a user who asked for that)."""
    post("inbox", user_id, text, entity=entity, record_id=record_id)


def users_with_role(role):
    return list(User.select().where((User.role == role) & (User.active == True)))  # noqa: E712
