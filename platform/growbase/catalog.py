"""The live catalog of entities, rebuilt only when the shared config_version moves.

Every web and worker process compares one integer in the database with its cache,
so a definition applied by any process is seen by all without a restart.
"""

import threading
import time

from flask import g, has_request_context
from peewee import fn

from .automation.rule import Rule
from .dashboards.dashboard import Dashboard
from .definitions import Entity
from .errors import GrowbaseError
from .fields import link_resolver
from .i18n import gettext as _
from .intake.spec import Intake
from .models import build_model
from .reports.report import Report
from .db import database
from .tables import Definition


class UnknownEntity(GrowbaseError, LookupError):
    pass


class Catalog:
    def __init__(self, version, entities, rules=None, reports=None, dashboards=None,
                 intakes=None):
        self.version = version
        self._intakes = intakes or {}
        self._entities = entities
        self._rules = rules or {}
        self._reports = reports or {}
        self._dashboards = dashboards or {}

    def intakes(self):
        return [self._intakes[key] for key in sorted(self._intakes)]

    def intake(self, key):
        return self._intakes.get(key)

    def dashboard(self, role):
        return self._dashboards.get(role)

    def dashboards(self):
        return [self._dashboards[role] for role in sorted(self._dashboards)]

    def reports(self):
        """The reports, in key order."""
        return [self._reports[key] for key in sorted(self._reports)]

    def report(self, key):
        return self._reports.get(key)

    def rules(self, entity=None):
        """Automation rules, all or those of one entity, in key order."""
        return sorted((r for r in self._rules.values() if entity is None or r.entity == entity),
                      key=lambda r: r.key)

    def rule(self, key):
        return self._rules.get(key)

    def entity(self, name):
        try:
            return self._entities[name]
        except KeyError:
            raise UnknownEntity(_("There is no entity \"%(name)s\".", name=name)) from None

    def __contains__(self, name):
        return name in self._entities

    def entities(self, retired=False):
        """The entities in menu order; retired ones only when asked (designer, export)."""
        return sorted((e for e in self._entities.values()
                       if retired or not e.spec.get("retired")),
                      key=lambda e: (e.group(), e.label()))

    def names(self):
        return list(self._entities)


RECHECK = 0.25
CONFIG_SQL = 'SELECT "version" FROM "gb_config" WHERE "id" = 1'
_lock = threading.Lock()
_current = Catalog(-1, {})
_checked_at = float("-inf")


def live_definitions(kind="entity"):
    """Return {name: (version, body)} of the newest version of each definition of a kind."""
    newest = (Definition.select(Definition.name, fn.MAX(Definition.version).alias("v"))
              .where(Definition.kind == kind).group_by(Definition.name))
    rows = (Definition.select().join(newest, on=(
        (Definition.name == newest.c.name) & (Definition.version == newest.c.v)))
        .where(Definition.kind == kind))
    return {row.name: (row.version, row.body) for row in rows}


def build(version, previous):
    """All entities first, then their models: a formula's type may depend on what it reads
    through a link in another entity. An unchanged entity is kept unless it has computed
    fields (what they read elsewhere may have changed)."""
    entities, fresh = {}, []

    def resolve(name):
        if name not in entities:
            raise UnknownEntity(_("There is no entity \"%(name)s\".", name=name))
        return entities[name]
    for name, (def_version, body) in live_definitions().items():
        old = previous._entities.get(name)
        if old is not None and old.version == def_version and not old.computed_fields:
            entities[name] = old
            continue
        entities[name] = Entity(body, def_version, resolve=resolve)
        fresh.append(entities[name])
    for entity in fresh:
        entity.model = build_model(entity)
    rules = {key: Rule(body, rule_version) for key, (rule_version, body)
             in live_definitions("automation").items()}
    reports = {key: Report(body, report_version) for key, (report_version, body)
               in live_definitions("report").items()}
    dashboards = {role: Dashboard(body, dashboard_version) for role, (dashboard_version, body)
                  in live_definitions("dashboard").items()}
    intakes = {key: Intake(body, intake_version) for key, (intake_version, body)
               in live_definitions("intake").items()}
    return Catalog(version, entities, rules, reports, dashboards, intakes)


def catalog():
    """Return the current catalog, rebuilt if another process changed a definition.

    This process sees its own changes at once (forget()); another process's within
    RECHECK seconds: one question per quarter second, not one per request or per row
    of a 10,000-row import. A request keeps one catalog from start to end.
    """
    global _current, _checked_at
    in_request = has_request_context()
    if in_request and "gb_catalog" in g:
        return g.gb_catalog
    if time.monotonic() - _checked_at > RECHECK:
        # WARNING: check and rebuild under one lock, and mark the check done only after
        # the rebuild; otherwise a second thread takes the half-built (empty) catalog.
        with _lock:
            if time.monotonic() - _checked_at > RECHECK:
                row = database.execute_sql(CONFIG_SQL).fetchone()
                version = row[0] if row else 0
                if version != _current.version:
                    _current = build(version, _current)
                _checked_at = time.monotonic()
    if in_request:
        g.gb_catalog = _current
    return _current


def forget():
    """Drop the cache (a new database was opened)."""
    global _current, _checked_at
    _current = Catalog(-1, {})
    _checked_at = float("-inf")
    if has_request_context():
        g.pop("gb_catalog", None)


link_resolver.provide(entity=lambda name: catalog().entity(name))
