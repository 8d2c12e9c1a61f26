"""What a definition's computed fields must get right before it is applied: formulas that
parse and fit their fields' types, no circle between computed fields, a result that can be
shown as asked, and formulas elsewhere that still work after this change."""

from ..definitions.schema import json_path
from ..conditions import validate
from ..formulas.grammar import FormulaError, parse, reads, refs
from ..i18n import gettext as _

NOT_FOR_COMPUTED = ("default", "required", "required_when", "mask", "unique")


def circle(graph):
    """A list of names going round (first repeated last), or None."""
    state = {}

    def visit(name, trail):
        state[name] = "open"
        for other in sorted(graph.get(name, ())):
            if state.get(other) == "open":
                return trail[trail.index(other):] + [other] if other in trail else [name, other]
            if other not in state:
                found = visit(other, trail + [other])
                if found:
                    return found
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state:
            found = visit(name, [name])
            if found:
                return found
    return None


def in_order(graph):
    """The names of a graph without circles, each after those it reads."""
    done = []

    def visit(name):
        if name not in done:
            for other in sorted(graph.get(name, ())):
                visit(other)
            done.append(name)
    for name in sorted(graph):
        visit(name)
    return done


def formula_problems(entity):
    """[(path, sentence)] of an entity's computed fields."""
    problems, graph, broken = [], {}, set()
    paths = {f.name: json_path(["fields", i]) for i, f in enumerate(entity.fields)}
    computed = [f for f in entity.active_fields if f.computed]
    for field in computed:
        for option in NOT_FOR_COMPUTED:
            if field.spec.get(option) not in (None, False):
                problems.append((f"{paths[field.name]}.{option}", _(
                    "%(name)s is worked out from its formula, so it takes no \"%(option)s\"; "
                    "remove it.", name=field.name, option=option)))
        if not field.kind.formula:
            problems += rollup_problems(field, paths[field.name])
            continue
        try:
            graph[field.name] = reads(parse(field.spec["formula"])) & {f.name for f in computed}
        except FormulaError as exc:
            problems.append((f"{paths[field.name]}.formula", str(exc)))
            broken.add(field.name)
    loop = circle(graph)
    if loop:
        problems.append((f"{paths[loop[0]]}.formula", _(
            "A circle: %(names)s. A formula cannot depend on itself, even through others.",
            names=" → ".join(loop))))
        return problems
    by_name = {f.name: f for f in computed if f.kind.formula}
    for field in (by_name[name] for name in in_order(graph) if name in by_name):
        if field.name in broken or graph.get(field.name, set()) & broken:
            broken.add(field.name)
            continue
        try:
            field.type  # compiles the formula and decides how its result is kept
        except FormulaError as exc:
            problems.append((f"{paths[field.name]}.formula", str(exc)))
            broken.add(field.name)
    return problems


def copy_problems(entity, resolve):
    """[(path, sentence)] of fields that copy from a linked record (copy_from)."""
    problems = []
    for i, field in enumerate(entity.fields):
        if not field.spec.get("copy_from") or field.retired:
            continue
        path = f"{json_path(['fields', i])}.copy_from"
        link_name, _dot, source = field.spec["copy_from"].partition(".")
        link = entity.active_by_name.get(link_name)
        if link is None or not link.type.links_entity or link.type.holds_list:
            problems.append((path, _("\"%(link)s\" is not a link of %(entity)s to one record; "
                                     "write link.field, like product.price.",
                                     link=link_name, entity=entity.label())))
            continue
        target = resolve(link.get("to"))
        other = target.active_by_name.get(source)
        if other is None or field.automatic or \
                other.type.formula_type(other) != field.type.formula_type(field):
            problems.append((path, _("%(target)s has no field \"%(source)s\" of the same kind "
                                     "as %(name)s to copy.", target=target.label(),
                                     source=source, name=field.name)))
    return problems


def stage_problems(entity):
    """[(path, sentence)] of stage_since fields whose "of" is not a stage or choice here."""
    problems = []
    for i, field in enumerate(entity.fields):
        if field.retired or field.spec.get("type") != "stage_since":
            continue
        watched = entity.active_by_name.get(field.spec["of"])
        if watched is None or not watched.type.filter_key or watched.computed:
            names = ", ".join(f.name for f in entity.active_fields
                              if f.type.filter_key and not f.computed) or "-"
            problems.append((f"{json_path(['fields', i])}.of", _(
                "\"of\" names the stage (or choice) field whose changes it times; %(entity)s "
                "has: %(names)s.", entity=entity.label(), names=names)))
    return problems


def rollup_problems(field, path):
    try:
        child = field.source[0]
        field.type  # decides how its result is kept
    except FormulaError as exc:
        return [(path, str(exc))]
    return validate(field.get("where"), child, f"{path}.where") if field.get("where") else []


def node_edges(entity, resolve):
    """{"entity.field": {"entity.field" it reads}} of an entity's computed fields, found
    from the definitions alone (links followed by their "to"), for circles across entities."""
    edges = {}
    for field in entity.active_fields:
        if not field.computed:
            continue
        reads_now = set()
        if field.kind.formula:
            try:
                syntax = parse(field.spec["formula"])
            except FormulaError:
                continue
            for names in refs(syntax):
                here = entity
                for name in names:
                    reads_now.add(f"{here.name}.{name}")
                    target = here.by_name.get(name)
                    if target is None or not target.get("to"):
                        break
                    try:
                        here = resolve(target.get("to"))
                    except LookupError:
                        break
        else:
            child_name, _dot, link = field.spec["from"].partition(".")
            reads_now |= {f"{child_name}.{link}", f"{child_name}.{field.spec.get('field')}"}
        edges[f"{entity.name}.{field.name}"] = reads_now
    return edges


def circle_across(entities, resolve):
    """A circle of computed fields through links and rollups, as a sentence, or None."""
    graph = {}
    for entity in entities:
        graph.update(node_edges(entity, resolve))
    return circle({node: {n for n in reads_now if n in graph} for node, reads_now in graph.items()})


def elsewhere_problems(batch, current):
    """Formulas of live entities outside `batch` that the batch's entities would break
    (a field renamed, retired or changed in type that they read through a link)."""
    problems, names = [], {e.name for e in batch}
    for entity in current.entities(retired=True):
        if entity.name in names or not any(f.computed for f in entity.active_fields):
            continue
        links = {f.get("to") for f in entity.active_fields if f.type.links_entity}
        if not links & names:
            continue
        again = type(entity)(entity.spec, entity.version, resolve=lambda n: next(
            (e for e in batch if e.name == n), None) or current.entity(n))
        problems += [(f"{entity.name}: {path}", _("%(text)s (after this change)", text=text))
                     for path, text in formula_problems(again)]
    return problems
