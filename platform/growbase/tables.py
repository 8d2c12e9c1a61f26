"""The fixed system tables; entity tables are built at runtime by `models`."""

import json
import re
from datetime import datetime, timezone

import orjson
from playhouse.migrate import SchemaMigrator, migrate
from peewee import (AutoField, BigIntegerField, BlobField, BooleanField, CharField, DateField,
                    DateTimeField, FloatField, ForeignKeyField, IntegerField, Model, TextField)

from .db import database, is_postgres


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


_ORJSON = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME  # as json.dumps has it


def _encode(value):
    """JSON text as json.dumps(ensure_ascii=False, default=str) writes it, but compact and
    several times faster: every change writes two or three of these."""
    return orjson.dumps(value, default=str, option=_ORJSON).decode()


class JSONField(TextField):
    """JSON kept as text, the same on SQLite and PostgreSQL."""

    def db_value(self, value):
        return None if value is None else _encode(value)

    def python_value(self, value):
        return None if value is None else json.loads(value)


def system_table(model):
    """A system table's name: gb_ and the class's name in snake case (ApiToken: gb_api_token)."""
    return "gb_" + re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


class SystemModel(Model):
    class Meta:
        database = database
        table_function = system_table
        legacy_table_names = False  # indexes named after the table: gb_event_key


OWNER = "owner"  # the role that may do everything, and is told what goes wrong


class User(SystemModel):
    id = AutoField()
    username = CharField(max_length=80, unique=True)
    full_name = CharField(max_length=200, default="")
    email = CharField(max_length=254, default="")
    password_hash = CharField(max_length=255)
    role = CharField(max_length=40, default="manager", index=True)
    active = BooleanField(default=True)
    locale = CharField(max_length=10, default="en")
    time_zone = CharField(max_length=64, default="")  # "": the business's (GROWBASE_TIME_ZONE)
    email_notifications = BooleanField(default=False)  # inbox messages also by email
    totp_secret = CharField(max_length=64, null=True)  # a second factor, when turned on
    branch = CharField(max_length=100, default="")  # rows rules may ask for "my branch"
    session_version = IntegerField(default=0)  # sessions of an older one are over
    created_at = DateTimeField(default=utcnow)

    # Flask-Login protocol
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return str(self.id)

    @property
    def display_name(self):
        return self.full_name or self.username

    @property
    def is_owner(self):
        return self.role == OWNER


class ApiToken(SystemModel):
    id = AutoField()
    user = ForeignKeyField(User, backref="tokens", on_delete="CASCADE")
    name = CharField(max_length=80)
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    intake = CharField(max_length=64, null=True)  # only good for posting to this intake


class Definition(SystemModel):
    """One saved version of an entity definition; the newest per name is live."""
    id = AutoField()
    kind = CharField(max_length=20, default="entity")
    name = CharField(max_length=64)
    version = IntegerField()
    body = JSONField()
    author = CharField(max_length=80, default="system")
    note = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("kind", "name", "version"), True),)


class ConfigState(SystemModel):
    """A single row whose `version` every process compares to its cache."""
    id = IntegerField(primary_key=True)
    version = IntegerField(default=0)

    class Meta:
        table_name = "gb_config"


class Audit(SystemModel):
    id = AutoField()
    entity = CharField(max_length=64)
    record_id = BigIntegerField()
    record_version = IntegerField()
    action = CharField(max_length=10)  # create | update | delete
    changes = JSONField()  # {field: [old, new]} in JSON values
    user_id = IntegerField(null=True)
    username = CharField(max_length=80, default="system")
    source = CharField(max_length=120, default="", index=True)  # an import is undone by it
    at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("entity", "record_id", "id"), False),)


class Event(SystemModel):
    """The outbox: written in the same transaction as the change it describes."""
    id = AutoField()
    entity = CharField(max_length=64)
    record_id = BigIntegerField()
    kind = CharField(max_length=20)  # created | updated | deleted | time | schedule
    changed = JSONField()  # names of changed fields
    before = JSONField(null=True)
    after = JSONField(null=True)
    user_id = IntegerField(null=True)
    source = CharField(max_length=120, default="")
    silent = BooleanField(default=False)  # imports may opt out of automations
    depth = IntegerField(default=0)
    state = CharField(max_length=10, default="pending", index=True)
    rule = CharField(max_length=64, null=True)  # time and schedule events are for one rule
    key = CharField(max_length=200, null=True, unique=True)  # one event per rule, record, due
    created_at = DateTimeField(default=utcnow)


