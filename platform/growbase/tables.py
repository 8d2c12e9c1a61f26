"""The fixed system tables; entity tables are built at runtime by `models`."""

import json
from datetime import datetime, timezone

from peewee import (AutoField, BigIntegerField, BooleanField, CharField, DateTimeField,
                    ForeignKeyField, IntegerField, Model, TextField)

from .db import database


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


class JSONField(TextField):
    """JSON kept as text, the same on SQLite and PostgreSQL."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, default=str)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class SystemModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class User(SystemModel):
    id = AutoField()
    username = CharField(max_length=80, unique=True)
    full_name = CharField(max_length=200, default="")
    email = CharField(max_length=254, default="")
    password_hash = CharField(max_length=255)
    role = CharField(max_length=40, default="manager", index=True)
    active = BooleanField(default=True)
    locale = CharField(max_length=10, default="en")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "gb_user"

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


class ApiToken(SystemModel):
    id = AutoField()
    user = ForeignKeyField(User, backref="tokens", on_delete="CASCADE")
    name = CharField(max_length=80)
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)

    class Meta:
        table_name = "gb_api_token"


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
        table_name = "gb_definition"
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
    source = CharField(max_length=120, default="")
    at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "gb_audit"
        indexes = ((("entity", "record_id", "id"), False),)


class Event(SystemModel):
    """The outbox: written in the same transaction as the change it describes."""
    id = AutoField()
    entity = CharField(max_length=64)
    record_id = BigIntegerField()
    kind = CharField(max_length=20)  # created | updated | deleted
    changed = JSONField()  # names of changed fields
    before = JSONField(null=True)
    after = JSONField(null=True)
    user_id = IntegerField(null=True)
    source = CharField(max_length=120, default="")
    silent = BooleanField(default=False)  # imports may opt out of automations
    depth = IntegerField(default=0)
    state = CharField(max_length=10, default="pending", index=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "gb_event"


class AutomationRun(SystemModel):
    """One rule fired by one event: its outcome, error and attempts, for the run log."""
    id = AutoField()
    event_id = BigIntegerField(index=True)
    rule = CharField(max_length=64, index=True)
    entity = CharField(max_length=64)
    record_id = BigIntegerField()
    trigger = CharField(max_length=40)
    status = CharField(max_length=10, default="running", index=True)  # running|done|failed
    error = TextField(default="")
    attempts = IntegerField(default=0)
    started_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)

    class Meta:
        table_name = "gb_automation_run"
        indexes = ((("event_id", "rule"), True),)


class ActionRun(SystemModel):
    """One action of one run; the unique key makes a retried run skip what already ran."""
    id = AutoField()
    key = CharField(max_length=160, unique=True)  # event:rule:action index
    run = ForeignKeyField(AutomationRun, backref="actions", on_delete="CASCADE")
    action = CharField(max_length=40)
    outcome = TextField(default="")
    at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "gb_action_run"


class Outbox(SystemModel):
    """Messages on their way out (or, with the embedded adapter, kept here for the UI)."""
    id = AutoField()
    channel = CharField(max_length=10)  # sms | email | webhook
    recipient = CharField(max_length=320)
    subject = CharField(max_length=300, default="")
    body = TextField()
    status = CharField(max_length=10, default="stored")  # stored | sent | failed
    rule = CharField(max_length=64, default="")
    entity = CharField(max_length=64, default="")
    record_id = BigIntegerField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "gb_outbox"


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
        table_name = "gb_notification"
        indexes = ((("user", "read_at"), False),)


class Heartbeat(SystemModel):
    name = CharField(max_length=40, primary_key=True)
    at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "gb_heartbeat"


SYSTEM_TABLES = [User, ApiToken, Definition, ConfigState, Audit, Event, AutomationRun, ActionRun,
                 Outbox, Notification, Heartbeat]


def create_system_tables():
    database.create_tables(SYSTEM_TABLES, safe=True)
    ConfigState.insert(id=1, version=0).on_conflict_ignore().execute()
