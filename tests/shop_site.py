"""A test shop website: customers who order again and again, their phones written a
different way each time, and a site that retries (the same Idempotency-Key) when an answer
is slow. Used by the intake tests and bench/bench_intake.py."""

import random
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

SKUS = ("CUP-0001", "TEA-0002", "POT-0003")
PRICES = ("350", "420.50", "1900")


def phone_forms(i):
    """One customer's mobile number, as people type it on a website."""
    digits = f"912{i:07d}"
    return (f"+7 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}",
            f"8 ({digits[:3]}) {digits[3:6]} {digits[6:8]} {digits[8:]}", f"7{digits}")


def plan(orders, customers, seed=7):
    """[(payload, idempotency key)]: every customer orders at least once; a tenth of the
    orders are sent twice (a retry); the phone's spelling changes from order to order."""
    rng = random.Random(seed)
    sent = []
    for n in range(orders):
        who = n % customers
        items = [{"sku": sku, "quantity": rng.randint(1, 3), "price": price}
                 for sku, price in zip(SKUS, PRICES)]
        email = f"Client{who}@Shop.example" if n % 2 else f"client{who}@shop.example"
        payload = {"external_id": f"site-{n}", "comment": f"order {n}", "items": items,
                   "customer": {"name": f"Client {who}", "phone": phone_forms(who)[n % 3],
                                "email": email}}
        sent.append((payload, f"idem-{n}"))
        if n % 10 == 3:
            sent.append((payload, f"idem-{n}"))
    return sent


def send(post, sent, threads=4):
    """Post every payload with `post(payload, key) -> status`; ({status: count}, the
    latencies in ms, requests per second)."""
    def one(item):
        started = time.perf_counter()
        status = post(*item)
        return status, (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, sent))
    seconds = time.perf_counter() - started
    return (Counter(status for status, _ms in results),
            statistics.median(ms for _status, ms in results), len(sent) / seconds)
