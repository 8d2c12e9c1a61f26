"""Keeping computed columns current with set-based SQL, in the caller's transaction:
a backfill when a formula is added or changed (one UPDATE per computed field, in the
order they read each other), a cascade when records others look up through a link
change (their lookups and what reads those), and the hourly look at TODAY/NOW formulas.

The records a write saves get their own computed values in Python first (records/
computed.py); the property test keeps the two back ends in agreement."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from .catalog import catalog
from peewee import Expression, fn

from .conditions import compile as compile_condition
from .conditions import fields_in, relative
from .db import database, is_postgres, one_of
from .formulas.exact import num, sql_count, sql_fitting, sql_round_div
from .formulas.functions import Context
from .formulas.sql import compile_sql, sql_stored
from .formulas.tree import references, volatile
from .tables import Audit

MAX_DEPTH = 8  # links deep a cascade follows (definitions refuse circles; this is a guard)


def stored_scale(field):
    return field.get("scale", 0) if field.type.formula_type(field).number else 0


def column_sql(ref, model):
    """A FieldRef read from rows of `model`: its column, or subqueries down the links."""
    expr = getattr(model, ref.path[0].name)
    for link, step in zip(ref.path, ref.path[1:]):
        target = link.type.target(link).model.alias()
        expr = target.select(getattr(target, step.name)).where(target.id == expr)
    return expr


def value_sql(field, model, ctx):
    """The SQL that computes `field` from its inputs, as its column keeps it."""
    if not field.kind.formula:
        return rollup_sql(field, model, ctx)
    return sql_stored(compile_sql(field.tree, lambda ref: column_sql(ref, model), ctx),
                      field.tree.type, stored_scale(field), ctx)


def rollup_sql(field, model, ctx):
    """A rollup over the records linking to each row of `model`: one subquery."""
    child, link, read = field.source
    rows = child.model.alias()
    where = getattr(rows, link.name) == model.id
    if field.get("where"):
        where &= compile_condition(field.get("where"), child, rows)
    agg = field.get("agg")
    if agg == "count":
        return rows.select(fn.COUNT(rows.id)).where(where)
    value = getattr(rows, read.name)
    if agg == "latest":
        return rows.select(value).where(where & value.is_null(False)).order_by(
            rows.id.desc()).limit(1)
    if agg == "avg":
        total = rows.select(fn.SUM(sql_count(value, ctx))).where(where)
        count = rows.select(fn.COUNT(value)).where(where)
        shift = num(10 ** (stored_scale(field) - read.type.formula_type(read).scale), ctx)
        return sql_fitting(sql_round_div(total * shift, count, ctx), ctx)
    chosen = rows.select({"sum": fn.SUM, "min": fn.MIN, "max": fn.MAX}[agg](value)).where(where)
    return sql_fitting(fn.COALESCE(chosen, num(0, ctx)), ctx) if agg == "sum" else chosen


def refresh(entity, fields, where=None, now=None, rewrite=False):
    """Recompute `fields` of `entity` (all rows, or those `where` picks), in order;
    `rewrite`: the table is the caller's alone (a definition being applied)."""
    model, ctx = entity.model, Context(postgres=is_postgres(), now=now or datetime.now())
    for field in order(entity, fields):
        if rewrite and ctx.postgres and own_row(field):
            rewrite_column(entity, field, value_sql(field, model, ctx))
            continue
        query = model.update({getattr(model, field.name): value_sql(field, model, ctx)})
        (query.where(where) if where is not None else query).execute()


def steady(field):
    """Its SQL is the same at any hour: no TODAY or NOW, no date relative to today."""
    if field.kind.formula:
        return not volatile(field.tree)
    return not relative(field.get("where"))


_statements = {}  # (catalog, backend, count of ids, key) -> (SQL, the parameters before the ids)


def by_ids(key, ids, build):
    """The statement `build(ids)` makes, as (SQL, parameters), its SQL made once per `key`
    and number of ids: peewee building it cost more than running it for the one order a
    line's save touches. The ids must be its last parameters; key None: built each time."""
    ids = list(ids)
    if key is None:
        return build(ids).sql()
    full = (catalog(), type(database.obj), len(ids), key)
    if full not in _statements:
        sql, params = build(ids).sql()
        if params[len(params) - len(ids):] != ids:
            return sql, params
        if len(_statements) > 512:
            _statements.clear()
        _statements[full] = (sql, params[:len(params) - len(ids)])
    sql, fixed = _statements[full]
    return sql, fixed + ids


def rows_of(entity, names, ids):
    """[(id, *values of `names`)] of the records `ids`, typed as their fields read them."""
    model = entity.model
    sql, params = by_ids(("rows", entity.name, tuple(names)), ids, lambda ids: model.select(
        model.id, *[getattr(model, n) for n in names]).where(one_of(model.id, ids)))
    return model.raw(sql, *params).tuples()