class AutomationRun(SystemModel):
    """One rule fired by one event: its outcome, error and attempts, for the run log."""
    id = AutoField()
    event_id = BigIntegerField(index=True)
    rule = CharField(max_length=64, index=True)
    entity = CharField(max_length=64)
    record_id = BigIntegerField()
    trigger = CharField(max_length=40)
    status = CharField(max_length=10, default="running", index=True)  # running|done|failed|skipped
    error = TextField(default="")
    attempts = IntegerField(default=0)
    started_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)

    @property
    def duration_ms(self):
        if self.finished_at is None or self.started_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds() * 1000)

    class Meta:
        indexes = ((("event_id", "rule"), True),)


class ActionRun(SystemModel):
    """One action of one run; the unique key makes a retried run skip what already ran."""
    id = AutoField()
    key = CharField(max_length=160, unique=True)  # event:rule:action index
    run = ForeignKeyField(AutomationRun, backref="actions", on_delete="CASCADE")
    action = CharField(max_length=40)
    outcome = TextField(default="")  # as the worker said it
    said = JSONField(null=True)  # [message id, parameters]: said again in a reader's language
    message = BigIntegerField(null=True)  # the outbox row it wrote, for its delivery state
    at = DateTimeField(default=utcnow)


class Outbox(SystemModel):
    """Messages on their way out (or, with the embedded adapter, kept here for the UI).

    queued -> sending -> sent | failed; deferred until `not_before` (quiet hours, daily
    cap); `stored` when the embedded adapter keeps it. A row left in `sending` by a worker
    that died is marked `unknown`, never sent twice behind the owner's back.
    """
    id = AutoField()
    channel = CharField(max_length=10)  # sms | email | webhook
    recipient = CharField(max_length=320)
    subject = CharField(max_length=300, default="")
    body = TextField()
    html = TextField(default="")
    status = CharField(max_length=10, default="stored", index=True)
    attempts = IntegerField(default=0)
    error = TextField(default="")
    not_before = DateTimeField(null=True)
    released_at = DateTimeField(null=True)  # when it was let out (for the daily cap)
    rule = CharField(max_length=64, default="")
    entity = CharField(max_length=64, default="")
    record_id = BigIntegerField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)
    attachments = JSONField(null=True)  # [{"id", "name", "type"}] in the file storage

    class Meta:
        indexes = ((("channel", "recipient", "created_at"), False),)


class Notification(SystemModel):
    """An in-app message for one user (the inbox)."""
    id = AutoField()
    user = ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    text = TextField()
    entity = CharField(max_length=64, default="")
    record_id = BigIntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("user", "read_at"), False),)


class Heartbeat(SystemModel):
    name = CharField(max_length=40, primary_key=True)
    at = DateTimeField(default=utcnow)


class Watermark(SystemModel):
    """How far the clock has looked for a time or schedule rule (local time)."""
    name = CharField(max_length=100, primary_key=True)
    at = DateTimeField()


class Counter(SystemModel):
    """The last number an autonumber field gave (per year, for formats with {YYYY})."""
    key = CharField(max_length=120, primary_key=True)  # entity.field id[.year]
    value = BigIntegerField(default=0)


class ImportMapping(SystemModel):
    """The column -> field mapping last used to import into an entity, offered next time."""
    entity = CharField(max_length=64, primary_key=True)
    columns = JSONField()  # {column title: field name or ""}


class Job(SystemModel):
    """An import or export: what was asked, how far it got, what came of it.

    draft (uploaded, mapping not confirmed) -> queued -> running -> done | failed.
    Progress while running lives in the queue's key-value store (jobs.progress), so a
    long all-or-nothing transaction does not hide it."""
    id = AutoField()
    kind = CharField(max_length=10)  # import | export
    entity = CharField(max_length=64)
    user = IntegerField(null=True)
    status = CharField(max_length=10, default="draft", index=True)
    filename = CharField(max_length=255, default="")
    options = JSONField(null=True)
    result = JSONField(null=True)  # counts, notes, the first problems
    output = CharField(max_length=255, default="")  # the error file or the export
    error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)


class LoginFailure(SystemModel):
    """Wrong passwords counted per account ("user:NAME") and per address ("ip:ADDR")."""
    key = CharField(max_length=200, primary_key=True)
    count = IntegerField(default=0)
    since = DateTimeField(default=utcnow)
    locked_until = DateTimeField(null=True)


