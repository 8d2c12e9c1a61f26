"""Orders that come in by themselves, through the real server (and its worker, which
sends each order's SMS meanwhile).

Targets (issue 19): one order with 3 lines, its customer found by phone, < 20 ms median;
200 intakes/s sustained on SQLite (1,000 orders of 300 customers, retries among them,
4 clients).
"""

import requests

from common import backend, report, reset_postgres
from helpers import Server
from shop_site import PRICES, SKUS, plan, send


def main():
    reset_postgres()
    server = Server()
    server.start()
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {server.token()}"
        for sku, price in zip(SKUS, PRICES):
            session.post(server.base + "/api/product", json={"sku": sku, "name": sku,
                                                             "price": price, "received": 10**6})
        secret = server.run("intake", "secret", "shop_order").strip().splitlines()[-1]
        url = server.base + "/api/intake/shop_order"

        def post(payload, key):
            return requests.post(url, json=payload, timeout=30, headers={
                "X-Intake-Secret": secret, "Idempotency-Key": key}).status_code
        statuses, _median, rate = send(post, plan(1000, 300))
        assert statuses == {201: 1000, 200: 100}, statuses
        report(f"Intakes/s, 1,000 orders of 300 customers, 4 clients ({backend()})", rate,
               "per s", ">= 200/s", rate >= 200)
        again = [(dict(payload, external_id=f"again-{n}"), f"again-{n}")
                 for n, (payload, _key) in enumerate(plan(300, 300))]
        statuses, median, _rate = send(post, again, threads=1)
        assert statuses == {201: 330}, statuses
        report(f"One order of 3 lines, customer found by phone, median ({backend()})", median,
               "ms", "< 20 ms", median < 20)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
