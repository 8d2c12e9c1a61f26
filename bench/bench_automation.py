"""Automations end to end through the real worker (issue 3 targets):
10,000 status changes -> 10,000 SMS in the outbox at >= 1,000 events/s on SqliteHuey
with one worker (and what Redis with two workers gives); save -> SMS in the outbox
median under 200 ms and 95th percentile under 500 ms.

The status changes are written by this process through the record service in one
transaction (as a bulk edit would), announced to the server's queue on commit; the
clock runs from that commit until the 10,000th SMS is in the outbox.
"""

import os
import statistics
import subprocess
import sys
import time

import requests

from common import ROOT, report
from helpers import Server

CLEAN_ENV = dict(os.environ)  # status_changes() points os.environ at its server


def latency(server, api, customer, singles):
    def sms_total():
        return api.get(server.base + "/api/outbox?channel=sms&limit=1").json()["total"]

    latencies = []
    for i in range(singles):
        before = sms_total()
        api.post(server.base + "/api/order", json={"customer": customer["id"]})
        saved = time.perf_counter()
        while sms_total() == before:
            time.sleep(0.005)
        latencies.append((time.perf_counter() - saved) * 1000)
    latencies.sort()
    return statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]


def status_changes(server, api, customer, count):
    """Seconds from committing `count` status changes to their `count` SMS."""
    rows = [{"customer": customer["id"]} for i in range(count)]
    created = api.post(server.base + "/api/order", json=rows).json()["items"]
    for key, value in server.env.items():
        if key.startswith(("GROWBASE_", "HUEY_", "DATABASE_")):
            os.environ[key] = value
    from growbase.app import listen_for_events
    from growbase.db import database, open_database
    from growbase.records import RecordService
    from growbase.tables import Event, Outbox
    if database.obj is None:
        open_database(server.env["DATABASE_URL"])
    listen_for_events()
    while Event.select().where(Event.state == "pending").exists():  # the creations' SMS
        time.sleep(0.1)
    service = RecordService()
    with database.atomic():
        for order in created:
            service.update("order", order["id"], {"status": "shipping", "courier": "cdek"})
    started = time.perf_counter()
    shipped = Outbox.select().where(Outbox.rule == "order_shipped")
    while (done := shipped.count()) < count:
        if os.environ.get("BENCH_TRACE"):
            print(f"{time.perf_counter() - started:6.2f} s {done}", flush=True)
        time.sleep(0.5 if os.environ.get("BENCH_TRACE") else 0.05)
    return time.perf_counter() - started


def run(huey_url=None, workers=1, singles=60, count=10_000):
    server = Server()
    if huey_url:
        server.env["HUEY_URL"] = huey_url
    server.start(until=lambda health: health.get("worker") == "ok")
    extra = [subprocess.Popen([sys.executable, str(ROOT / "run.py"), "worker"], env=server.env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(workers - 1)]
    try:
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {server.token()}"
        customer = api.post(server.base + "/api/customer",
                            json={"name": "Bench", "phone": "+79123456789"}).json()
        if singles:
            median, p95 = latency(server, api, customer, singles)
            report("save -> SMS in the outbox, median (SqliteHuey)", median, "ms", "< 200 ms",
                   median < 200)
            report("save -> SMS in the outbox, 95th percentile", p95, "ms", "< 500 ms", p95 < 500)
        rate = count / status_changes(server, api, customer, count)
        where = f"{workers} worker(s), {'Redis' if huey_url else 'SqliteHuey'}"
        report(f"{count:,} status changes -> {count:,} SMS, {where}", rate, "ev/s",
               ">= 1000/s" if not huey_url else "(report)", rate >= 1000 or bool(huey_url))
    finally:
        for process in extra:
            process.terminate()
            process.wait()
        server.stop()


def main():
    if "--redis-only" in sys.argv:  # its own process: this one's database is the first run's
        import redis
        redis.Redis.from_url("redis://127.0.0.1:6379/12").flushdb()
        run("redis://127.0.0.1:6379/12", workers=2, singles=0)
        return
    run()
    if "--redis" in sys.argv:
        subprocess.run([sys.executable, __file__, "--redis-only"], check=True, env=CLEAN_ENV)


if __name__ == "__main__":
    main()
