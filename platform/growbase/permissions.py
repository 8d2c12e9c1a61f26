"""Who may do what: per role and entity, the actions, the rows (a condition) and the fields.

Rules live in the entity definition, under "permissions":

    "permissions": {
      "manager":   {"can": ["read", "create", "update", "import"],
                    "rows": {"any": [{"field": "manager", "eq": {"me": true}},
                                     {"field": "manager", "is_empty": true}]},
                    "fields": {"purchase_price": "hidden"}},
      "logistics": {"can": ["read", "update"], "fields": {"*": "read_only", "tracking": "editable",
                    "status": {"only": ["shipping", "delivered"]}}}
    }

An entity without "permissions" is open to every role; with them, a role not named may do
nothing with it. The owner (and the system: automations, the demo loader) may do everything.
Every door asks here: the record service before it writes, queries before they read, the
API, grid and admin for what to show; who is acting is `acting.py`'s.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from .acting import acting_role
from .conditions import validate
from .formulas.tree import references
from .i18n import gettext as _
from .tables import OWNER

ROLES = (OWNER, "manager", "logistics", "accountant")


def role_label(role):
    """A role's name as people read it, in their language."""
    return {OWNER: _("Owner"), "manager": _("Manager"), "logistics": _("Logistics"),
            "accountant": _("Accountant")}.get(role, role)
ACTIONS = ("read", "create", "update", "delete", "import", "export")
FIELD_RULES = ("hidden", "read_only", "editable")


@dataclass(frozen=True)
class Access:
    actions: frozenset
    rows: dict | None = None  # the condition a record must meet to be seen or changed
    hidden: frozenset = frozenset()
    read_only: frozenset = frozenset()
    only: dict = field(default_factory=dict)  # field -> the values this role may set

    def can(self, action):
        return action in self.actions

    def shows(self, name):
        return name not in self.hidden


FULL = Access(frozenset(ACTIONS))
NOTHING = Access(frozenset())


def access(entity, role=...):
    """What `role` (by default the one acting now) may do with `entity`."""
    role = acting_role() if role is ... else role
    if role is None:
        return FULL
    if entity.spec.get("retired"):  # kept with its data, out of everyone's way until restored
        return NOTHING
    if role == OWNER or entity.spec.get("permissions") is None:
        return FULL
    return _access(entity, role)


@lru_cache(maxsize=512)
def _access(entity, role):
    rule = entity.spec["permissions"].get(role) or {}
    names = [f.name for f in entity.active_fields]
    rules = rule.get("fields", {})
    default = rules.get("*", "editable")

    def rule_of(name):
        return rules.get(name, default)
    hidden = {n for n in names if _hides(entity, role, n)}
    return Access(actions=frozenset(rule.get("can", [])), rows=rule.get("rows"),
                  hidden=frozenset(hidden),
                  read_only=frozenset(n for n in names if rule_of(n) == "read_only"),
                  only={n: rule_of(n)["only"] for n in names if isinstance(rule_of(n), dict)})


@lru_cache(maxsize=4096)
def _hides(entity, role, name):
    """Is field `name` hidden from `role`? Asked field by field, so a line's lookup of its
    order and the order's total over its lines do not ask about each other's entity."""
    rules = (entity.spec["permissions"].get(role) or {}).get("fields", {})
    field = entity.by_name.get(name)
    if name in rules or field is None or not field.kind.computed:
        return rules.get(name, rules.get("*")) == "hidden"
    return rules.get("*") == "hidden" or reads_hidden(field, role)


def hides(entity, role, name):
    if role in (None, OWNER) or entity.spec.get("permissions") is None:
        return False
    return _hides(entity, role, name)


def reads_hidden(field, role):
    """Does a computed field read a value hidden from `role` (here, or through a link)?
    Then it is hidden too, unless the owner names it in the role's field rules: a total
    must not tell a hidden price; a rollup is hidden where the field it sums up is."""
    if any(hides(field.entity, role, name) for name in field.inputs):
        return True
    if not field.kind.formula:
        child, _link, read = field.source
        return read is not None and hides(child, role, read.name)
    return any(hides(link.type.target(link), role, step.name) for ref in references(field.tree)
               for link, step in zip(ref.path, ref.path[1:]))


def refusal(entity, action, role=...):
    """The sentence for an action a role (by default the acting one) may not take."""
    if entity.spec.get("retired"):
        return _("%(entity)s are retired: the owner can restore them in the designer.",
                 entity=entity.plural())
    return _("As %(role)s you may not %(action)s %(entity)s; ask the owner.",
             role=acting_role() if role is ... else role, action=_ACTION_WORDS()[action],
             entity=entity.plural())


def _ACTION_WORDS():
    return {"read": _("see"), "create": _("create"), "update": _("change"), "delete": _("delete"),
            "import": _("import"), "export": _("export")}


def problems(spec, entity, roles):
    """[(path, sentence)] of a definition's permissions that cannot work as written."""
    found = []
    names = {f.name for f in entity.active_fields} | {"*"}
    for role, rule in (spec.get("permissions") or {}).items():
        path = f"$.permissions.{role}"
        if role not in roles:
            found.append((path, _("There is no role \"%(role)s\"; use one of: %(roles)s.",
                                  role=role, roles=", ".join(roles))))
        for action in rule.get("can", []):
            if action not in ACTIONS:
                found.append((f"{path}.can", _("\"%(action)s\" is not an action; use: %(actions)s.",
                                               action=action, actions=", ".join(ACTIONS))))
        if rule.get("rows") is not None:
            found += validate(rule["rows"], entity, f"{path}.rows")
        for name, what in rule.get("fields", {}).items():
            if name not in names:
                found.append((f"{path}.fields.{name}", _("There is no field \"%(name)s\".",
                                                         name=name)))
            elif not (what in FIELD_RULES or (isinstance(what, dict) and set(what) == {"only"}
                                              and isinstance(what["only"], list))):
                found.append((f"{path}.fields.{name}", _(
                    "Write \"hidden\", \"read_only\", \"editable\" or {\"only\": [values it may "
                    "set]}.")))
    return found
