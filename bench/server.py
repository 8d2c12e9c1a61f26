"""Start `python run.py` on a fresh data folder for a benchmark, with an owner's API token."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, demo=False):
        self.data = Path(tempfile.mkdtemp(prefix="gb-bench-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, GROWBASE_DATA=str(self.data), GROWBASE_DEMO="1" if demo else "0")
        self.env.setdefault("DATABASE_URL", f"sqlite:///{self.data / 'growbase.db'}")
        self.process = None

    def run(self, *args):
        result = subprocess.run([sys.executable, str(ROOT / "run.py"), *args], env=self.env,
                                capture_output=True, text=True, check=True)
        return result.stdout

    def start(self):
        """Start serving; return seconds until /healthz answered 200."""
        started = time.perf_counter()
        self.process = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "--port",
                                         str(self.port)], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while time.perf_counter() - started < 60:
            try:
                if requests.get(self.base + "/healthz", timeout=0.5).status_code == 200:
                    return time.perf_counter() - started
            except requests.RequestException:
                time.sleep(0.02)
        raise RuntimeError("the server did not answer /healthz within 60 s")

    def token(self):
        self.run("user", "create", "bench", "--role", "owner", "--password", "bench-password")
        return self.run("token", "create", "bench").strip().splitlines()[-1]

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=20)
