"""Apply, version, export and read back entity definitions; the last good version keeps running."""

import json
import re
from pathlib import Path

from .. import migrate
from ..catalog import catalog, forget
from ..conditions import validate
from ..db import database, ddl
from ..definitions.entity import Entity, normal
from ..definitions.errors import DefinitionError
from ..definitions.schema import RESERVED_NAMES, json_path, schema_problems
from ..errors import GrowbaseError
from ..fields import FieldError
from ..fields.masks import contradicts
from ..i18n import gettext as _
from ..models import build_model
from ..permissions import ROLES
from ..numbering import catch_up
from ..recompute import backfill, copy_stamp
from ..permissions import problems as permission_problems
from ..tables import Audit, ConfigState, Definition
from .checks import check_problems
from .computed import (circle_across, copy_problems, elsewhere_problems, formula_problems,
                       stage_problems)
from .impact import between


class NeedsConfirmation(GrowbaseError):
    """The change converts or may lose values: show the plans and ask first."""

    def __init__(self, plans):
        self.plans = plans
        super().__init__("confirmation needed")


def normalise(spec, old):
    """Give new fields stable ids and keep removed fields as retired (data is never dropped)."""
    # a private copy; a number read from a request is a Decimal ("threshold": 0.85)
    spec = json.loads(json.dumps(spec, default=float))
    old_fields = old.fields if old else []
    by_name = {f.name: f.id for f in old_fields}
    taken = {f.id for f in old_fields} | {f["id"] for f in spec["fields"] if "id" in f}
    counter = 1
    for field in spec["fields"]:
        if "id" not in field:
            if field["name"] in by_name and by_name[field["name"]] not in \
                    {f.get("id") for f in spec["fields"]}:
                field["id"] = by_name[field["name"]]
            else:
                while f"f{counter}" in taken:
                    counter += 1
                field["id"] = f"f{counter}"
                taken.add(field["id"])
    present = {f["id"] for f in spec["fields"]}
    for field in old_fields:
        if field.id not in present:
            spec["fields"].append(dict(field.spec, retired=True))
    return spec


def semantic_problems(spec, known_entities, resolve=None):
    """Problems the meta-schema cannot see: duplicates, dangling links, bad defaults, rules,
    formulas (`resolve` finds the entities links name, this batch's included)."""
    problems = []
    seen_names, seen_ids = {}, {}
    for i, field in enumerate(spec["fields"]):
        path = json_path(["fields", i])
        name = field["name"]
        if name in RESERVED_NAMES or name.startswith("gb_"):
            problems.append((f"{path}.name", _("\"%(name)s\" is reserved; choose another name.",
                                               name=name)))
        if name in seen_names:
            problems.append((f"{path}.name", _(
                "Two fields are called \"%(name)s\" (also field %(other)s); names must differ.",
                name=name, other=seen_names[name])))
        seen_names[name] = i
        if field.get("id") in seen_ids:
            problems.append((f"{path}.id", _("Field id \"%(id)s\" is used twice.", id=field["id"])))
        seen_ids[field.get("id")] = i
        for low, high in (("min", "max"), ("min_length", "max_length")):
            if field.get(low) is not None and field.get(high) is not None \
                    and field[low] > field[high]:
                problems.append((f"{path}.{low}", _("%(low)s is larger than %(high)s.",
                                                   low=low, high=high)))
        if field.get("mask") and field.get("pattern"):
            sample = contradicts(field["mask"], field["pattern"])
            if sample is not None:
                problems.append((f"{path}.mask", _(
                    "The mask gives values like \"%(sample)s\", which the pattern %(pattern)s "
                    "refuses: change one of them so they agree.", sample=sample,
                    pattern=field["pattern"])))
        values = [o if isinstance(o, str) else o.get("value") for o in field.get("options", [])]
        if len(values) != len(set(values)):
            problems.append((f"{path}.options", _("Each choice must appear once.")))
    entity = Entity(spec, resolve=resolve)
    problems += ambiguous_labels(entity)
    for i, field in enumerate(entity.fields):
        path = json_path(["fields", i])
        if field.computed:
            continue  # formula_problems below
        target = field.type.refers_to(field)
        if target is not None and target not in known_entities:
            problems.append((f"{path}.to", _(
                "Links to \"%(to)s\", which is not an entity; use one of: %(names)s.",
                to=target, names=", ".join(sorted(known_entities)))))
        elif field.get("default") is not None:
            try:
                value = field.type.default_value(field)
                for message in field.type.check(value, field) if value is not None else []:
                    problems.append((f"{path}.default", message))
            except FieldError as exc:
                problems.append((f"{path}.default", str(exc)))
        if field.get("required_when") is not None:
            problems += validate(field.get("required_when"), entity, f"{path}.required_when")
        for other in field.type.context_fields(field):
            if other not in entity.by_name or other == field.name:
                problems.append((path, _(
                    "Reads \"%(other)s\" of the record, which is not another field of %(entity)s; "
                    "name one of: %(names)s.", other=other, entity=entity.label(),
                    names=", ".join(f.name for f in entity.fields if f.name != field.name))))
    if not problems:  # formulas read the fields and links checked above
        problems += formula_problems(entity) or copy_problems(entity, resolve or catalog().entity)
        problems += stage_problems(entity)
    if problems:
        return problems  # what follows asks the fields' types, formulas' included
    problems += permission_problems(spec, entity, ROLES) + check_problems(entity)
    for i, sort in enumerate(spec.get("sorts", [])):
        field = entity.by_name.get(sort.lstrip("-"))
        if field is None or not field.type.sortable:
            problems.append((f"$.sorts[{i}]", _(
                "Lists cannot be sorted by \"%(name)s\"; name a field that can be sorted.",
                name=sort.lstrip("-"))))
    for key, names in (spec.get("duplicates") or {}).items():
        for i, name in enumerate(names if key in ("exact", "similar") else []):
            field = entity.by_name.get(name)
            if field is None or field.retired or field.type.holds_list or field.computed:
                problems.append((f"$.duplicates.{key}[{i}]", _(
                    "Look-alike records are found by fields people type one value into; "
                    "\"%(name)s\" is not such a field of %(entity)s.", name=name,
                    entity=entity.label())))
    placed = set()
    for i, section in enumerate(spec.get("layout", [])):
        for j, name in enumerate(section["fields"]):
            if name not in entity.by_name:
                problems.append((f"$.layout[{i}].fields[{j}]", _(
                    "The form layout names \"%(name)s\", which is not a field.", name=name)))
            elif name in placed:
                problems.append((f"$.layout[{i}].fields[{j}]", _(
                    "\"%(name)s\" is placed twice in the form layout.", name=name)))
            placed.add(name)
    for name in re.findall(r"{(\w+)}", spec.get("title", "")):
        if name not in entity.by_name:
            problems.append(("$.title", _("The title uses {%(name)s}, which is not a field.",
                                          name=name)))
    return problems


