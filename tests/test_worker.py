"""The Huey worker runs as its own process on SqliteHuey or Redis and reports it is alive."""

import os
import subprocess
import sys
import time

import pytest

from helpers import ROOT

from growbase.tables import Heartbeat

pytestmark = pytest.mark.slow  # worker and server processes of its own


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_worker_process_beats(db, database_url, tmp_path, queue):
    huey_url = (f"sqlite:///{tmp_path / 'huey.db'}" if queue == "sqlite"
                else "redis://127.0.0.1:6379/15")
    env = dict(os.environ, DATABASE_URL=database_url, GROWBASE_DATA=str(tmp_path), HUEY_URL=huey_url)
    worker = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "worker"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 30
        while time.time() < deadline and not Heartbeat.select().exists():
            time.sleep(0.2)
        assert Heartbeat.get(Heartbeat.name == "worker"), "the worker wrote no heartbeat"
    finally:
        worker.terminate()
        output = worker.communicate(timeout=15)[0].decode()
    assert worker.returncode in (0, -15), output

