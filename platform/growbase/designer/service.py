"""The owner's designer: every change to an entity or a rule is reviewed before it is saved.

A review writes nothing: the diff, the migration plan and the impact check (rules,
saved views, permission rules, import mappings and message templates naming what
changes). Saving applies the same review in one transaction, refuses a stale base
version (someone saved meanwhile: no silent overwrite) and anything that loses data
without the second yes. Rollback is a save of an earlier version: fields added since
are retired with their data, never dropped.
"""

import io
import json
import zipfile
from dataclasses import dataclass, field as dc_field
from difflib import unified_diff

from ..automation import templates as messages
from ..automation.rule import Rule
from ..automation.rules import apply_rules
from ..automation.rules import check as check_rules
from ..automation.safety import cycles
from ..catalog import Catalog, catalog
from ..definitions import DefinitionError
from ..definitions.schema import schema_problems
from ..errors import GrowbaseError
from ..i18n import gettext as _
from ..permissions import ROLES
from ..tables import OWNER, Definition, ImportMapping, SavedView, User, utcnow
from .impact import (Uses, between, in_mapping, in_own_spec, in_rule, in_view,
                                 links_to, template)
from .requirements import make_editable, newly_required
from .store import apply_definitions, history, normalise


class Stale(GrowbaseError):
    """The definition moved on since the designer loaded it (or a new one's name is taken)."""

    def __init__(self, version, name=None):
        self.version = version
        super().__init__(_("There is already \"%(name)s\": choose another name, or open that "
                           "one in the designer.", name=name) if name else
                         _("Someone saved version %(v)s meanwhile; reload to see it, then make "
                           "your change again.", v=version))


# -- who may design ----------------------------------------------------------------------------
def designer_roles():
    """The owner always; other roles when the owner allows them."""
    row = (Definition.select().where((Definition.kind == "setting") & (Definition.name == "designers"))
           .order_by(Definition.version.desc()).first())
    return [OWNER] + [r for r in (row.body if row else []) if r != OWNER]


def set_designer_roles(roles, author):
    if not isinstance(roles, list) or any(r not in ROLES for r in roles):
        raise DefinitionError([("roles", _("Roles are some of: %(roles)s.",
                                           roles=", ".join(ROLES)))])
    last = Definition.select().where((Definition.kind == "setting") &
                                     (Definition.name == "designers")).count()
    Definition.create(kind="setting", name="designers", version=last + 1,
                      body=sorted(set(roles) - {OWNER}), author=author, note="designers")


def may_design(user):
    return getattr(user, "role", None) in designer_roles()


# -- reviews -----------------------------------------------------------------------------------
def pretty(spec):
    return json.dumps(spec, ensure_ascii=False, indent=2)


def diff(old, new, before="before", after="after"):
    """A unified diff of two definitions; keys sorted, so only real changes show."""
    def lines(spec):
        return json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True).splitlines()
    return list(unified_diff(lines(old) if old is not None else [], lines(new), before, after,
                             lineterm=""))


@dataclass
class Review:
    spec: dict  # the definition as it will be saved
    diff: list
    plan: list = dc_field(default_factory=list)  # the migration plan's lines
    uses: list = dc_field(default_factory=list)  # [Uses]
    writes: list = dc_field(default_factory=list)  # what "update together" saves
    needs_confirmation: bool = False
    loses_data: bool = False
    warnings: list = dc_field(default_factory=list)
    requirements: list = dc_field(default_factory=list)  # requirements.newly_required()

    def json(self):
        return {"spec": self.spec, "diff": self.diff, "plan": self.plan,
                "impact": [u for uses in self.uses for u in uses.json()],
                "needs_confirmation": self.needs_confirmation, "loses_data": self.loses_data,
                "warnings": self.warnings, "requirements": self.requirements}


def refuse_schema(spec, where=""):
    problems = schema_problems(spec) if isinstance(spec, dict) else [("$", _(
        "A definition is a JSON object {...}."))]
    if problems:
        raise DefinitionError([(f"{where}{p}", t) for p, t in problems])


