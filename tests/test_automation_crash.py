"""Kill the worker with SIGKILL in the middle of 1,000 events, start it again: every SMS
is in the outbox exactly once and no event is lost."""

import os
import signal
import subprocess
import sys
import time

import pytest

from helpers import ROOT

from growbase.app import listen_for_events
from growbase.automation.rules import apply_rules
from growbase.designer.store import load_files
from growbase.records import RecordService
from growbase.tables import AutomationRun, Event, Outbox

pytestmark = pytest.mark.slow  # worker and server processes of its own

ORDERS = 1000


def start_worker(database_url):
    env = dict(os.environ, DATABASE_URL=database_url)
    return subprocess.Popen([sys.executable, str(ROOT / "run.py"), "worker"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def sms_count():
    return Outbox.select().where(Outbox.channel == "sms").count()


def wait(condition, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline and not condition():
        time.sleep(0.05)
    return condition()


def test_sigkill_mid_batch_loses_nothing_and_sends_nothing_twice(service, database_url):
    from growbase.queue import huey
    huey.flush()
    apply_rules(load_files(ROOT / "automations"))
    listen_for_events()
    customer = service.create("customer", {"name": "Иван", "phone": "+79123456789"})
    worker = start_worker(database_url)
    try:
        RecordService().create_many("order", [
            {"customer": customer.id} for i in range(ORDERS)])
        assert wait(lambda: sms_count() >= 50, 60), "the worker did not start on the batch"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        done_at_kill = sms_count()
        assert done_at_kill < ORDERS, "the batch finished before the kill; make it bigger"
        worker = start_worker(database_url)
        assert wait(lambda: sms_count() >= ORDERS, 120), f"only {sms_count()} of {ORDERS} SMS"
        # every event handled and no run left going: a second send could only come from those
        assert wait(lambda: not Event.select().where((Event.entity == "order") &
                                                     (Event.state != "done")).exists(), 60)
        assert wait(lambda: not AutomationRun.select().where(
            AutomationRun.status == "running").exists(), 60)
        assert sms_count() == ORDERS
        assert Outbox.select(Outbox.record_id).distinct().count() == ORDERS
        assert Event.select().where((Event.entity == "order") & (Event.state != "done")).count() == 0
    finally:
        worker.kill()
        worker.wait(timeout=10)
