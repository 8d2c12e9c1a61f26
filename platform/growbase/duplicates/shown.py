"""Look-alike records as a caller is shown them: only pairs of records their role may
read, the reasons without fields hidden from it, each record by its title."""

from ..i18n import gettext as _
from ..permissions import access
from ..records.values import titles
from . import pairs
from .scan import like, rule


def reasons(entity, why, rights):
    """"same Phone; Name 93% alike" (fields the role may not see left out)."""
    said = []
    for item in why:
        field = entity.by_name.get(item[0])
        if field is None or not rights.shows(field.name):
            continue
        said.append(_("same %(field)s", field=field.label()) if len(item) == 1 else
                    _("%(field)s alike: %(share)s", field=field.label(),
                      share=f"{round(item[1] * 100)}%"))
    return "; ".join(said) or _("alike")


def listed(entity, found_pairs):
    """The API's items {"a", "b", "score", "why", "pair", "titles"} the caller may see."""
    rights = access(entity)
    named = titles(entity, [i for p in found_pairs for i in (p.a, p.b)])
    return [{"pair": p.id, "a": p.a, "b": p.b, "score": p.score,
             "why": reasons(entity, p.why, rights), "titles": [named[p.a], named[p.b]]}
            for p in found_pairs if p.a in named and p.b in named]


def warned(entity, record_id, values):
    """The records a new one looks like, kept as open pairs in the merge queue and
    returned as the caller may see them: [{"id", "title", "score", "why"}]."""
    if rule(entity) is None:
        return []
    found = like(entity, values, record_id)
    if not found:
        return []
    pairs.keep_one(entity.name, record_id, found)
    rights = access(entity)
    named = titles(entity, list(found))
    return sorted(({"id": other, "title": named[other], "score": round(score, 3),
                    "why": reasons(entity, why, rights)}
                   for other, (score, why) in found.items() if other in named),
                  key=lambda item: -item["score"])