def uses_elsewhere(change, current, skip_rules=()):
    """[(Uses, write)] for every rule, template file, saved view and import mapping that
    names what `change` renames or retires; write() saves the followed version."""
    found = []
    for rule in current.rules():
        if rule.key in skip_rules:
            continue
        uses, followed, (names, included) = in_rule(rule.spec, change, current)
        if uses.found:
            found.append((uses, ("rule", followed)))
        for name in included:
            path = messages.MESSAGES / name
            if path.is_file() and path.resolve().parent == messages.MESSAGES.resolve():
                file_uses = Uses("template", name)
                text = template(path.read_text(encoding="utf-8"), names, change, file_uses, name)
                if file_uses.found:
                    found.append((file_uses, ("file", (path, text))))
    users = {}
    for view in SavedView.select().where(SavedView.entity == change.entity):
        if view.user not in users:
            owner = User.get_or_none(User.id == view.user)
            users[view.user] = owner.username if owner else f"#{view.user}"
        label = view.name or _("%(user)s's own layout", user=users[view.user])
        uses, followed = in_view(label, change.entity, view.config or {}, change)
        if uses.found:
            found.append((uses, ("view", (view.id, followed))))
    mapping = ImportMapping.get_or_none(ImportMapping.entity == change.entity)
    if mapping is not None:
        uses, followed = in_mapping(change.entity, mapping.columns or {}, change)
        if uses.found:
            found.append((uses, ("mapping", (change.entity, followed))))
    return found


def write_all(writes, author, note):
    """Save what follows a change; runs inside the change's transaction (files last)."""
    rules = [body for kind, body in writes if kind == "rule"]
    following = [r for r in rules if r.get("enabled", True)]
    if following:
        apply_rules(following, author=author, note=note)
    stuck = [r for r in rules if not r.get("enabled", True)]
    if stuck:
        apply_rules(stuck, author=author, note=f"turned off: {note}", validate=False)
    for kind, body in writes:
        if kind == "view":
            SavedView.update(config=body[1], updated_at=utcnow()).where(
                SavedView.id == body[0]).execute()
        elif kind == "mapping":
            ImportMapping.update(columns=body[1]).where(ImportMapping.entity == body[0]).execute()
    for kind, body in writes:
        if kind == "file":
            body[0].write_text(body[1], encoding="utf-8")


def prepare(spec, current, choice_renames=None, skip_rules=()):
    """A Review of one entity's new version without its migration plan (see planned())."""
    name = spec["entity"]
    old = current.entity(name) if name in current else None
    spec = normalise(spec, old)
    change = between(old, spec, choice_renames)
    own, followed = in_own_spec(spec, change)  # the definition itself always follows
    elsewhere = uses_elsewhere(change, current, skip_rules) if change else []
    return Review(spec=followed, diff=diff(old.spec if old else None, followed),
                  uses=[u for u in own if u.found] + [uses for uses, _w in elsewhere] +
                  links_to(change, current),
                  writes=[write for _u, write in elsewhere],
                  requirements=newly_required(old, followed))


def planned(reviews, choice_renames=None):
    """Fill in the migration plans, dry-run over the reviews together (they may link)."""
    plans = {p.entity: p for p in apply_definitions([r.spec for r in reviews], dry_run=True,
                                                    choice_renames=choice_renames)}
    for review in reviews:
        plan = plans.get(review.spec["entity"])
        if plan is not None:
            review.plan, review.warnings = plan.lines(), [t for _p, t in plan.warnings]
            review.needs_confirmation, review.loses_data = plan.needs_confirmation, \
                plan.loses_values
    return reviews


def entity_review(spec, choice_renames=None, editable_for=None):
    """Review a new version of one entity (or a new entity); raises DefinitionError.
    `editable_for` ({field: [roles]}) lets roles fill in what it newly requires."""
    refuse_schema(spec)
    review = prepare(make_editable(spec, editable_for), catalog(), choice_renames)
    return planned([review], {spec["entity"]: choice_renames})[0]


def stale(kind, name, base_version):
    """Raise Stale when the live version is not the one the designer started from."""
    if base_version is None:
        return
    current = catalog()
    live = (current.entity(name).version if name in current else 0) if kind == "entity" else \
        (current.rule(name).version if current.rule(name) else 0)
    if live != base_version:
        raise Stale(live, name if base_version == 0 else None)


def save_entity(spec, author, base_version=None, choice_renames=None, update_uses=True,
                confirm=False, confirm_loss=False, note="designer", editable_for=None):
    """Review and apply; the followed uses are saved in the same transaction."""
    stale("entity", spec.get("entity") if isinstance(spec, dict) else None, base_version)
    review = entity_review(spec, choice_renames, editable_for)
    writes = review.writes if update_uses else []
    apply_definitions([review.spec], author=author, confirm=confirm, confirm_loss=confirm_loss,
                      note=note, choice_renames={review.spec["entity"]: choice_renames},
                      then=(lambda: write_all(writes, author, f"follows {note}")) if writes
                      else None)
    return review


