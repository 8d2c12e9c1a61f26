"""Data-quality checks counted for the acting user: per entity one query over the rows
their role may see, each check a filtered count in it (a million orders are read once,
not once a check). A check reading a field hidden from the role is left out for it: its
count would tell what the field holds."""

import json
from functools import reduce
from operator import or_

from flask import url_for
from peewee import SQL, fn

from ..acting import acting_role, acting_user_id
from ..catalog import catalog
from ..conditions import compile, fields_in
from ..definitions.checks import LEVELS
from ..permissions import access


def counted(expression):
    """The rows meeting `expression`, counted in the same pass as the others (FILTER: SQLite
    3.30+ and PostgreSQL; a fifth faster than SUM(CASE ...) over a million rows)."""
    return fn.COUNT(SQL("*")).filter(expression)


def usable(entity, rights):
    """The entity's checks the role may count (none when it may not read the entity)."""
    if not rights.can("read"):
        return []
    return [check for check in entity.checks
            if not (fields_in(check.when, entity) | {check.who}) & rights.hidden]


class Tally:
    """One entity's figures: its records, those with a critical problem, each check's
    count and (for a person) how many of them are theirs."""

    def __init__(self, entity, checks, own, row):
        self.entity, self.checks = entity, checks
        row = [value or 0 for value in row]
        self.records, self.critical = row[0], row[-1] if any(
            c.criticality == "critical" for c in checks) else 0
        self.counts = dict(zip((c.key for c in checks), row[1:]))
        self.mine = dict(zip((c.key for c in own), row[1 + len(checks):]))


def holds(entity, check):
    """Can the acting user be whose the check's problems are? (An owner is never an order's
    manager when that field takes managers only: nothing to count for them.)"""
    if not check.who:
        return False
    role = entity.by_name[check.who].get("role")
    return role is None or role == acting_role()


def tally(entity):
    """The entity's Tally for the acting user, or None when they count none of its checks."""
    rights = access(entity)
    checks = usable(entity, rights)
    if not checks:
        return None
    model = entity.model
    own = [c for c in checks if acting_user_id() is not None and holds(entity, c)]
    tests = [compile(c.when, entity, model) for c in checks]
    theirs = [compile(c.mine(), entity, model) for c in own]
    critical = [t for c, t in zip(checks, tests) if c.criticality == "critical"]
    query = model.select(fn.COUNT(model.id), *map(counted, tests + theirs),
                         *([counted(reduce(or_, critical))] if critical else []))
    if rights.rows is not None:
        query = query.where(compile(rights.rows, entity, model))
    return Tally(entity, checks, own, query.tuples().get())


def tallies():
    return [t for t in (tally(e) for e in catalog().entities() if e.checks) if t]


def score(found):
    """% of the records (of entities with checks) with no critical problem, to 0.1."""
    records = sum(t.records for t in found)
    if not records:
        return 100.0
    return round(100 * (records - sum(t.critical for t in found)) / records, 1)


def grid_of(entity, condition):
    return url_for("grid.grid", entity=entity,
                   filter=json.dumps(condition, ensure_ascii=False, separators=(",", ":")))


def check_json(found, check, locale):
    entity = found.entity
    out = {"key": check.key, "entity": entity.name, "criticality": check.criticality,
           "count": found.counts[check.key], "label": check.label(locale),
           "fix": check.fix(locale), "entity_label": entity.plural(locale), "who": check.who,
           "filter": check.when}
    if check.key in found.mine:
        out.update(mine=found.mine[check.key], mine_filter=check.mine())
    return out


def linked(result):
    """The summary with each worklist's grid address (and the caller's own): in a request."""
    for check in result["checks"]:
        check["grid"] = grid_of(check["entity"], check["filter"])
        if "mine_filter" in check:
            check["mine_grid"] = grid_of(check["entity"], check["mine_filter"])
    return result


def levels(found):
    """{criticality: problems found} (a record with two problems counts twice)."""
    return {level: sum(t.counts[c.key] for t in found for c in t.checks
                       if c.criticality == level) for level in LEVELS}


def summary(locale):
    """What GET /api/quality answers: the score, counts by criticality, every check."""
    found = tallies()
    checks = sorted((check_json(t, c, locale) for t in found for c in t.checks),
                    key=lambda c: (LEVELS.index(c["criticality"]), -c["count"]))
    return {"score": score(found), "records": sum(t.records for t in found),
            "levels": levels(found), "mine": sum(c.get("mine", 0) for c in checks),
            "checks": checks}
