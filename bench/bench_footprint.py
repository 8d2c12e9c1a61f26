"""Footprint (issue 2): web process under 100 MB resident at rest, /healthz within 2 s of
start on an empty database, the installed virtual environment under 150 MB.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from common import ROOT, report
from helpers import Server


def resident_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def web_process():
    server = Server(database_url=f"sqlite:///{tempfile.mkdtemp()}/gb.db")
    seconds = server.start()
    report("/healthz answers after start (empty database)", seconds, "s", "< 2 s", seconds < 2)
    try:
        token = server.token()
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        for name in ("order", "customer", "product"):  # warm: definitions, models, views
            session.get(f"{server.base}/api/{name}")
        time.sleep(2)
        mb = resident_mb(server.process.pid)
        report("web process resident memory at rest", mb, "MB", "< 100 MB", mb < 100)
    finally:
        server.stop()


def venv_size():
    target = Path(tempfile.mkdtemp(prefix="gb-venv-")) / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target",
                    str(target / "site"), "-r", str(ROOT / "requirements.txt")], check=True)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file()) / 2**20
    report("installed virtual environment (requirements.txt)", size, "MB", "< 150 MB", size < 150)


if __name__ == "__main__":
    web_process()
    venv_size()
