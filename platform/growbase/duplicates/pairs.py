"""The merge queue as kept: pairs found, dismissed or merged (gb_duplicate_pair), and the
question the data-quality check asks of it (is a record in an open pair?)."""

from ..db import database, insert_rows
from ..tables import DuplicatePair, utcnow


def keep(entity_name, found, whole=False):
    """Store what a scan found: a new pair opens; a dismissed or merged one stays as it
    is; with `whole` (a scan of all records) open pairs no longer found are dropped."""
    with database.atomic():
        known = {(p.a, p.b): p for p in DuplicatePair.select().where(
            DuplicatePair.entity == entity_name)} if whole or len(found) > 50 else {
            (p.a, p.b): p for p in DuplicatePair.select().where(
                (DuplicatePair.entity == entity_name) &
                DuplicatePair.a.in_({a for a, _b in found}))}
        now = utcnow()
        insert_rows(DuplicatePair, [
            {"entity": entity_name, "a": a, "b": b, "score": round(score, 3), "why": why,
             "state": "open", "found_at": now}
            for (a, b), (score, why) in found.items() if (a, b) not in known])
        for pair, (score, why) in found.items():
            old = known.get(pair)
            if old is not None and old.state == "open" and \
                    (round(score, 3), why) != (old.score, old.why):
                DuplicatePair.update(score=round(score, 3), why=why).where(
                    DuplicatePair.id == old.id).execute()
        if whole:
            gone = [p.id for pair, p in known.items() if pair not in found and p.state == "open"]
            for start in range(0, len(gone), 500):
                DuplicatePair.delete().where(DuplicatePair.id.in_(gone[start:start + 500])) \
                    .execute()


def keep_one(entity_name, record_id, found):
    """Store the pairs of one record (as it was created)."""
    keep(entity_name, {(min(record_id, other), max(record_id, other)): result
                       for other, result in found.items()})


def open_pairs(entity_name, limit=None):
    query = DuplicatePair.select().where((DuplicatePair.entity == entity_name) &
                                         (DuplicatePair.state == "open")) \
        .order_by(DuplicatePair.score.desc(), DuplicatePair.id)
    return list(query.limit(limit) if limit else query)


def in_open_pair(entity_name):
    """A peewee test of `model.id` for the check: the record is in an open pair."""
    def test(column):
        mine = (DuplicatePair.entity == entity_name) & (DuplicatePair.state == "open")
        return column.in_(DuplicatePair.select(DuplicatePair.a).where(mine)) | \
            column.in_(DuplicatePair.select(DuplicatePair.b).where(mine))
    return test


def is_in_open_pair(entity_name, record_id):
    mine = (DuplicatePair.entity == entity_name) & (DuplicatePair.state == "open")
    return DuplicatePair.select().where(mine & ((DuplicatePair.a == record_id) |
                                                (DuplicatePair.b == record_id))).exists()


def settle(entity_name, kept, dropped):
    """After a merge: the pair is merged; the dropped record's other pairs go to the one
    kept (or close, where they would pair it with itself)."""
    mine = DuplicatePair.entity == entity_name
    DuplicatePair.update(state="merged").where(
        mine & (DuplicatePair.a == min(kept, dropped)) & (DuplicatePair.b == max(kept, dropped))
    ).execute()
    DuplicatePair.delete().where(mine & (DuplicatePair.state == "open") & (
        (DuplicatePair.a == dropped) | (DuplicatePair.b == dropped))).execute()
