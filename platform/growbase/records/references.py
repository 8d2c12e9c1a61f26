"""Which records still link to the ones about to be deleted."""

from collections import Counter

from peewee import fn

from ..catalog import catalog


def references(entity, ids):
    """{id: ["3 × Order (Customer)", ...]} for the records others still link to; links
    from records deleted in the same batch do not count."""
    uses = {}
    for other in catalog().entities(retired=True):
        for field in other.active_fields:
            if field.type.refers_to(field) != entity.name or field.get("part_of"):
                continue  # lines go with their order
            column, ordered = getattr(other.model, field.name), sorted(ids)
            counts = Counter()
            for start in range(0, len(ordered), 500):
                part = column.in_(ordered[start:start + 500])
                if other.name == entity.name:  # which rows link, to leave out the doomed
                    counts.update(target for target, source in other.model.select(
                        column, other.model.id).where(part).tuples() if source not in ids)
                else:
                    counts.update(dict(other.model.select(column, fn.COUNT(
                        other.model.id)).where(part).group_by(column).tuples()))
            for record_id, count in counts.items():
                uses.setdefault(record_id, []).append(
                    f"{count} × {other.label()} ({field.label()})")
    return uses

