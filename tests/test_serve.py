"""`python run.py` on a fresh data folder: demo shop, owner login printed, worker beside it."""

import os
import re
import socket
import subprocess
import sys
import time

import pytest
import requests

from conftest import ROOT


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(database_url, tmp_path):
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, GROWBASE_DATA=str(tmp_path),
               HUEY_URL=f"sqlite:///{tmp_path / 'huey.db'}")
    log = open(tmp_path / "serve.log", "w+")
    process = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "--port", str(port)],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=1).json().get("worker") == "ok":
                break
        except requests.RequestException:
            pass
        time.sleep(0.2)
    log.seek(0)
    yield base, log.read()
    process.terminate()
    process.wait(timeout=15)


def test_first_run_shows_a_living_shop(server):
    base, output = server
    health = requests.get(base + "/healthz").json()
    assert health == dict(health, status="ok", database="ok", worker="ok"), output
    password = re.search(r"log in as\s+owner / (\S+)", output).group(1)
    session = requests.Session()
    login = session.get(base + "/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    home = session.post(base + "/login", data={"username": "owner", "password": password,
                                               "csrf_token": token})
    assert "Orders" in home.text and "Customers" in home.text
    orders = session.get(base + "/admin/records/order/").text
    assert orders.count("ORD-0") >= 20
    form = session.get(base + "/admin/records/order/new/").text
    assert 'data-mask="+{7} (000) 000-00-00"' in form
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    saved = session.post(base + "/admin/records/order/new/", allow_redirects=False, data={
        "csrf_token": token, "number": "ORD-90001", "customer": "1", "status": "new",
        "phone": "+7 (912) 345-67-89", "amount": "12,900.50"})
    assert saved.status_code == 302
    found = session.get(base + "/admin/records/order/?search=ORD-90001").text
    assert "+7 912 345-67-89" in found
