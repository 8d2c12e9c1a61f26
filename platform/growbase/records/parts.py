"""Records that are parts of another (an order's lines: a link with "part_of"): deleted
with it, copied with it, edited inside its form and grid row."""

from dataclasses import replace

from ..catalog import catalog
from .values import copied, values_of


def parts(entity):
    """(entity, link) of the records that are parts of `entity`'s (its order lines)."""
    return [(other, field) for other in catalog().entities(retired=True)
            for field in other.active_fields
            if field.get("part_of") and field.type.refers_to(field) == entity.name]


def line_order(entity):
    """The whole-number field lines are kept in order by (their entity's first sort, like
    "position"), so they can be dragged into place; None when there is none."""
    sorts = entity.spec.get("sorts") or [""]
    field = entity.active_by_name.get(sorts[0])
    kind = field.type.formula_type(field) if field is not None and not field.automatic else None
    return field.name if kind is not None and kind.number and kind.scale == 0 else None


def as_part(service):
    """Parts follow their record: what may be done to an order is done to its lines."""
    return type(service)(replace(service.actor, trusted=True), service.locale, service.depth,
                         service.silent)


def copy_record(service, entity, row):
    """A new record like `row`, with copies of its parts: its own autonumber, computed
    values worked out again, unique values left empty (inside the caller's transaction)."""
    rights = service.allowed(entity, "create")
    made = service.create(entity.name, copied(entity, values_of(entity, row), rights))
    for child, link in parts(entity):
        model = child.model
        order = line_order(child)
        lines = model.select().where(getattr(model, link.name) == row.id).order_by(
            *([getattr(model, order)] if order else []), model.id)
        as_part(service).create_many(child.name, [
            dict(copied(child, values_of(child, line)), **{link.name: made.id}) for line in lines])
    return made


def take_parts_along(service, entity, ids):
    """Deleting records deletes their parts first (an order's lines: their history and the
    stock they held written as for any delete); a part that cannot go stops it all."""
    for child, link in parts(entity) if ids else ():
        model = child.model
        lines = [row.id for row in model.select(model.id).where(
            getattr(model, link.name).in_(ids))]
        for kind, refused in as_part(service).delete_many(child.name, [(i, None) for i in lines]):
            if kind == "rejected":
                raise refused
