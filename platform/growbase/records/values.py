"""A record's values as the database, JSON and people see them."""

import re
from functools import lru_cache

from ..conditions import evaluate, fields_in
from ..db import fetch
from ..fields import link_resolver
from ..fields.links import unseen  # noqa: F401  (records.unseen)
from ..i18n import current_locale
from ..i18n import gettext as _
from ..permissions import access


def values_of(entity, row):
    return {f.name: getattr(row, f.name) for f in entity.fields}


def copied(entity, values, rights=None):
    """A record's values as a copy of it is written: what people may type, unique values
    and what growbase gives (autonumbers, formulas) left out."""
    keep = {f.name for f in entity.active_fields if not (f.automatic or f.unique) and
            (rights is None or (rights.shows(f.name) and f.name not in rights.read_only))}
    return json_values(entity, values, {n for n in keep if values.get(n) is not None})


def json_values(entity, values, names=None):
    out = {}
    for name, field, convert in entity.json_plan:
        if names is None or name in names:
            value = values.get(name)
            out[name] = value if convert is None or value is None else convert(value, field)
    return out


@lru_cache(maxsize=256)
def read_late(entity):
    """The fields of an entity read by the record's other fields (context_fields)."""
    return frozenset(f.name for f in entity.active_fields if f.type.context_fields(f))


def titles(entity, ids, depth=0):
    """Return {id: title} rendered from the entity's title template, in one query.

    Only of records the acting role may see, without fields hidden from it: a link to
    anything else shows unseen(), as a link to a deleted record does."""
    ids = [i for i in set(ids) if i is not None]
    rights = access(entity)
    if not ids or not rights.can("read"):
        return {}
    fields = [f for f in entity.title_fields if rights.shows(f.name)]
    tested = fields_in(rights.rows, entity) if rights.rows else set()
    names = list(dict.fromkeys([f.name for f in fields] + sorted(tested)))
    rows = [r for r in fetch(entity.model, ids, ("id", *names))
            if not tested or evaluate(rights.rows, entity, {n: getattr(r, n) for n in names})]
    nested = {}
    if depth == 0:  # one level of linked titles; deeper links show their number
        for field in fields:
            found = field.type.titles(field, [getattr(r, field.name) for r in rows], depth + 1)
            if found is not None:
                nested[field.name] = found
    locale = current_locale()
    result = {}
    for row in rows:
        def show(match):
            field = entity.by_name[match.group(1)]
            if not rights.shows(field.name):
                return ""
            value = getattr(row, field.name)
            if field.name in nested:
                return nested[field.name].get(value, "" if value is None else unseen())
            return field.type.display(value, field, locale)
        text = re.sub(r"{(\w+)}", lambda m: show(m) if m.group(1) in entity.by_name else m.group(0),
                      entity.title_template).strip()
        result[row.id] = text or _("(no title)")
    return result


link_resolver.provide(titles=titles)
