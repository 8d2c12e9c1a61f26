"""Database binding: one proxy every model uses, SQLite (WAL) by default, PostgreSQL by URL."""

from contextlib import contextmanager
from pathlib import Path

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect, parse

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "busy_timeout": 15000,
    "foreign_keys": 1,
    "cache_size": -32000,
}


def casefold(value):
    """Lower-case like PostgreSQL's lower() under UTF-8; SQLite's own only knows ASCII."""
    return value.lower() if isinstance(value, str) else value


def open_database(url: str, **options):
    """Connect the proxy to the database at `url` and return the real database."""
    if url.startswith("sqlite:///"):
        path = Path(parse(url)["database"])
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        # IMMEDIATE: a writer takes the lock at BEGIN, so two writers queue
        # instead of failing with "database is locked" on upgrade.
        db = SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE",
                            check_same_thread=False, **options)
        db.register_function(casefold, "gb_lower", 1, deterministic=True)
    else:
        if url.startswith(("postgresql://", "postgres://")):
            # a pool: a fresh PostgreSQL connection per request would cost more than the query
            url = "postgresql+pool://" + url.split("://", 1)[1]
            options.setdefault("max_connections", 32)
            options.setdefault("stale_timeout", 300)
        db = connect(url, **options)
    database.initialize(db)
    return db


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def lower(expr):
    """SQL lower() that agrees with Python's str.lower() on both back ends."""
    from peewee import fn
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
