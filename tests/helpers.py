"""Helpers shared by the tests and the benchmarks: a real `python run.py` on a free port."""

import os
import re
from contextlib import contextmanager
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
PG_URL = os.environ.get("GROWBASE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")  # screenshots for a human to look at


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python run.py` on a fresh data folder; DATABASE_URL as given or a SQLite file there."""

    def __init__(self, database_url=None, demo=False, data=None):
        self.data = Path(data or tempfile.mkdtemp(prefix="gb-server-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, GROWBASE_DATA=str(self.data), GROWBASE_DEMO=str(int(demo)),
                        HUEY_URL=f"sqlite:///{self.data / 'huey.db'}",
                        DATABASE_URL=database_url or os.environ.get("DATABASE_URL") or
                        f"sqlite:///{self.data / 'growbase.db'}")
        self.process = None
        self.output = ""

    def run(self, *args):
        """Run another run.py command against the same data."""
        return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], env=self.env,
                              capture_output=True, text=True, check=True).stdout

    def start(self, until=lambda health: True, timeout=90):
        """Start serving; return the seconds until /healthz satisfied `until`."""
        self.log = open(self.data / "serve.log", "w+")
        started = time.perf_counter()
        self.process = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "--port",
                                         str(self.port)], env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        while time.perf_counter() - started < timeout:
            try:
                response = requests.get(self.base + "/healthz", timeout=0.5)
                if response.ok and until(response.json()):
                    break
            except requests.RequestException:
                pass
            time.sleep(0.02)
        else:
            raise RuntimeError(f"no healthy /healthz within {timeout} s")
        seconds = time.perf_counter() - started
        self.log.seek(0)
        self.output = self.log.read()
        return seconds

    def owner_password(self):
        return re.search(r"owner / (\S+)", self.output).group(1)

    def staff_password(self):
        """The demo staff's password (manager1, manager2, logistics, accountant)."""
        return re.search(r"log in with password (\S+)", self.output).group(1)

    def token(self, username="bench"):
        self.run("user", "create", username, "--role", "owner", "--password", "long-password")
        return self.run("token", "create", username).strip().splitlines()[-1]

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=20)


def wait_for(fetch, timeout=15):
    """What `fetch` returns once it is something: tests wait for a condition, not a time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = fetch()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("the condition was not met in time")


def pg_admin():
    """A connection to the test PostgreSQL that commits each statement."""
    import psycopg2
    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    return conn


def serving(data, demo=True, database_url=None):
    """A started `python run.py` on the data folder, stopped afterwards (for fixtures)."""
    server = Server(database_url=database_url, demo=demo, data=data)
    server.start()
    yield server
    server.stop()


def rest_client(server, token_name):
    """The server's JSON API with an owner's token: call(method, path, **kw) -> (status, JSON)."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {server.token(token_name)}"

    def call(method, path, **kwargs):
        response = session.request(method, server.base + path, timeout=10, **kwargs)
        return response.status_code, (response.json() if response.content else None)
    return call


def log_in_page(browser, server, username, password):
    """A new browser context logged in as `username`; returns its page."""
    context = browser.new_context(base_url=server.base, locale="en-US")
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/"))
    return page


@contextmanager
def on_a_phone(browser, server, username="manager1", language="en"):
    """A staff member's page at 390 px wide, in their language for the test (set back to
    English after: the language is kept on the account, and other tests read it)."""
    page = log_in_page(browser, server, username, server.staff_password())
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        if language != "en":
            speak(page, language)
        yield page
    finally:
        if language != "en":
            speak(page, "en")
        page.context.close()


def speak(page, code):
    """Switch the logged-in user's language (kept on their account) as the EN / RU links do."""
    with page.expect_navigation():
        page.locator(".gb-lang form").nth(["en", "ru"].index(code)).evaluate("f => f.submit()")


def csrf_token(html):
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    return found.group(1)


def log_in(client, username, password, address="127.0.0.1", headers=None):
    """Post the login form as a browser at `address` would (through `headers`' proxy)."""
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(page)},
                       environ_base={"REMOTE_ADDR": address}, headers=headers or {})


def run_pending():
    """Run the automations of every pending event here, as the worker would."""
    from growbase.automation.engine import handle_event
    from growbase.tables import Event
    for event in Event.select().where(Event.state == "pending").order_by(Event.id):
        handle_event(event.id)


class Receiver:
    """A real HTTP server on 127.0.0.1 standing in for an SMS gateway or a webhook
    receiver: it records every request and answers with the replies queued for it
    ((status, JSON body) or (status, JSON body, {header: value}))."""

    def __init__(self):
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        self.requests, self.replies = [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "body": body})
                status, reply, *more = receiver.replies.pop(0) if receiver.replies else (200, {})
                data = json.dumps(reply).encode()
                self.send_response(status)
                for name, value in (more[0] if more else {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def form(self, index=-1):
        from urllib.parse import parse_qs
        return {k: v[0] for k, v in parse_qs(self.requests[index]["body"].decode()).items()}

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Api:
    """The JSON API as a program uses it: bearer token, JSON bodies."""

    def __init__(self, client, token):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method):
        def call(path, json=None, **kwargs):
            return getattr(self.client, method)(path, json=json, headers=self.headers, **kwargs)
        return call


def xlsx_bytes(rows):
    """An .xlsx file in memory with these rows, as a browser or a script would upload it."""
    import io
    from openpyxl import Workbook
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def run_queued_jobs():
    """What the worker does with queued imports and exports."""
    from growbase.tables import Job
    from growbase.transfer import jobs
    for job in Job.select().where(Job.status == "queued"):
        jobs.run(job.id)


def configure(**channels):
    """Channel settings as the operator would give them, handed down like an entry point's."""
    from dataclasses import replace
    from growbase.config import current, use
    settings = current()
    use(replace(settings, channels=replace(settings.channels, **channels)))
