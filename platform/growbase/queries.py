"""Reading many records: conditions compiled to SQL, free-text search, sort, paging.

Filters and sort keys arrive as field names and condition trees, never as SQL text.
"""

import json
from functools import reduce
from operator import or_

from peewee import SQL, Case

from .conditions import ConditionError, compile, fields_in
from .db import database, is_postgres
from .errors import GrowbaseError
from .fields import link_resolver
from .i18n import gettext as _
from .permissions import access, refusal
from .records import Forbidden, json_values, titles, unseen, values_of

MAX_PAGE = 1000
COUNT_CAP = 10_000


class QueryError(GrowbaseError, ValueError):
    def __init__(self, errors):
        self.errors = errors  # {parameter: message}
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def stage_order(field, column):
    """Stages sort (and so group) in their order, new before confirmed before shipped,
    not by how their values are spelled."""
    if not field.type.stages or not field.options:
        return column
    return Case(column, [(o["value"], i) for i, o in enumerate(field.options)],
                len(field.options))


def order_by(entity, sort):
    """Turn "-amount,name" into peewee ordering; the id breaks ties so pages are stable."""
    model = entity.model
    keys = []
    rights = access(entity)
    for part in [p.strip() for p in (sort or "").split(",") if p.strip()]:
        name = part.lstrip("-+")
        if name in ("id", "_updated_at", "_created_at"):
            column = {"id": model.id, "_updated_at": model.gb_updated_at,
                      "_created_at": model.gb_created_at}[name]
        elif name in entity.by_name and entity.by_name[name].type.sortable \
                and not entity.by_name[name].retired and rights.shows(name):
            column = stage_order(entity.by_name[name], getattr(model, name))
        else:
            raise QueryError({"sort": _("Cannot sort by \"%(name)s\"; use a field name, "
                                        "with - for descending.", name=name)})
        keys.append(column.desc() if part.startswith("-") else column.asc())
    if not any(part.strip().lstrip("-+") == "id" for part in (sort or "").split(",")):
        descending = not keys or str(sort).strip().startswith("-")
        keys.append(model.id.desc() if descending else model.id.asc())
    return keys


def search_expression(entity, text):
    rights = access(entity)
    fields = [f for f in entity.active_fields if f.type.searchable and rights.shows(f.name)]
    if not fields or not text:
        return None
    return reduce(or_, [f.type.compile("contains", getattr(entity.model, f.name), text)
                        for f in fields])


def count(query, exact=False):
    """Return (total, is_exact): exact up to COUNT_CAP matches; beyond that the planner's
    estimate on PostgreSQL (as PostgREST's count=estimated does), and on SQLite, which has
    none, COUNT_CAP + 1: "more than 10,000".

    Counting 140,000 matches exactly costs PostgreSQL ~50 ms on every page of a list, and
    the 400,000 orders a manager's row rule lets through cost SQLite 150 ms; nobody pages
    through them, and "more than 10,000" serves the grid as well.
    """
    if exact:
        return query.count(), True
    capped = query.select(SQL("1")).limit(COUNT_CAP + 1).count()
    if capped <= COUNT_CAP:
        return capped, True
    if not is_postgres():
        return capped, False
    sql, params = query.sql()
    plan = database.execute_sql("EXPLAIN (FORMAT JSON) " + sql, params).fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(int(plan[0]["Plan"]["Plan Rows"]), capped), False


def permitted(entity, action):
    """The acting role's rights on the entity; Forbidden unless they include `action`."""
    rights = access(entity)
    if not rights.can(action):
        raise Forbidden(refusal(entity, action))
    return rights


def readable(entity):
    return permitted(entity, "read")


def matching(entity, condition=None, search=None, sort=None):
    """The query for the records matching a condition and a search, sorted: only among the
    rows the acting role may see, and never by a field hidden from it."""
    model = entity.model
    rights = readable(entity)
    query = model.select()
    hidden = rights.hidden & fields_in(condition, entity) if condition else set()
    if hidden:
        raise QueryError({"filter": _("There is no field \"%(name)s\".", name=sorted(hidden)[0])})
    if rights.rows is not None:
        query = query.where(compile(rights.rows, entity, model))
    if condition:
        try:
            query = query.where(compile(condition, entity, model))
        except ConditionError as exc:
            raise QueryError({"filter": "; ".join(f"{p}: {t}" for p, t in exc.problems)}) from None
    expression = search_expression(entity, search)
    if expression is not None:
        query = query.where(expression)
    return query.order_by(*order_by(entity, sort or entity.default_sort))


def select(entity, condition=None, search=None, sort=None, limit=50, offset=0, exact=False):
    """Return (total, exact, rows) of the records matching, sorted and paged."""
    query = matching(entity, condition, search, sort)
    total, is_exact = count(query.order_by(), exact)
    rows = list(query.limit(min(int(limit), MAX_PAGE)).offset(int(offset)))
    return total, is_exact, rows


def search_titles(entity, text, offset=0, limit=10):
    """[(id, title)] of the records a link picker offers for `text`, newest first."""
    _total, _exact, rows = select(entity, search=text or None, sort="-id", limit=limit,
                                  offset=offset)
    found = titles(entity, [row.id for row in rows])
    return [(row.id, found[row.id]) for row in rows]


link_resolver.provide(search=search_titles)


def link_titles(entity, rows):
    """{field name: {id: title}} for every reference field, one query per field."""
    found = {}
    for field in entity.active_fields:
        ids = [getattr(r, field.name) for r in rows]
        result = field.type.titles(field, [i for i in ids if i is not None])
        if result is not None:
            found[field.name] = result
    return found


def to_json(entity, rows):
    """Records as the API shows them: values, version, and linked titles beside ids (the
    fields hidden from the acting role left out)."""
    linked = link_titles(entity, rows)
    rights = access(entity)
    shown = {f.name for f in entity.active_fields if rights.shows(f.name)}
    out = []
    for row in rows:
        data = {"id": row.id, "_version": row.gb_version,
                "_created_at": row.gb_created_at.isoformat(timespec="seconds"),
                "_updated_at": row.gb_updated_at.isoformat(timespec="seconds")}
        values = json_values(entity, values_of(entity, row), shown)
        for name, value in values.items():
            if name in linked and value is not None:
                value = {"id": value, "title": linked[name].get(value) or unseen()}
            data[name] = value
        out.append(data)
    return out


def record_title(entity, row):
    return titles(entity, [row.id]).get(row.id) or unseen()
