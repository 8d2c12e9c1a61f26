"""One app fixture; every storage test runs on SQLite and on PostgreSQL (GROWBASE_TEST_BACKENDS)."""

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))
# the app queues events for the worker: into a queue of the test run's own, never data/
os.environ.setdefault("HUEY_URL", f"sqlite:///{tempfile.mkdtemp(prefix='gb-tests-')}/huey.db")
# passwords hashed with a lighter scrypt (the real one takes 75 ms, and tests log in thousands
# of times); the servers and workers tests start inherit it
os.environ.setdefault("GROWBASE_PASSWORD_HASH", "scrypt:1024:8:1")

from helpers import PG_URL, Api, configure, free_port, log_in, pg_admin  # noqa: E402

from growbase import catalog as catalog_module  # noqa: E402
from growbase.db import database  # noqa: E402

BACKENDS = [b for b in os.environ.get("GROWBASE_TEST_BACKENDS", "sqlite,postgres").split(",") if b]


def pytest_collection_modifyitems(items):
    """Mark each test by what it needs (pytest.ini lists the markers): a PostgreSQL run of
    a storage test, a browser test; slow ones say so themselves."""
    for item in items:
        params = getattr(item, "callspec", None)
        if params is not None and params.params.get("database_url") == "postgres":
            item.add_marker(pytest.mark.postgres)
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'growbase.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with pg_admin() as conn, conn.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with pg_admin() as conn, conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def db(settings):
    """The database opened as an entry point opens it, with the test's settings handed down."""
    from growbase.boot import start
    catalog_module.forget()
    start(settings)
    real = database.obj
    yield real
    if hasattr(real, "close_all"):
        real.close_all()
    else:
        real.close()
    database.initialize(None)
    catalog_module.forget()


@pytest.fixture
def store(db, request):
    """The database with the starter (online shop) definitions applied, unless the test's
    module works on entities of its own (STARTER_SHOP = False)."""
    from growbase.designer.store import apply_definitions, load_files
    if getattr(request.module, "STARTER_SHOP", True):
        apply_definitions(load_files(ROOT / "schemas"), author="test")
    return db


@pytest.fixture
def service(store):
    from growbase.records import RecordService
    return RecordService(locale="en")


@pytest.fixture
def shop(service):
    """The starter rules, a logistics and a manager user, and one customer (returned)."""
    from growbase.auth import create_user
    from growbase.automation.rules import apply_rules
    from growbase.designer.store import load_files
    apply_rules(load_files(ROOT / "automations"))
    create_user("lena", "lena-password", role="logistics", full_name="Лена")
    create_user("anna", "anna-password", role="manager", full_name="Анна")
    return service.create("customer", {"name": "Иван Петров", "phone": "8 912 345-67-89"})


@pytest.fixture
def run(database_url, tmp_path):
    """`python run.py ARGS` against the test database; checks the exit code unless ok=False."""
    env = dict(os.environ, DATABASE_URL=database_url, GROWBASE_DATA=str(tmp_path),
               HUEY_URL=f"sqlite:///{tmp_path / 'huey.db'}", GROWBASE_DEMO="0")

    def call(*args, ok=True):
        result = subprocess.run([sys.executable, str(ROOT / "run.py"), *args], env=env,
                                capture_output=True, text=True, timeout=120)
        if ok:
            assert result.returncode == 0, result.stdout + result.stderr
        return result
    return call


@pytest.fixture
def settings(tmp_path, database_url):
    from growbase.config import load_settings
    return load_settings(data_dir=tmp_path, database_url=database_url, secret_key="test-secret",
                         demo=False)


@pytest.fixture
def app(store, settings):
    from growbase.app import create_app
    application = create_app(settings)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def owner(store):
    from growbase.auth import create_user
    return create_user("owner", "owner-password", role="owner", full_name="Olga Owner")


@pytest.fixture
def client(app, owner):
    """A browser-like client, logged in as the owner."""
    test_client = app.test_client()
    response = log_in(test_client, "owner", "owner-password")
    assert response.status_code == 302
    return test_client


@pytest.fixture
def api(app, owner):
    from growbase.auth import create_token
    return Api(app.test_client(), create_token(owner, "tests"))


@pytest.fixture
def smtp(db):
    """A real SMTP server on 127.0.0.1 the email channel sends to; the messages it got."""
    class Inbox:
        messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    configure(smtp_url=f"smtp://127.0.0.1:{controller.port}", mail_from="shop@example.com")
    yield handler.messages
    controller.stop()
