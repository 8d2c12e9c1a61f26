"""Database binding: one proxy every model uses, SQLite (WAL) by default, PostgreSQL by URL."""

import logging
import os
import re
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from peewee import (SQL, AutoField, BigIntegerField, BooleanField, CharField, DatabaseProxy,
                    DateField, DateTimeField, IntegerField, NodeList, OperationalError,
                    PostgresqlDatabase, SqliteDatabase, TextField, fn)
from playhouse.db_url import connect, parse

from .sqlite_writers import QueuedSqliteDatabase

database = DatabaseProxy()
MAX_ID = 2 ** 63 - 1  # the largest whole number both databases store (and so any id)
# characters no database keeps: PostgreSQL refuses U+0000, UTF-8 has no lone surrogates
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "busy_timeout": 15000,
    "foreign_keys": 1,
    "cache_size": -32000,
}


log = logging.getLogger(__name__)


catch_up = []  # what queues a look for everything waiting (set by the worker module)
_missed = []  # this process could not queue something since the queue last answered


def after_commit(call, what):
    """Run `call` once the transaction commits.

    WARNING: what fails there (the queue unreachable: Redis down, a full disk) must not
    turn a committed write into an error reply: clients retry, and the write happens
    twice. It is logged; the worker's sweep finds what `call` would have queued (events
    and messages wait in their tables), so nothing is lost — and the first call that gets
    through again also queues a look for them, so they run at once, not at the next
    minute's sweep."""
    def guarded():
        try:
            call()
            if _missed and catch_up:
                catch_up[0]()
                _missed.clear()
        except Exception as exc:
            _missed.append(what)
            log.warning("committed, but could not queue %s (%s: %s); the sweep will", what,
                        exc.__class__.__name__, exc)
    database.after_commit(guarded)