def ambiguous_labels(entity):
    """Two fields a spreadsheet column could not tell apart: an export's header would
    name both alike and its import would fill only one of them."""
    problems, owner = [], {}
    for i, field in enumerate(entity.fields):
        if field.retired:
            continue
        texts = {"name": field.name, **{"label" + (f".{lang}" if lang else ""): text
                                        for lang, text in field.labels().items()}}
        for key, text in texts.items():
            other = owner.setdefault(normal(text), field)
            if other is not field:
                problems.append((f"{json_path(['fields', i])}.{key}", _(
                    "\"%(text)s\" would name this field and %(other)s alike in a spreadsheet; "
                    "give each its own name and label.", text=text, other=other.name)))
    return problems


def check(specs, current):
    """Validate a batch of entity definitions; raise DefinitionError listing every problem."""
    problems = []
    valid = []
    for index, spec in enumerate(specs):
        where = (spec.get("entity") if isinstance(spec, dict) else None) or f"#{index + 1}"
        found = schema_problems(spec)
        if found:
            problems += [(f"{where}: {path}", text) for path, text in found]
        else:
            valid.append(spec)
    known = set(current.names()) | {s["entity"] for s in valid}
    names = [s["entity"] for s in valid]
    for name in {n for n in names if names.count(n) > 1}:
        problems.append((name, _("Defined twice in one batch.")))
    normalised = [normalise(spec, current.entity(spec["entity"]) if spec["entity"] in current
                            else None) for spec in valid]
    resolve = resolver(normalised, current)
    for spec in normalised:
        problems += [(f"{spec['entity']}: {p}", t)
                     for p, t in semantic_problems(spec, known, resolve)]
    if not problems:
        batch = [resolve(s["entity"]) for s in normalised]
        problems += elsewhere_problems(batch, current)
        loop = circle_across(batch + [e for e in current.entities(retired=True)
                                      if e.name not in {b.name for b in batch}], resolve)
        if loop:
            problems.append((loop[0].split(".")[0], _(
                "A circle: %(names)s. A formula or rollup cannot depend on itself, even "
                "through links.", names=" → ".join(loop))))
    if problems:
        raise DefinitionError(problems)
    return normalised


def resolver(specs, current):
    """Finds an entity by name as it will be after `specs` are applied."""
    batch = {}

    def resolve(name):
        if name not in batch:
            spec = next((s for s in specs if s["entity"] == name), None)
            if spec is None:
                return current.entity(name)
            batch[name] = Entity(spec, resolve=resolve)
        return batch[name]
    return resolve


