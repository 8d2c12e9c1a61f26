"""Backups taken while four writers write restore whole: every record committed before the
backup began is there, and the counts are the manifest's. Restore asks before it replaces."""

import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
import zipfile

import pytest
from growbase.records import RecordService
from helpers import PG_URL, ROOT, pg_admin, wait_for


def writers(stop, committed, errors, count=4):
    def write(n):
        service = RecordService()
        i = 0
        while not stop.is_set():
            try:
                row = service.create("customer", {"name": f"Writer {n}-{i}"})
                committed.append((time.monotonic(), row.id))
            except Exception as exc:  # the test fails on any, after the threads stop
                errors.append(exc)
            i += 1
    threads = [threading.Thread(target=write, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    return threads


def run_py(env, *args):
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def fresh_target(database_url, tmp_path):
    """Where to restore: a new SQLite file, or a new PostgreSQL database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'growbase.db'}"
        return
    name = f"gb_restore_{uuid.uuid4().hex[:8]}"
    admin = pg_admin()  # (not `with`: psycopg2 would open a transaction, which these refuse)
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    yield PG_URL.rsplit("/", 1)[0] + f"/{name}?" + database_url.split("?", 1)[1]
    admin.cursor().execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


def restored_customers(url):
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split("sqlite:///", 1)[1])
        try:
            return {r[0] for r in conn.execute('SELECT id FROM "e_customer"')}
        finally:
            conn.close()
    import psycopg2
    base, query = url.split("?", 1)
    schema = query.split("%3D", 1)[1]
    with psycopg2.connect(base) as conn, conn.cursor() as cur:
        cur.execute(f'SELECT id FROM "{schema}"."e_customer"')
        return {r[0] for r in cur.fetchall()}


@pytest.mark.slow
def test_a_backup_under_load_restores_whole(store, database_url, tmp_path, fresh_target):
    env = dict(os.environ, DATABASE_URL=database_url, GROWBASE_DATA=str(tmp_path / "data"),
               GROWBASE_DEMO="0")
    stop, committed, errors = threading.Event(), [], []
    threads = writers(stop, committed, errors)
    wait_for(lambda: len(committed) > 20 or errors, timeout=60)  # the writers got going
    began = time.monotonic()
    made = run_py(env, "backup", str(tmp_path / "backups"))
    time.sleep(0.3)
    stop.set()
    for thread in threads:
        thread.join()
    assert made.returncode == 0, made.stderr
    assert not errors, errors[:3]
    path = made.stdout.strip().splitlines()[-1]
    names = zipfile.ZipFile(path).namelist()
    assert "schemas/customer.json" in names and "manifest.json" in names
    before = {record_id for at, record_id in committed if at < began}
    assert len(before) > 20, "the writers did not get going"

    target_env = dict(os.environ, DATABASE_URL=fresh_target,
                      GROWBASE_DATA=str(tmp_path / "restored"), GROWBASE_DEMO="0")
    asked = run_py(target_env, "restore", path)
    assert asked.returncode != 0 and "run again with --yes" in asked.stderr + asked.stdout
    done = run_py(target_env, "restore", path, "--yes")
    assert done.returncode == 0, done.stderr + done.stdout
    back = restored_customers(fresh_target)
    assert before <= back  # every record committed before the backup began
    manifest = __import__("json").loads(zipfile.ZipFile(path).read("manifest.json"))
    if manifest["records"]:
        assert manifest["records"]["customer"] == len(back)
    assert len(back) <= len(committed) + 1


def test_restore_refuses_what_is_not_a_backup(tmp_path, run):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    result = run("restore", str(junk), "--yes", ok=False)
    assert result.returncode != 0 and "is not a growbase backup" in result.stderr


def test_the_owner_sees_how_old_the_last_backup_is(client, settings):
    from growbase.backups import make
    assert "No backup has been made yet" in client.get("/admin/").get_data(as_text=True)
    make(settings)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Last backup:" in page and "No backup" not in page


def test_nightly_backups_keep_the_days_asked_for(store, settings):
    from growbase.backups import folder, make, prune
    old = make(settings)
    week_ago = time.time() - 8 * 86400
    os.utime(old, (week_ago, week_ago))
    new = make(settings)
    assert prune(settings, days=7) == 1
    assert sorted(folder(settings).glob("*.zip")) == [new]


def test_a_backup_is_private_holds_the_key_and_cannot_write_outside_the_data_folder(
        tmp_path):
    """Database and backup files are the owner's alone (0600); the secret key travels
    with the backup (sessions and tokens keep working after a restore); an entry that
    would land outside the data folder refuses the whole backup before anything is
    written."""
    data = tmp_path / "data"
    env = dict(os.environ, GROWBASE_DATA=str(data), GROWBASE_DEMO="0",
               DATABASE_URL=f"sqlite:///{data / 'growbase.db'}",
               HUEY_URL=f"sqlite:///{data / 'huey.db'}")
    env.pop("GROWBASE_SECRET_KEY", None)
    made = run_py(env, "backup")
    assert made.returncode == 0, made.stderr
    backup = next((data / "backups").glob("growbase-*.zip"))
    for path in (data / "growbase.db", backup, data / "secret_key"):
        assert path.stat().st_mode & 0o077 == 0, (path, oct(path.stat().st_mode))
    with zipfile.ZipFile(backup) as bundle:
        assert bundle.read("secret_key").decode().strip() == (data / "secret_key").read_text(
        ).strip()
        parts = {name: bundle.read(name) for name in bundle.namelist()}
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as bundle:
        for name, content in parts.items():
            bundle.writestr(name, content)
        bundle.writestr("files/jobs/../../../planted.txt", "owned")
    before = (data / "growbase.db").read_bytes()
    refused = run_py(env, "restore", str(evil), "--yes")
    assert refused.returncode != 0 and "outside the data folder" in refused.stdout + \
        refused.stderr, refused
    assert not (tmp_path / "planted.txt").exists()
    assert (data / "growbase.db").read_bytes() == before  # nothing was restored
    (data / "secret_key").write_text("another")
    restored = run_py(env, "restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert (data / "secret_key").read_text().strip() == parts["secret_key"].decode().strip()
