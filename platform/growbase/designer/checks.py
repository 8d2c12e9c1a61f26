"""An entity's data-quality checks refused at apply with the JSON path and the fix."""

from ..conditions import stored_problems
from ..i18n import gettext as _


def check_problems(entity):
    problems, keys = [], set()
    users = [f.name for f in entity.active_fields if f.type.name == "user"]
    for i, check in enumerate(entity.checks):
        path = f"$.checks[{i}]"
        if check.key in keys:
            problems.append((f"{path}.key", _("Two checks are keyed \"%(key)s\"; give each its "
                                              "own key.", key=check.key)))
        keys.add(check.key)
        problems += stored_problems(check.when, entity, f"{path}.when")
        if check.who is not None and check.who not in users:
            problems.append((f"{path}.who", _(
                "\"who\" names the person field whose problem it is; %(entity)s has: "
                "%(names)s.", entity=entity.label(), names=", ".join(users) or "-")))
    return problems
