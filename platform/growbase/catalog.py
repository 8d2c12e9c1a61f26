"""The live catalog of entities, rebuilt only when the shared config_version moves.

Every web and worker process compares one integer in the database with its cache,
so a definition applied by any process is seen by all without a restart.
"""

import threading

from flask import g, has_request_context
from peewee import fn

from .definitions import Entity
from .i18n import gettext as _
from .models import build_model
from .tables import ConfigState, Definition


class UnknownEntity(LookupError):
    pass


class Catalog:
    def __init__(self, version, entities):
        self.version = version
        self._entities = entities

    def entity(self, name):
        try:
            return self._entities[name]
        except KeyError:
            raise UnknownEntity(_("There is no entity \"%(name)s\".", name=name)) from None

    def __contains__(self, name):
        return name in self._entities

    def entities(self):
        return sorted(self._entities.values(), key=lambda e: (e.group(), e.label()))

    def names(self):
        return list(self._entities)


_lock = threading.Lock()
_current = Catalog(-1, {})


def live_definitions():
    """Return {name: (version, body)} of the newest version of each entity."""
    newest = (Definition.select(Definition.name, fn.MAX(Definition.version).alias("v"))
              .where(Definition.kind == "entity").group_by(Definition.name))
    rows = (Definition.select().join(newest, on=(
        (Definition.name == newest.c.name) & (Definition.version == newest.c.v)))
        .where(Definition.kind == "entity"))
    return {row.name: (row.version, row.body) for row in rows}


def build(version, previous):
    entities = {}
    for name, (def_version, body) in live_definitions().items():
        old = previous._entities.get(name)
        if old is not None and old.version == def_version:
            entities[name] = old
            continue
        entity = Entity(body, def_version)
        entity.model = build_model(entity)
        entities[name] = entity
    return Catalog(version, entities)


def catalog():
    """Return the current catalog, rebuilt if another process changed a definition."""
    global _current
    if has_request_context() and "gb_catalog" in g:
        return g.gb_catalog
    state = ConfigState.get_or_none(ConfigState.id == 1)
    version = state.version if state else 0
    if version != _current.version:
        with _lock:
            if version != _current.version:
                _current = build(version, _current)
    if has_request_context():
        g.gb_catalog = _current
    return _current


def forget():
    """Drop the cache (a new database was opened)."""
    global _current
    _current = Catalog(-1, {})
    if has_request_context():
        g.pop("gb_catalog", None)
