"""`python run.py` on a fresh data folder: demo shop, owner login printed, worker beside it."""

import os
import re
import signal
import time

import pytest
import requests

from helpers import Server

pytestmark = pytest.mark.slow  # worker and server processes of its own


@pytest.fixture
def server(database_url, tmp_path):
    server = Server(database_url, demo=True, data=tmp_path)
    server.start(until=lambda health: health.get("worker") == "ok")
    yield server
    server.stop()


def csrf(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_first_run_shows_a_living_shop(server):
    base = server.base
    health = requests.get(base + "/healthz").json()
    assert health == dict(health, status="ok", database="ok", worker="ok"), server.output
    session = requests.Session()
    home = session.post(base + "/login", data={"username": "owner", "password": server.owner_password(),
                                               "csrf_token": csrf(session.get(base + "/login").text)})
    assert "Orders" in home.text and "Customers" in home.text
    assert session.get(base + "/admin/records/order/").text.count("ORD-0") >= 20
    form = session.get(base + "/admin/records/order/new/").text
    assert 'data-mask="+{7} (000) 000-00-00"' in form
    saved = session.post(base + "/admin/records/order/new/", allow_redirects=False, data={
        "csrf_token": csrf(form), "customer": "1", "status": "new",
        "phone": "+7 (912) 345-67-89"})
    assert saved.status_code == 302
    found = session.get(base + "/admin/records/order/?search=ORD-00121").text  # after 120
    assert "+7 912 345-67-89" in found


def worker_pid(server):
    return int(re.search(r"worker pid (\d+)", server.output).group(1))


def gone(pid, within=15):
    deadline = time.time() + within
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if open(f"/proc/{pid}/stat").read().split()[2] == "Z":
            return True  # exited, waiting to be reaped
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_the_worker_does_not_outlive_the_server(tmp_path, how):
    server = Server(data=tmp_path)
    server.start()
    pid = worker_pid(server)
    server.process.send_signal(how)
    server.process.wait(timeout=15)
    assert gone(pid), f"worker {pid} still running after the server got {how.name}"
