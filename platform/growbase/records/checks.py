"""The checks a record passes before it is written: required, type rules, links that
exist, unique values; for a batch, asked of the database a few times, not per row."""

from ..conditions import evaluate
from ..db import existing_values
from ..i18n import gettext as _


class BatchChecks:
    """Database-backed checks for the records of one write, answered from a few queries
    made up front (an import or a paste of 10,000 rows must not ask 30,000 questions)."""

    def __init__(self, entity, plans):
        self.problems, self.used, self.seen = {}, {}, {}
        changing = {name for plan in plans for name in plan.changed}
        for field in entity.entered_fields:
            if field.name not in changing or field.type.holds_list:
                continue  # lists: checked one by one
            values = {plan.merged[field.name] for plan in plans
                      if field.name in plan.changed and plan.merged[field.name] is not None}
            if not values:
                continue
            self.problems[field.name] = field.type.verify_many(values, field)
            if field.unique:
                self.used[field.name] = existing_values(entity.model, field.name, values)
                self.seen[field.name] = set()

    def verify(self, field, value):
        if field.name in self.problems:
            return self.problems[field.name].get(value, [])
        return field.type.verify(value, field)

    def taken(self, field, value, claim=True):
        """Is the value in the table already, or claimed earlier in this batch? A record
        refused for other reasons asks without claiming: it must not block a good one."""
        if value in self.used[field.name] or value in self.seen[field.name]:
            return True
        if claim:
            self.seen[field.name].add(value)
        return False


def requires(entity, field, merged, changed, before):
    """Must this save fill the empty field? A new record, always; one saved before only when
    the field is touched or its stage is entered now: a record that breaks a newer rule
    (required added later) can still be saved on its other fields."""
    if field.required:
        return before is None or field.name in changed
    if field.required_when is None or not evaluate(field.required_when, entity, merged):
        return False
    return before is None or field.name in changed or \
        not evaluate(field.required_when, entity, before)


def field_errors(entity, plan, checks, locale):
    """Errors per field of one planned save, past those its values already have."""
    errors, claim = {}, not plan.errors
    for field in entity.entered_fields:
        name = field.name
        if name in plan.errors:
            continue
        value = plan.merged.get(name)
        if value is None:
            if requires(entity, field, plan.merged, plan.changed, plan.current):
                errors[name] = _("Fill this in.") if field.required else _(
                    "Fill this in: it is required in this situation.")
            continue
        if name not in plan.changed:
            continue
        problems = field.type.check(value, field) or checks.verify(field, value)
        if problems:
            errors[name] = problems[0]
        elif field.unique and checks.taken(field, value, claim):
            errors[name] = _("%(value)s is already used by another record; it must be unique.",
                             value=field.type.display(value, field, locale))
    return errors