def refresh_rows(entity, fields, ids):
    """refresh() of the records `ids`, each getting a new version (their rollups moved)."""
    model, ctx = entity.model, Context(postgres=is_postgres(), now=datetime.now())
    for i, field in enumerate(order(entity, fields)):
        def build(ids, field=field, bump=i == 0):
            values = {getattr(model, field.name): value_sql(field, model, ctx)}
            if bump:
                values[model.gb_version] = model.gb_version + 1
            return model.update(values).where(one_of(model.id, ids))
        key = ("refresh", entity.name, field.name, i == 0) if steady(field) else None
        database.execute_sql(*by_ids(key, ids, build))


def own_row(field):
    """A formula that reads only its own record's columns (no link followed)."""
    return field.kind.formula and all(len(ref.path) == 1 for ref in references(field.tree))


def rewrite_column(entity, field, value):
    """PostgreSQL: every row's value in one rewrite of the table (ALTER COLUMN ... USING),
    its indexes built afresh: an UPDATE of every row writes a new version of each and an
    entry in each index, several times slower on a big table."""
    table, column = entity.table_name, field.column
    sql, params = assigned_sql(entity, field, value)
    database.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE '
                         f"{column_type(entity, field)} USING ({sql})", params)
    database.execute_sql(f'ANALYZE "{table}"')  # its statistics do not survive the rewrite


def assigned_sql(entity, field, value):
    """`value` as SQL the way an UPDATE of `field` writes it (columns named by their table,
    subqueries in brackets), with its parameters."""
    model = entity.model
    sql, params = database.get_sql_context().sql(
        model.update({getattr(model, field.name): value})).query()
    return sql.removeprefix(f'UPDATE "{entity.table_name}" SET "{field.column}" = '), params


def column_type(entity, field):
    return database.execute_sql(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
        "%s::regclass AND attname = %s", (entity.table_name, field.column)).fetchone()[0]


def order(entity, fields):
    names = {f.name for f in fields}
    return [f for f in entity.computed_fields if f.name in names]


def readers(entity, names):
    """The computed fields of `entity` that read any of `names`, directly or through
    another computed field, with those names' own computed fields."""
    found, changed = [], set(names)
    for field in entity.computed_fields:  # in reading order: one pass suffices
        if field.name in changed or field.inputs & changed:
            found.append(field)
            changed.add(field.name)
    return found


def backfill(entity, fields):
    """A new or changed formula: every row, then what reads it, here and elsewhere."""
    stale = readers(entity, {f.name for f in fields})
    refresh(entity, stale, rewrite=True)
    cascade(entity, {f.name for f in stale}, None)


@lru_cache(maxsize=64)
def _dependents(cat, name):
    """[(entity, field, links)]: computed fields elsewhere that read `name`'s records
    through `links` (a chain of link fields from their entity to `name`), and which of
    its fields they read there."""
    out = []
    for entity in cat.entities(retired=True):
        for field in (f for f in entity.computed_fields if f.kind.formula):
            for ref in references(field.tree):
                for i, link in enumerate(ref.path[:-1]):
                    if link.get("to") == name:
                        out.append((entity, field, tuple(ref.path[:i + 1]), ref.path[i + 1].name))
    return out


@lru_cache(maxsize=64)
def _rollups(cat, name):
    """[(entity, field, link name, fields read)]: rollups elsewhere over `name`'s records."""
    out = []
    for entity in cat.entities(retired=True):
        for field in entity.computed_fields:
            if not field.kind.formula and field.source[0].name == name:
                child, link, read = field.source
                where = fields_in(field.get("where"), child) if field.get("where") else set()
                out.append((entity, field, link.name, {link.name, *where} |
                            ({read.name} if read else set())))
    return out


@dataclass
class Moved:
    """A record whose rollups moved, as roll_up() reads a plan: it counts upwards too."""
    current: dict
    merged: dict
    changed: list
    action: str = "update"
    rejected: bool = False


def roll_up(entity, plans, depth=0):
    """The records of `entity` that `plans` wrote (created, changed, deleted) count in
    rollups of the records they link to: work those out again (a new version each), and
    what reads them. Returns [(parent entity, {id: (before, after, the version it got,
    all its values)})] of the values that moved, for the history and the automations (an
    order's total is a change of the order, and its event carries the whole order)."""
    return settle(touches(entity, plans), depth)


def touches(entity, plans, touched=None):
    """{parent name: (parent entity, its rollup names, ids)} that `plans` move, added to
    `touched` (a write that works its rollups out at its end gathers them)."""
    touched = {} if touched is None else touched
    for parent, field, link, reads in _rollups(catalog(), entity.name):
        ids = set()
        for plan in plans:
            if plan.rejected or (plan.action == "update" and not set(plan.changed) & reads):
                continue
            for values in (plan.current, None if plan.action == "delete" else plan.merged):
                if values and values.get(link) is not None:
                    ids.add(values[link])
        if ids:
            touched.setdefault(parent.name, (parent, set(), set()))
            touched[parent.name][1].add(field.name)
            touched[parent.name][2].update(ids)
    return touched


