"""Automations end to end through the real worker (issue 3 targets):
at least 1,000 events/s on SqliteHuey with one worker; save -> SMS in the outbox
median under 200 ms and 95th percentile under 500 ms.
"""

import statistics
import time

import requests

from common import report
from helpers import Server


def main(batch=2000, singles=60):
    server = Server()
    server.start(until=lambda health: health.get("worker") == "ok")
    try:
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {server.token()}"
        base = server.base
        customer = api.post(base + "/api/customer", json={"name": "Bench", "phone": "+79123456789"}).json()

        def sms_total():
            return api.get(base + "/api/outbox?channel=sms&limit=1").json()["total"]

        latencies = []
        for i in range(singles):
            before = sms_total()
            api.post(base + "/api/order", json={"number": f"ORD-{i:05d}", "customer": customer["id"]})
            saved = time.perf_counter()
            while sms_total() == before:
                time.sleep(0.005)
            latencies.append((time.perf_counter() - saved) * 1000)
        latencies.sort()
        median, p95 = statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]
        report("save -> SMS in the outbox, median (SqliteHuey)", median, "ms", "< 200 ms", median < 200)
        report("save -> SMS in the outbox, 95th percentile", p95, "ms", "< 500 ms", p95 < 500)

        start_total = sms_total()
        rows = [{"number": f"ORD-{10000 + i:05d}", "customer": customer["id"]} for i in range(batch)]
        started = time.perf_counter()
        assert api.post(base + "/api/order", json=rows).status_code == 201
        while sms_total() < start_total + batch:
            time.sleep(0.05)
        rate = batch / (time.perf_counter() - started)
        report(f"{batch:,} new orders -> {batch:,} SMS, one worker (SqliteHuey)", rate, "ev/s",
               ">= 1000/s", rate >= 1000)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