def apply_definitions(specs, author="system", confirm=False, note="", dry_run=False,
                      choice_renames=None, confirm_loss=None, then=None):
    """Validate, plan and apply entity definitions in one transaction; return the plans.

    Unchanged definitions are skipped. Conversions and removed choices still held by
    records need `confirm`, and values that would be lost need `confirm_loss` too (it
    defaults to `confirm`); the plans come back in NeedsConfirmation otherwise. `dry_run`
    returns the plans and changes nothing. `choice_renames` is {entity: {field: {old: new}}};
    `then()` runs inside the same transaction, after the new versions are live.
    """
    current = catalog()
    normalised = check(specs, current)
    resolve, changes = resolver(normalised, current), []
    for spec in normalised:
        old = current.entity(spec["entity"]) if spec["entity"] in current else None
        if old is not None and old.spec == spec:
            continue
        new = Entity(spec, (old.version if old else 0) + 1, resolve=resolve)
        new.model = build_model(new)
        change = between(old, spec, (choice_renames or {}).get(new.name))
        changes.append((old, new, migrate.plan(old, new, change)))
    blockers = [(f"{new.name}: {p}", t) for _o, new, plan in changes for p, t in plan.blockers]
    if blockers:
        raise DefinitionError(blockers)
    plans = [plan for _o, _n, plan in changes]
    if dry_run:
        return plans
    confirm_loss = confirm if confirm_loss is None else confirm_loss
    if any(plan.needs_confirmation for plan in plans) and not confirm or \
            any(plan.loses_values for plan in plans) and not confirm_loss:
        raise NeedsConfirmation(plans)
    if not changes and then is None:
        return []
    with ddl():
        for old, new, plan in changes:
            migrate.apply(old, new, plan, new.version)
            save_version(new, author, note)
            audit_definition(old, new, author)
        if any(plan.recomputed or plan.numbered for plan in plans) or then is not None:
            forget()  # the new versions, live inside this transaction
        for _old, new, plan in changes:
            entity = catalog().entity(new.name) if plan.recomputed or plan.numbered else None
            for name in plan.numbered:
                field = entity.by_name[name]
                catch_up(entity, field) if field.kind.assigned else copy_stamp(entity, field)
            if plan.recomputed:
                backfill(entity, [entity.by_name[n] for n in plan.recomputed])
        if then is not None:
            then()
    forget()
    return plans


def audit_definition(old, new, author):
    """The history shows who changed a definition, and who may see what when rights moved."""
    rights = (old.spec.get("permissions") if old else None, new.spec.get("permissions"))
    Audit.create(entity=new.name, record_id=0, record_version=new.version, action="define",
                 changes={"version": [old.version if old else None, new.version]},
                 username=author[:80], source="definition")
    if old is not None and rights[0] != rights[1]:
        Audit.create(entity=new.name, record_id=0, record_version=new.version,
                     action="rights", changes={"permissions": list(rights)},
                     username=author[:80], source="definition")


def save_changed(specs, live, make, kind, author, note, then=None):
    """Store each checked spec (a rule, report, dashboard) that differs from its live
    version `live(spec)` as `make(spec, version)`; `then(new, old)` hears of each. Returns
    the keys changed."""
    changed = []
    with database.atomic():
        for spec in specs:
            old = live(spec)
            if old is not None and old.spec == spec:
                continue
            new = make(spec, (old.version if old else 0) + 1)
            save_version(new, author, note, kind=kind)
            if then:
                then(new, old)
            changed.append(new.key)
    forget()
    return changed


def save_version(entity, author, note, kind="entity"):
    """Store a new live version and move config_version, so every process rebuilds."""
    Definition.create(kind=kind, name=entity.name if kind == "entity" else entity.key,
                      version=entity.version, body=entity.spec, author=author, note=note)
    ConfigState.update(version=ConfigState.version + 1).where(ConfigState.id == 1).execute()


def purge_field(entity_name, field_name, author="system"):
    """Drop a retired field and its column for good (the caller has asked twice)."""
    current = catalog().entity(entity_name)
    field = current.by_name.get(field_name)
    if field is None or not field.retired:
        raise DefinitionError([(f"{entity_name}.{field_name}", _(
            "Only a retired field can be purged: remove it from the definition first "
            "(it is then retired, its data kept)."))])
    spec = dict(current.spec, fields=[f for f in current.spec["fields"] if f["id"] != field.id])
    with ddl():
        migrate.drop_column(current, field)
        save_version(Entity(spec, current.version + 1), author, f"purged {field_name}")
    forget()


def load_files(path):
    """Read one JSON file or every *.json in a folder; a malformed file names its line."""
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    specs, problems = [], []
    for file in files:
        try:
            specs.append(json.loads(file.read_text(encoding="utf-8")))
        except json.JSONDecodeError as exc:
            problems.append((file.name, _("Not valid JSON at line %(line)s, column %(col)s: %(msg)s.",
                                          line=exc.lineno, col=exc.colno, msg=exc.msg)))
        except OSError as exc:
            problems.append((str(file), str(exc)))
    if problems:
        raise DefinitionError(problems)
    return specs


def export(directory, kind="entity"):
    """Write the live definitions (entities, automation rules, reports or dashboards) as
    one JSON file each."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    current = catalog()
    items = [(e.name, e.spec) for e in current.entities(retired=True)] if kind == "entity" \
        else [(r.key, r.spec) for r in {"automation": current.rules, "report": current.reports,
                                        "dashboard": current.dashboards,
                                        "intake": current.intakes}[kind]()]
    written = []
    for name, spec in items:
        target = directory / f"{name}.json"
        target.write_text(json.dumps(spec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(target)
    return written


def history(name, kind="entity"):
    return list(Definition.select().where((Definition.kind == kind) & (Definition.name == name))
                .order_by(Definition.version.desc()))