def rule_review(spec):
    """Review a rule: every problem, and a loop with other rules, refuse it."""
    current = catalog()
    check_rules([spec], current)
    rule = Rule(spec)
    rules = {r.key: r for r in current.rules()}
    rules[rule.key] = rule
    trial = Catalog(current.version, {n: current.entity(n) for n in current.names()}, rules)
    loops = [loop for loop in cycles(trial) if rule.key in loop]
    if loops:
        raise DefinitionError([("$.then", _(
            "These rules would trigger each other in a loop: %(loop)s. Add a condition that "
            "breaks it, or tick \"silent\" so this rule's changes trigger no rules.",
            loop=" → ".join(loops[0])))])
    old = current.rule(spec["key"])
    return Review(spec=spec, diff=diff(old.spec if old else None, spec))


def save_rule(spec, author, base_version=None, note="designer"):
    stale("rule", spec.get("key"), base_version)
    review = rule_review(spec)
    apply_rules([spec], author=author, note=note)
    return review


# -- history -----------------------------------------------------------------------------------
def versions(kind, name):
    return [{"version": d.version, "author": d.author, "note": d.note,
             "at": d.created_at.isoformat(timespec="seconds")} for d in history(name, kind)]


def version_body(kind, name, version):
    row = Definition.get_or_none((Definition.kind == kind) & (Definition.name == name) &
                                 (Definition.version == version))
    if row is None:
        raise LookupError(_("%(name)s has no version %(v)s.", name=name, v=version))
    return row.body


def rollback(kind, name, version, author, confirm=False, confirm_loss=False):
    """Save an earlier version as the newest; data added since stays (fields retire)."""
    body, note = version_body(kind, name, version), f"rollback to v{version}"
    if kind == "entity":
        return save_entity(body, author, confirm=confirm, confirm_loss=confirm_loss, note=note)
    return save_rule(body, author, note=note)


def compare(kind, name, a, b):
    return diff(version_body(kind, name, a), version_body(kind, name, b), f"v{a}", f"v{b}")


# -- configuration between installations -------------------------------------------------------
def export_zip():
    """All definitions and rules as schemas/*.json and automations/*.json in one .zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        current = catalog()
        for entity in current.entities(retired=True):
            archive.writestr(f"schemas/{entity.name}.json", pretty(entity.spec) + "\n")
        for rule in current.rules():
            archive.writestr(f"automations/{rule.key}.json", pretty(rule.spec) + "\n")
    return buffer.getvalue()


def read_zip(data):
    """(entity specs, rule specs) from an exported .zip; every unreadable file is named."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DefinitionError([("file", _("This is not a .zip of configuration: export one "
                                          "from another installation's designer."))]) from None
    entities, rules, problems = [], [], []
    for info in archive.infolist():
        folder, _sep, name = info.filename.rpartition("/")
        folder = folder.rsplit("/", 1)[-1]
        if not name.endswith(".json") or folder not in ("schemas", "automations"):
            continue
        try:
            spec = json.loads(archive.read(info).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append((info.filename, _("Not valid JSON: %(msg)s", msg=str(exc))))
            continue
        (entities if folder == "schemas" else rules).append(spec)
    if problems:
        raise DefinitionError(problems)
    if not entities and not rules:
        raise DefinitionError([("file", _("The .zip holds no schemas/*.json or "
                                          "automations/*.json files."))])
    return entities, rules


def config_review(entities, rules):
    """One review per changed entity and rule of an imported configuration."""
    for index, spec in enumerate(entities):
        refuse_schema(spec, f"schemas #{index + 1}: ")
    current = catalog()
    imported = {r.get("key") for r in rules if isinstance(r, dict)}
    changed = [r for r in (prepare(spec, current, skip_rules=imported) for spec in entities)
               if r.diff]
    reviews = {f"schemas/{r.spec['entity']}.json": r for r in planned(changed)}
    for spec in rules:
        old = current.rule(spec.get("key")) if isinstance(spec, dict) else None
        if old is None or old.spec != spec:
            reviews[f"automations/{spec.get('key')}.json"] = Review(
                spec=spec, diff=diff(old.spec if old else None, spec))
    return reviews


def import_config(entities, rules, author, confirm=False, confirm_loss=False):
    """Apply an imported configuration: entities, then the rules, in one transaction."""
    reviews = config_review(entities, rules)
    writes = [w for r in reviews.values() for w in r.writes]

    def then():
        if rules:
            apply_rules(rules, author=author, note="imported configuration")
        write_all(writes, author, "follows imported configuration")

    apply_definitions([r.spec for k, r in reviews.items() if k.startswith("schemas/")],
                      author=author, confirm=confirm, confirm_loss=confirm_loss,
                      note="imported configuration", then=then)
    return reviews
