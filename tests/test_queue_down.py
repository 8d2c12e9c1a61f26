"""The queue (Redis) goes away in the middle of the day: saves still commit and answer
success, none is lost or doubled, and their automations run once it is back."""

import shutil
import sqlite3
import subprocess

import pytest
import requests

from helpers import Server, free_port, wait_for

pytestmark = [pytest.mark.slow,  # a server, a worker and a Redis of its own
              pytest.mark.skipif(shutil.which("redis-server") is None,
                                 reason="needs redis-server (.ci/run installs it)")]


class Redis:
    """A Redis of this test's own on a free port, so stopping it disturbs nothing else."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind",
                                         "127.0.0.1", "--save", "", "--appendonly", "no"],
                                        stdout=subprocess.DEVNULL)
        wait_for(lambda: subprocess.run(["redis-cli", "-p", str(self.port), "ping"],
                                        capture_output=True, text=True).stdout.strip() == "PONG")

    def stop(self):
        self.process.kill()
        self.process.wait()


def test_saves_while_redis_is_down_commit_answer_success_and_run_their_rules_later(tmp_path):
    redis = Redis()
    redis.start()
    server = Server(data=tmp_path)
    server.env.update(HUEY_URL=redis.url, GROWBASE_SWEEP_AFTER="1")
    try:
        server.start(until=lambda health: health.get("worker") == "ok")
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {server.token()}"
        customer = api.post(server.base + "/api/customer", json={
            "name": "Иван", "phone": "+79123456789"}).json()["id"]
        answers = {}
        for index in range(100):
            if index == 30:
                redis.stop()
                health = requests.get(server.base + "/healthz").json()
                assert health["status"] == "degraded" and "unreachable" in health["queue"]
            answers[index] = api.post(server.base + "/api/order", json={
                "customer": customer, "tracking": f"T-{index}"}).status_code
        db = sqlite3.connect(tmp_path / "growbase.db")
        stored = {row[0] for row in db.execute(
            "SELECT record_id FROM gb_event WHERE entity = 'order' AND kind = 'created'")}
        assert len(stored) == 100, answers  # every save committed ...
        assert set(answers.values()) == {201}, answers  # ... and said so: none to retry
        redis.start()
        assert requests.get(server.base + "/healthz").json()["queue"] == "ok"
        # the day goes on: the first save the queue takes again also queues what waited,
        # so it runs now, not at the worker's next minute sweep
        assert api.post(server.base + "/api/order", json={
            "customer": customer, "tracking": "T-after"}).status_code == 201
        wait_for(lambda: db.execute("SELECT COUNT(*) FROM gb_event WHERE entity = 'order' AND "
                                    "state = 'pending'").fetchone()[0] == 0, timeout=150)
        stored |= {row[0] for row in db.execute(
            "SELECT record_id FROM gb_event WHERE entity = 'order' AND kind = 'created'")}
        runs = dict(db.execute("SELECT record_id, COUNT(*) FROM gb_automation_run WHERE "
                               "entity = 'order' AND trigger = 'created' GROUP BY record_id"))
        assert len(stored) == 101 and set(runs) == stored and set(runs.values()) == {1}
    finally:
        server.stop()
        redis.stop()


def test_the_first_queue_call_that_gets_through_queues_what_waited(db, monkeypatch):
    """After a call the queue refused, the next that gets through also asks for a look at
    everything waiting — once."""
    from growbase import db as queueing
    looks = []
    monkeypatch.setattr(queueing, "catch_up", [lambda: looks.append("look")])
    monkeypatch.setattr(queueing, "_missed", [])

    def refused():
        raise ConnectionError("the queue is down")

    for call in (refused, lambda: None, lambda: None):
        with db.atomic():
            queueing.after_commit(call, "an event")
    assert looks == ["look"]
