"""Shared helpers for the benchmarks: a throw-away database with N orders, timing, output."""

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT / "tests")]

STATUSES = ["new", "confirmed", "awaiting_supply", "ready_to_ship", "shipping", "delivered",
            "cancelled"]


@contextmanager
def logged_in_page(url, prefix, username="bench", password="bench-password"):
    """`python run.py` over the bench's database and a Chromium page logged in to it."""
    from helpers import Server, log_in_page
    from playwright.sync_api import sync_playwright
    server = Server(database_url=url, data=tempfile.mkdtemp(prefix=prefix))
    server.start()
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=shutil.which("chromium") or
                                         "/usr/bin/chromium",
                                         args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = log_in_page(chromium, server, username, password)
            page.set_viewport_size({"width": 1600, "height": 1000})
            yield page
            chromium.close()
    finally:
        server.stop()


def report(name, value, unit, target, ok):
    print(f"{name:<58} {value:>10.2f} {unit:<8} target {target:<14} {'OK' if ok else 'MISSED'}")


def median_ms(fn, repeat=200, warmup=20):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def backend():
    return "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"


def reset_postgres():
    """Empty the PostgreSQL database named by DATABASE_URL (the benchmarks own it)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg2
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def fresh_database(url=None):
    """Open an empty database (a temp SQLite file unless DATABASE_URL is given) with the shop."""
    from growbase import catalog as catalog_module
    from growbase.db import open_database
    from growbase.designer.store import apply_definitions, load_files
    from growbase.tables import create_system_tables
    url = url or os.environ.get("DATABASE_URL") or \
        f"sqlite:///{tempfile.mkdtemp(prefix='gb-bench-')}/bench.db"
    reset_postgres()
    db = open_database(url)
    catalog_module.forget()
    create_system_tables()
    apply_definitions(load_files(ROOT / "schemas"), author="bench")
    return url, db


def fill_orders(n, batch=5000):
    """Bulk-insert n orders (setup only: the benchmark measures the paths users take)."""
    from growbase.catalog import catalog
    from growbase.records import RecordService
    customer = RecordService().create("customer", {"name": "Bench", "phone": "+79123456789"})
    model = catalog().entity("order").model
    rng = random.Random(1)
    start = datetime(2025, 1, 1)
    with model._meta.database.atomic():
        for offset in range(0, n, batch):
            rows = [{"number": f"ORD-{i:07d}", "customer": customer.id,
                     "status": rng.choice(STATUSES), "amount": rng.randint(100, 100000),
                     "ordered_at": start + timedelta(minutes=i)}
                    for i in range(offset, min(n, offset + batch))]
            model.insert_many(rows).execute()
    # steady state: PostgreSQL's autovacuum (and growbase's hourly PRAGMA optimize on
    # SQLite) would have gathered statistics by the time anyone lists these orders
    db = model._meta.database
    db.execute_sql("VACUUM ANALYZE" if backend_of(db) == "PostgreSQL" else "ANALYZE")
    return customer


def backend_of(db):
    from peewee import PostgresqlDatabase
    return "PostgreSQL" if isinstance(db.obj if hasattr(db, "obj") else db, PostgresqlDatabase) \
        else "SQLite"