def private_file(path):
    """Create `path` readable by this user only (0600), or make it so: a database or a
    backup holds every customer's phone and every password hash. SQLite gives its -wal
    and -shm files the database file's mode."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    try:
        path.chmod(0o600)
    except PermissionError:  # another user's file, shared on purpose: theirs to decide
        log.warning("could not make %s private (0600): it belongs to another user", path)
    return path


def busy(exc):
    """Did the database give up waiting for another writer (SQLite has one writer at a time:
    a long import holds it), rather than fail? Then trying again later will do."""
    return isinstance(exc, OperationalError) and "locked" in str(exc)


def casefold(value):
    """Lower-case like PostgreSQL's lower() under UTF-8; SQLite's own only knows ASCII."""
    return value.lower() if isinstance(value, str) else value


SQLITE_FUNCTIONS = {}  # name: (function, arguments): Python that SQLite calls, where its own
#                       SQL would disagree with PostgreSQL's (formulas add theirs)


def open_database(url: str, **options):
    """Connect the proxy to the database at `url` and return the real database."""
    if url.startswith("sqlite:///"):
        path = Path(parse(url)["database"])
        if str(path) != ":memory:":
            private_file(path)
        # IMMEDIATE: a writer takes the lock at BEGIN, so two writers queue
        # instead of failing with "database is locked" on upgrade.
        # pooled: a request reuses an open connection instead of re-running the pragmas
        pragmas = {**SQLITE_PRAGMAS, **options.pop("pragmas", {})}
        db = QueuedSqliteDatabase(str(path), pragmas=pragmas, lock_type="IMMEDIATE",
                                  check_same_thread=False, max_connections=32,
                                  stale_timeout=300, **options)
        db.register_function(casefold, "gb_lower", 1, deterministic=True)
        for name, (function, arguments) in SQLITE_FUNCTIONS.items():
            db.register_function(function, name, arguments, deterministic=True)
    else:
        if url.startswith(("postgresql://", "postgres://")):
            # a pool: a fresh PostgreSQL connection per request would cost more than the query
            url = "postgresql+pool://" + url.split("://", 1)[1]
            options.setdefault("max_connections", 32)
            options.setdefault("stale_timeout", 300)
        db = connect(url, **options)
    database.initialize(db)
    return db


# peewee column classes whose db_value() hands these Python types over unchanged
_PLAIN = {CharField: (str,), TextField: (str,), IntegerField: (int,), BigIntegerField: (int,),
          BooleanField: (bool,), DateTimeField: (datetime,), DateField: (date,)}


@lru_cache(maxsize=512)
def _insert_template(model, backend):
    """(INSERT sql, per-column plan): the plan is what _params needs of each field, looked
    up once instead of on every value of every row."""
    fields = [f for f in model._meta.sorted_fields if not isinstance(f, AutoField)]
    plan = tuple((f.name, f.default, callable(f.default), _PLAIN.get(type(f), ()), f.db_value)
                 for f in fields)
    return model.insert({f: None for f in fields}).sql()[0], plan


def _params(plan, values):
    params = []
    for name, default, factory, plain, convert in plan:
        if name in values:
            value = values[name]
        else:
            value = default() if factory else default
        params.append(value if value is None or type(value) in plain else convert(value))
    return params


def insert_row(model, values):
    """INSERT one row and return its id, reusing the statement's SQL.

    The record service writes three rows per change; letting peewee rebuild each
    statement's SQL cost more than SQLite took to run it.
    """
    sql, plan = _insert_template(model, type(database.obj))
    cursor = database.execute_sql(sql, _params(plan, values))
    return cursor.fetchone()[0] if is_postgres() else cursor.lastrowid


@lru_cache(maxsize=128)
def _many_sql(model, with_id, count, backend):
    fields = [f for f in model._meta.sorted_fields if not isinstance(f, AutoField)]
    names = (["id"] if with_id else []) + [f.column_name for f in fields]
    marks = "(" + ", ".join([database.obj.param] * len(names)) + ")"
    columns = ", ".join(f'"{name}"' for name in names)
    return f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES {", ".join([marks] * count)}'


def insert_returning(model, rows, chunk=500):
    """INSERT many rows with multi-row statements; return their ids in the rows' order.

    A million-row import spent a fifth of its time sending one INSERT per record. On
    PostgreSQL the ids are taken from the sequence first and written explicitly; on
    SQLite, inside the caller's transaction (one writer), a multi-row INSERT numbers its
    rows consecutively, so they end at lastrowid.
    """
    return _insert_many(model, rows, chunk, with_ids=True)


def insert_rows(model, rows, chunk=500):
    """INSERT many rows with multi-row statements (ids not returned)."""
    _insert_many(model, rows, chunk, with_ids=False)


def one_of(column, ids):
    """`column IN (ids)` with the ids passed as they are: peewee builds a node per value of
    an in_() list, which for the thousands of records a batch touches cost more than the
    statement itself. (Keep lists under MAX_PARAMS.)"""
    ids = list(ids)
    if not ids:
        return SQL("1 = 0")
    return NodeList((column, SQL(f"IN ({', '.join([database.obj.param] * len(ids))})", ids)))


MAX_PARAMS = 32_000  # SQLite takes at most 32,766 parameters a statement (PostgreSQL 65,535)


def _insert_many(model, rows, chunk, with_ids):
    _sql, plan = _insert_template(model, type(database.obj))
    chunk = max(1, min(chunk, MAX_PARAMS // (len(plan) + 1)))  # a wide entity: fewer rows
    ids = []
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        values = [_params(plan, row) for row in part]
        numbers = None
        if with_ids and is_postgres():
            numbers = [row[0] for row in database.execute_sql(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                (f"{model._meta.table_name}_id_seq", len(part))).fetchall()]
            values = [[number] + row for number, row in zip(numbers, values)]
        cursor = database.execute_sql(_many_sql(model, bool(numbers), len(part),
                                                type(database.obj)),
                                      [p for row in values for p in row])
        if with_ids:
            ids += numbers or range(cursor.lastrowid - len(part) + 1, cursor.lastrowid + 1)
    return ids


@lru_cache(maxsize=512)
def _exists_template(model, column, excluding, backend):
    mark = database.obj.param
    sql = (f'SELECT 1 FROM "{model._meta.table_name}" '
           f'WHERE "{model._meta.fields[column].column_name}" = {mark}')
    return sql + (f' AND "id" <> {mark}' if excluding else "") + " LIMIT 1"


def row_exists(model, column, value, excluding=None):
    """Is there a row whose `column` equals `value` (other than id `excluding`)? Cached SQL."""
    sql = _exists_template(model, column, excluding is not None, type(database.obj))
    params = [model._meta.fields[column].db_value(value)]
    if excluding is not None:
        params.append(excluding)
    return database.execute_sql(sql, params).fetchone() is not None


@lru_cache(maxsize=1024)
def _update_template(model, columns, backend):
    mark = database.obj.param
    sets = ", ".join(f'"{model._meta.fields[c].column_name}" = {mark}' for c in columns)
    return (f'UPDATE "{model._meta.table_name}" SET "_version" = "_version" + 1, {sets} '
            f'WHERE "id" = {mark} AND "_version" = {mark}')


def update_row(model, record_id, version, values):
    """Optimistic UPDATE of one row at `version` (bumped by one); return rows changed."""
    columns = tuple(values)
    sql = _update_template(model, columns, type(database.obj))
    params = [None if values[c] is None else model._meta.fields[c].db_value(values[c])
              for c in columns]
    return database.execute_sql(sql, params + [record_id, version]).rowcount


@lru_cache(maxsize=512)
def _select_sql(model, columns, ids, for_update, backend):
    selected = [model._meta.fields[c] for c in columns] if columns else []
    query = model.select(*selected).where(model.id.in_([0] * ids) if ids > 1 else model.id == 0)
    return (query.for_update() if for_update else query).sql()[0]


def fetch(model, ids, columns=(), for_update=False):
    """Rows of `model` by id (all columns, or the attribute names given), with cached SQL.

    Reading a record by id is the hottest query there is; peewee would rebuild its
    SQL, which costs more than running it.
    """
    ids = list(ids)
    if not ids:
        return []
    sql = _select_sql(model, tuple(columns), len(ids), for_update and is_postgres(),
                      type(database.obj))
    return list(model.raw(sql, *ids))


@lru_cache(maxsize=256)
def _where_sql(model, columns, backend):
    mark = database.obj.param
    where = " AND ".join(f'"{model._meta.fields[c].column_name}" = {mark}' for c in columns)
    selected = ", ".join(f'"{f.column_name}"' for f in model._meta.sorted_fields)
    return f'SELECT {selected} FROM "{model._meta.table_name}" WHERE {where} LIMIT 1'


def fetch_where(model, **equals):
    """The first row whose columns equal the given values, or None (cached SQL)."""
    columns = tuple(equals)
    sql = _where_sql(model, columns, type(database.obj))
    params = [model._meta.fields[c].db_value(equals[c]) for c in columns]
    rows = list(model.raw(sql, *params))
    return rows[0] if rows else None


@lru_cache(maxsize=256)
def _update_by_id_sql(model, columns, increments, backend):
    mark = database.obj.param
    sets = [f'"{model._meta.fields[c].column_name}" = {mark}' for c in columns]
    sets += [f'"{model._meta.fields[c].column_name}" = "{model._meta.fields[c].column_name}" + 1'
             for c in increments]
    return f'UPDATE "{model._meta.table_name}" SET {", ".join(sets)} WHERE "id" = {mark}'


def update_by_id(model, row_id, increment=(), **values):
    """UPDATE one row by id (cached SQL); `increment` names counters to add one to."""
    columns = tuple(values)
    sql = _update_by_id_sql(model, columns, tuple(increment), type(database.obj))
    params = [None if values[c] is None else model._meta.fields[c].db_value(values[c])
              for c in columns]
    database.execute_sql(sql, params + [row_id])


@lru_cache(maxsize=256)
def _in_sql(model, column, count, backend):
    marks = ", ".join([database.obj.param] * count)
    return (f'SELECT "id", "{model._meta.fields[column].column_name}" FROM '
            f'"{model._meta.table_name}" WHERE "{model._meta.fields[column].column_name}" '
            f'IN ({marks})')


def matching_rows(model, column, values, chunk=500):
    """[(id, value)] of the rows whose `column` holds one of `values`, a query per 500
    values with cached SQL (an import asks this of every chunk of 2,000 rows)."""
    field = model._meta.fields[column]
    values, found = list(values), []
    for start in range(0, len(values), chunk):
        part = values[start:start + chunk]
        cursor = database.execute_sql(_in_sql(model, column, len(part), type(database.obj)),
                                      [field.db_value(value) for value in part])
        found += [(row_id, field.python_value(value)) for row_id, value in cursor.fetchall()]
    return found


def existing_values(model, column, values):
    """The subset of `values` present in `column`."""
    return {value for _id, value in matching_rows(model, column, values)}


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


BROAD = 4  # a filter keeping more than a quarter of the rows is read straight through


def straight_through(query, model):
    """On SQLite, a grouped sum over most of a table reads it straight through, not through
    an index on its filter (a lookup per row: 1.7 s instead of 0.5 s over 700,000 of
    1,000,000 orders); a narrow filter keeps its index. PostgreSQL's planner weighs this."""
    if is_postgres() or query._where is None:
        return query
    rows = model.select(fn.MAX(model.id)).scalar() or 0  # about as many (a count would scan)
    if rows < 50_000 or query.order_by().count() * BROAD < rows:
        return query
    return query.from_(SQL(f'"{model._meta.table_name}" AS "t1" NOT INDEXED'))


def lower(expr):
    """SQL lower() that agrees with Python's str.lower() on both back ends."""
    return fn.gb_lower(expr) if not is_postgres() else fn.LOWER(expr)


@contextmanager
def ddl():
    """Run schema changes in one transaction.

    WARNING: SQLite rebuilds tables for some ALTERs and, with foreign keys on,
    a rebuild can null or cascade child rows. Foreign keys go off *before* the
    transaction (the pragma is ignored inside one) and are checked before commit.
    """
    db = database.obj
    if isinstance(db, SqliteDatabase):
        db.execute_sql("PRAGMA foreign_keys = OFF")
        try:
            with db.atomic():
                yield db
                problems = db.execute_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise RuntimeError(f"schema change would break links: {problems[:5]}")
        finally:
            db.execute_sql("PRAGMA foreign_keys = ON")
    else:
        with db.atomic():
            yield db