def settle(touched, depth=0):
    """roll_up() of what touches() found."""
    moved = []
    for parent, names, ids in touched.values():
        stale, ids = readers(parent, names), sorted(ids)
        names, every = [f.name for f in stale], [f.name for f in parent.fields]
        before = {row[0]: row[1:] for row in rows_of(parent, names, ids)}
        refresh_rows(parent, stale, ids)
        changes = {}
        for row in rows_of(parent, ["gb_version", *every], ids):  # whole: the event carries it
            whole = dict(zip(every, row[2:]))
            after = {n: whole[n] for n in names}
            if tuple(after.values()) != before.get(row[0]):
                changes[row[0]] = (dict(zip(names, before[row[0]])), after, row[1], whole)
        if changes:
            moved.append((parent, changes))
            moved += cascade(parent, set(names), list(changes), depth + 1)
            # what sums these up in turn (a customer's total over its orders' totals)
            if depth < MAX_DEPTH and _rollups(catalog(), parent.name):
                moved += roll_up(parent, moved_records(parent, changes), depth + 1)
    return moved


def link_values(entity, ids):
    """{id: {link field: the id it holds}} of the records `ids`."""
    model = entity.model
    links = [f.name for f in entity.active_fields if f.type.links_entity]
    return {row[0]: dict(zip(links, row[1:])) for row in model.select(
        model.id, *[getattr(model, n) for n in links]).where(model.id.in_(list(ids))).tuples()}


def moved_records(entity, changes):
    links = [f.name for f in entity.active_fields if f.type.links_entity]
    moved = []
    for before, after, _version, whole in changes.values():
        linked = {n: whole[n] for n in links}
        moved.append(Moved({**before, **linked}, {**after, **linked},
                           [n for n in after if after[n] != before[n]]))
    return moved


def cascade(entity, names, ids, depth=0):
    """Records of `entity` (`ids`, or all when None) changed `names`: recompute what other
    entities look up through links to them, what reads that in turn, and the rollups
    over the records that moved (a line reading its order's stage counts in its product's
    stock). Returns roll_up()'s record of the rollups that moved."""
    if not names or depth > MAX_DEPTH:
        return []
    touched, moved = {}, []
    for other, field, links, read in _dependents(catalog(), entity.name):
        if read in names:
            touched.setdefault((other.name, links), (other, links, set()))[2].add(field.name)
    for other, links, fields in touched.values():
        where = leading_to(other, links, ids)
        stale = readers(other, fields)
        refresh(other, stale, where)
        changed = {f.name for f in stale}
        if ids is None:
            moved += cascade(other, changed, None, depth + 1)
            for parent, rollup, _link, reads in _rollups(catalog(), other.name):
                if reads & changed:
                    backfill(parent, [rollup])
            continue
        rows = [row.id for row in other.model.select(other.model.id).where(where)]
        moved += cascade(other, changed, rows, depth + 1)
        moved += roll_up(other, [Moved(values, values, sorted(changed)) for values in
                                 link_values(other, rows).values()], depth + 1)
    return moved


def leading_to(entity, links, ids):
    """Rows of `entity` whose chain of `links` ends at one of `ids` (None: any)."""
    if ids is None:
        return None
    inner = list(ids)
    for link in reversed(links[1:]):  # from the far end back towards `entity`
        source = link.entity.model
        inner = source.select(source.id).where(getattr(source, link.name).in_(inner))
    return getattr(entity.model, links[0].name).in_(inner)


def clock_fields(entity):
    """The computed fields whose values move with the clock (TODAY, NOW), and their readers."""
    moving = {f.name for f in entity.computed_fields if f.kind.formula and volatile(f.tree)}
    return readers(entity, moving) if moving else []


def refresh_clock(now=None):
    """Work out again, for every record, the formulas that read TODAY or NOW (the worker
    does it each hour: "days overdue" moves on at midnight without anyone saving)."""
    for entity in catalog().entities():
        fields = clock_fields(entity)
        if fields:
            with database.atomic():
                refresh(entity, fields, now=now)
                cascade(entity, {f.name for f in fields}, None)


def copy_stamp(entity, field):
    """A record fact added to an entity: every record's own stamp, copied in one statement;
    a stage's start (stage_since): when the history last saw that field change, else the
    record's creation."""
    model = entity.model
    value = getattr(model, field.kind.stamp)
    if field.get("of"):
        of = field.get("of")
        moved = (Expression(Audit.changes.cast("json"), "->", of) if is_postgres() else
                 fn.json_extract(Audit.changes, f'$."{of}"')).is_null(False)
        last = Audit.select(Audit.at).where(
            (Audit.entity == entity.name) & (Audit.record_id == model.id) & moved).order_by(
            Audit.id.desc()).limit(1)  # the last entry that changed it
        value = fn.COALESCE(last, model.gb_created_at)
    model.update({getattr(model, field.name): value}).execute()
