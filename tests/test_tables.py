"""System tables of an older installation are brought up to date, data kept."""

from growbase.db import database
from growbase.tables import Event, Outbox, create_system_tables, utcnow


def test_an_older_installation_gets_the_new_columns_and_keeps_its_rows(store):
    Outbox.create(channel="sms", recipient="+79123456789", body="kept", created_at=utcnow())
    for table, column in (("gb_outbox", "not_before"), ("gb_event", "key")):
        if column == "key":
            database.execute_sql('DROP INDEX IF EXISTS "gb_event_key"')
        database.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    create_system_tables()
    assert Outbox.get().body == "kept" and Outbox.get().not_before is None
    row = dict(entity="order", record_id=1, kind="time", changed=[], key="k1")
    Event.insert(row).execute()
    Event.insert(row).on_conflict_ignore().execute()  # the key is still unique
    assert Event.select().count() == 1
