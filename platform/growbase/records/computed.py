"""Computed values of the records a write saves, worked out in Python before the checks
(so rules, conditions, the audit and the event see them), with what they look up through
links read in one query per link for the whole batch."""

from datetime import datetime

from ..db import fetch, is_postgres
from ..formulas.evaluate import as_stored, evaluate
from ..formulas.functions import Context
from ..formulas.tree import references
from ..recompute import stored_scale


class Lookups:
    """The values a batch's formulas read through links: {(link path): {id: row values}}."""

    def __init__(self, entity, plans):
        self.rows = {}
        paths = {ref.path[:i + 1] for field in entity.computed_fields if field.kind.formula
                 for ref in references(field.tree) for i in range(len(ref.path) - 1)}
        for path in sorted(paths, key=len):  # a level's ids come from the level before
            link = path[-1]
            ids = {self.link_value(plan.merged, path) for plan in plans} - {None}
            target = link.type.target(link)
            self.rows[path] = {row.id: row for row in fetch(target.model, list(ids))} \
                if ids else {}

    def link_value(self, values, path):
        """The id the last link of `path` holds, read from a record's `values`."""
        value = values.get(path[0].name)
        for i in range(1, len(path)):
            row = self.rows[path[:i]].get(value)
            value = getattr(row, path[i].name) if row is not None else None
        return value

    def read(self, values, ref):
        if len(ref.path) == 1:
            return values.get(ref.path[0].name)
        row = self.rows[ref.path[:-1]].get(self.link_value(values, ref.path[:-1]))
        return getattr(row, ref.path[-1].name) if row is not None else None


def copy_linked(entity, plans):
    """A field with "copy_from": "product.price" takes the product's price when a product
    is picked and the write does not give the field: a copy, which stays when the
    product's price changes later (an old order keeps the price it was sold at)."""
    for field in entity.copied_fields:
        link_name, source = field.spec["copy_from"].split(".")
        picking = [plan for plan in plans if link_name in plan.changed and
                   field.name not in (plan.values or {})]
        ids = {plan.merged.get(link_name) for plan in picking} - {None}
        link = entity.by_name[link_name]
        rows = {row.id: row for row in fetch(link.type.target(link).model, list(ids))} \
            if ids else {}
        for plan in picking:
            row = rows.get(plan.merged.get(link_name))
            value = getattr(row, source) if row is not None else None
            if value != plan.merged.get(field.name):
                plan.merged[field.name] = value
                if field.name not in plan.changed:
                    plan.changed = [*plan.changed, field.name]


def fill(entity, plans, now=None):
    """Set each plan's copied and computed values (in reading order); a changed one joins
    `changed`."""
    copy_linked(entity, plans)
    fields = entity.computed_fields
    if not fields or not plans:
        return
    lookups = Lookups(entity, plans)
    ctx = Context(postgres=is_postgres(), now=now or datetime.now())
    for plan in plans:
        merged = plan.merged
        for field in fields:
            if not field.kind.formula:  # a rollup: kept by roll_up() when its records change
                value = plan.current.get(field.name) if plan.current else field.kind.empty(field)
            else:
                value = as_stored(evaluate(field.tree, lambda ref: lookups.read(merged, ref),
                                           ctx), field.tree.type, stored_scale(field))
            before = plan.current.get(field.name) if plan.current else None
            merged[field.name] = value
            if value != before and field.name not in plan.changed:
                plan.changed = [*plan.changed, field.name]


def mirror(entity, plan):
    """Record facts (created_at ... updated_by) take the plan's stamp: at creation all of
    them, on a change those that move with every change. They are written, not listed
    among the changes: the history says who changed what and when already."""
    creating, names = plan.action != "update", []
    for field in entity.fact_fields:
        if creating or field.kind.moves(field, plan.changed):
            plan.merged[field.name] = plan.stamp[field.kind.stamp]
            names.append(field.name)
    return names
