"""SQLite has one writer at a time: while a long import holds it, other saves wait, and
past the wait they are refused with a message (503), never a crash page or a lost edit."""

import sqlite3
from contextlib import contextmanager

import pytest
from helpers import csrf_token, xlsx_bytes

from growbase.db import open_database


@pytest.fixture
def database_url(tmp_path):
    """SQLite only: PostgreSQL writers do not share one lock."""
    return f"sqlite:///{tmp_path / 'growbase.db'}"


@pytest.fixture
def impatient(store, database_url):
    """Saves give up waiting after 0.2 s instead of 15 s, so the test does not wait."""
    store.close_all()
    real = open_database(database_url, pragmas={"busy_timeout": 200})
    yield real
    real.close_all()


@contextmanager
def writer_lock(database_url):
    """Another process's long write (an import), holding SQLite's writer lock."""
    other = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.rollback()
        other.close()


def test_api_save_waiting_out_a_long_import_is_refused_with_503_then_goes_through(
        impatient, api, database_url):
    with writer_lock(database_url):
        refused = api.post("/api/customer", json={"name": "Анна", "phone": "+79120000001"})
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
    assert "database is busy" in refused.get_json()["errors"]["_record"]
    assert api.get("/api/customer").get_json()["total"] == 0  # nothing half-written
    assert api.post("/api/customer", json={"name": "Анна", "phone": "+79120000001"}
                    ).status_code == 201


def test_form_waiting_out_a_long_import_keeps_what_was_typed(impatient, client, database_url):
    url = "/admin/records/customer/new/"
    token = csrf_token(client.get(url).get_data(as_text=True))
    typed = {"name": "Пётр Сидоров", "phone": "+7 (912) 345-67-89", "kind": "person",
             "csrf_token": token}
    with writer_lock(database_url):
        response = client.post(url, data=typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "database is busy" in html
    assert 'value="Пётр Сидоров"' in html  # the form comes back filled in
    assert client.post(url, data=typed).status_code == 302  # and saves once the lock is gone


def test_an_import_job_that_finds_the_database_busy_waits_its_turn_and_runs_once(
        impatient, owner, database_url):
    from growbase.tables import Job, utcnow
    from growbase.transfer import jobs
    from growbase.queue import huey
    job = jobs.upload(owner, "customer", xlsx_bytes([["Name", "Phone"], ["Анна", "+79120000001"]]),
                      "clients.xlsx")
    Job.update(status="queued", options={"mode": "insert"}).where(Job.id == job.id).execute()
    huey.storage.flush_queue()  # what earlier tests queued
    with writer_lock(database_url):  # another import is running
        jobs.run(job.id)
    assert Job.get_by_id(job.id).status in ("queued", "running")  # not failed
    assert jobs.progress(job.id)["waiting"]
    (again,) = huey.pending()
    assert again.name == "run_transfer_job" and again.args == (job.id,)
    assert again.eta > utcnow()  # tries again later (huey keeps times in UTC)
    huey.storage.flush_queue()
    jobs.run(job.id)  # its turn
    finished = Job.get_by_id(job.id)
    assert finished.status == "done" and finished.result["created"] == 1
    assert not jobs.progress(job.id).get("waiting")
