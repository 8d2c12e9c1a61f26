"""Writes through the real server and the record service.

Targets (issue 2): single update through the API (validation, audit, event included)
median under 5 ms; at least 250 updates/s with 4 concurrent clients; creating 10,000
records through the record service at least 5,000 records/s on SQLite.
"""

import statistics
import threading
import time

import requests

from common import backend, fresh_database, report, reset_postgres
from helpers import Server


def api_updates():
    reset_postgres()
    server = Server()
    server.start()
    try:
        token = server.token()
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        customer = session.post(server.base + "/api/customer",
                                json={"name": "Bench", "phone": "+79123456789"}).json()
        ids = [session.post(server.base + "/api/order", json={
            "customer": customer["id"], "tracking": "T-100"}).json()["id"] for i in range(40)]
        times = []
        for i in range(300):
            start = time.perf_counter()
            response = session.patch(f"{server.base}/api/order/{ids[i % 40]}", json={"tracking": f"T-{100 + i}"})
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.text
        median = statistics.median(times[50:])
        report(f"API single update (validate+audit+event), median ({backend()})", median, "ms",
               "< 5 ms", median < 5)

        done, stop = [0] * 4, time.perf_counter() + 5

        def client(n):
            s = requests.Session()
            s.headers["Authorization"] = f"Bearer {token}"
            i = 0
            while time.perf_counter() < stop:
                record = ids[n * 10 + i % 10]  # each client edits its own records
                assert s.patch(f"{server.base}/api/order/{record}", json={"tracking": f"T-{200 + i}"}).ok
                done[n] += 1
                i += 1
        threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rate = sum(done) / (time.perf_counter() - started)
        report(f"API updates/s with 4 concurrent clients ({backend()})", rate, "upd/s",
               ">= 250/s", rate >= 250)
    finally:
        server.stop()


def service_creates(n=10_000):
    from growbase.db import database
    from growbase.records import RecordService
    fresh_database()
    service = RecordService(silent=True)
    customer = service.create("customer", {"name": "Bench", "phone": "+79123456789"})
    rows = [{"customer": customer.id, "tracking": "RA-1290", "status": "new"} for i in range(n)]
    started = time.perf_counter()
    service.create_many("order", rows)
    rate = n / (time.perf_counter() - started)
    report(f"create {n:,} orders through the record service, one batch ({backend()})", rate,
           "rec/s", ">= 5000/s", rate >= 5000)
    started = time.perf_counter()
    with database.atomic():
        for i in range(1000):
            service.create("order", {"customer": customer.id, "tracking": "RA-1290",
                                     "status": "new"})
    rate = 1000 / (time.perf_counter() - started)
    report(f"create 1,000 orders one call each, one transaction ({backend()})", rate, "rec/s",
           "(for comparison)", True)


if __name__ == "__main__":
    api_updates()
    service_creates()