class SavedView(SystemModel):
    """A grid's filters, sort, grouping and columns, kept under a name for its owner (or
    shared with everyone). The one with an empty name is the user's own layout of the
    grid (widths, order, hidden columns), remembered as they drag."""
    id = AutoField()
    entity = CharField(max_length=64)
    user = IntegerField()
    name = CharField(max_length=100, default="")
    shared = BooleanField(default=False)
    config = JSONField()
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("entity", "user", "name"), True),)


class QualityDay(SystemModel):
    """The business's data-quality score and problems on one day, kept through the day by
    the worker, so the Data quality page draws the trend."""
    day = DateField(primary_key=True)
    score = FloatField()
    records = IntegerField(default=0)
    critical = IntegerField(default=0)
    warning = IntegerField(default=0)
    info = IntegerField(default=0)


class IntakeSecret(SystemModel):
    """An intake's shared secret: kept readable, as a signature is checked with it."""
    intake = CharField(max_length=64, primary_key=True)
    secret = CharField(max_length=100)
    created_at = DateTimeField(default=utcnow)


class IntakeEntry(SystemModel):
    """A payload an intake took (its keys unique per intake, its answer for a retry) or
    refused (kept for a replay)."""
    id = AutoField()
    intake = CharField(max_length=64)
    status = CharField(max_length=10, index=True)  # created | refused | replayed
    idem_key = CharField(max_length=200, null=True)  # set only while it holds a record
    external_id = CharField(max_length=200, null=True)
    asked_key = CharField(max_length=200, default="")  # the Idempotency-Key as sent
    payload, answer, problems = JSONField(), JSONField(null=True), JSONField(null=True)
    record_id = IntegerField(null=True)
    address = CharField(max_length=64, default="")
    received_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("intake", "idem_key"), True), (("intake", "external_id"), True))


class DuplicatePair(SystemModel):
    """Two look-alike records: the merge queue (open, dismissed or merged)."""
    id = AutoField()
    entity = CharField(max_length=64)
    a, b = IntegerField(), IntegerField()  # a < b
    score = FloatField()
    why = JSONField()  # [["phone"], ["name", 0.93]]: keys shared, texts alike
    state = CharField(max_length=10, default="open")
    found_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("entity", "a", "b"), True), (("entity", "state", "b"), False))


class DocumentTemplate(SystemModel):
    """A Word template the owner uploaded (or a starter one), the newest per key."""
    key = CharField(max_length=64, primary_key=True)
    entity = CharField(max_length=64)
    name = JSONField()  # {"en": ..., "ru": ...}
    locale = CharField(max_length=10, default="ru")  # the language it writes numbers in
    body = BlobField()
    version = IntegerField(default=1)
    updated_by = CharField(max_length=80, default="starter")
    updated_at = DateTimeField(default=utcnow)


SYSTEM_TABLES = [User, ApiToken, Definition, ConfigState, Audit, Event, AutomationRun, ActionRun,
                 Outbox, Notification, Heartbeat, Watermark, ImportMapping, Job, SavedView,
                 LoginFailure, Counter, QualityDay, IntakeSecret, IntakeEntry,
                 DuplicatePair, DocumentTemplate]


def create_system_tables():
    add_missing_columns()
    database.create_tables(SYSTEM_TABLES, safe=True)  # and their indexes, if not there
    ConfigState.insert(id=1, version=0).on_conflict_ignore().execute()


def add_missing_columns():
    """Bring an older installation's system tables up to date: new columns are added
    (each nullable or with a default), never dropped or rebuilt."""
    migrator = SchemaMigrator.from_database(database)
    present = columns_present()
    for model in SYSTEM_TABLES:
        table = model._meta.table_name
        if table not in present:
            continue
        missing = [f for f in model._meta.sorted_fields if f.column_name not in present[table]]
        if missing:
            migrate(*[migrator.add_column(table, f.column_name, f) for f in missing])


def columns_present():
    """{table: {column, ...}}: on PostgreSQL in one query, not forty round trips a start."""
    if is_postgres():
        found = {}
        for table, column in database.execute_sql(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema()").fetchall():
            found.setdefault(table, set()).add(column)
        return found
    return {t: {c.name for c in database.get_columns(t)} for t in database.get_tables()}
