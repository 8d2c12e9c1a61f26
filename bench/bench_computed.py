"""Computed columns at size (issue 17): adding a formula to 1,000,000 orders (< 5 s) and a
rollup over 1,000,000 lines (< 10 s), what a rollup adds to saving one line (< 1 ms
median), changing a customer whose 10,000 orders look up its city (< 1 s), and a list
filtered and sorted by a formula at 1,000,000 rows (< 25 ms), and importing 100,000 lines
into 20,000 orders with their totals kept current at no less than 1/1.5 of the rate of
the same lines without formula or rollup.

Usage: python bench/bench_computed.py [ROWS]   (DATABASE_URL=postgresql://... for PostgreSQL)
"""

import json
import random
import sys
import time

from common import ROOT, backend, fill_orders, fresh_database, median_ms, report

LINE = {"entity": "bench_line", "fields": [  # the bench's own: the shop's lines have rollups
    {"name": "order", "type": "link", "to": "order", "part_of": True},
    {"name": "quantity", "type": "integer"},
    {"name": "unit_price", "type": "money"},
    {"name": "amount", "type": "formula", "formula": "{quantity} * {unit_price}"}]}


def timed(fn):
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main(rows):
    from growbase.catalog import catalog
    from growbase.designer.store import apply_definitions
    from growbase.queries import select
    from growbase.records import RecordService
    _url, db = fresh_database()
    service = RecordService()
    fill_orders(rows)
    order = json.loads((ROOT / "schemas" / "order.json").read_text())

    order["fields"].append({"name": "with_vat", "type": "formula", "formula": "{amount} * 1.2"})
    seconds = timed(lambda: apply_definitions([order]))
    report(f"add a formula to {rows:,} orders ({backend()})", seconds, "s", "< 5 s", seconds < 5)

    threshold = 50_000
    ms = median_ms(lambda: select(catalog().entity("order"), {"field": "with_vat", "gt": threshold},
                                  None, "-with_vat", 50, 0), repeat=50, warmup=5)
    report(f"list 50 filtered and sorted by a formula ({rows:,}, {backend()})", ms, "ms",
           "< 25 ms", ms < 25)

    model = catalog().entity("order").model
    buyer = service.create("customer", {"name": "Big buyer", "phone": "+79001112233"})
    ids = [r.id for r in model.select(model.id).order_by(model.id).limit(10_000)]
    model.update(customer=buyer.id).where(model.id.in_(ids)).execute()
    order["fields"].append({"name": "city", "type": "formula", "formula": "{customer.city}"})
    apply_definitions([order])
    cities = iter(f"City {i}" for i in range(1_000_000))
    ms = median_ms(lambda: service.update("customer", buyer.id, {"city": next(cities)}),
                   repeat=5, warmup=1)
    report(f"change a customer its 10,000 orders look up ({backend()})", ms / 1000, "s", "< 1 s",
           ms < 1000)

    apply_definitions([LINE])
    lines = catalog().entity("bench_line").model
    rng, order_ids = random.Random(2), [r.id for r in model.select(model.id)]
    with db.atomic():
        for start in range(0, rows, 5000):
            lines.insert_many([{"order": rng.choice(order_ids), "quantity": rng.randint(1, 9),
                                "unit_price": rng.randint(100, 9999)}
                               for _ in range(start, min(rows, start + 5000))]).execute()
    apply_definitions([LINE])  # (the lines' amounts: a backfill of its own)
    line = service.create("bench_line", {"order": order_ids[0], "quantity": 1, "unit_price": 5})
    quantities = iter(range(2, 10**9))
    plain = median_ms(lambda: service.update("bench_line", line.id, {"quantity": next(quantities)}))
    order["fields"].append({"name": "total", "type": "rollup", "from": "bench_line.order",
                            "field": "amount", "agg": "sum"})
    seconds = timed(lambda: apply_definitions([order]))
    report(f"add a rollup over {rows:,} lines ({backend()})", seconds, "s", "< 10 s", seconds < 10)
    rolled = median_ms(lambda: service.update("bench_line", line.id, {"quantity": next(quantities)}))
    report(f"a line's save with its order's total ({backend()}): +{rolled - plain:.2f} ms over "
           f"{plain:.2f}", rolled - plain, "ms", "< 1 ms", rolled - plain < 1)
    import_lines()


def import_lines(lines=100_000, orders=20_000):
    """The same 100,000 lines (by order number) into lines with an amount formula and
    their orders' total rollup, and into lines with neither: the ratio of the two rates."""
    import csv
    import tempfile
    from growbase.designer.store import apply_definitions
    from growbase.transfer.importer import Options, run_import
    plain = {"entity": "plain_line", "fields": [
        {"name": "order", "type": "link", "to": "order"}, {"name": "quantity", "type": "integer"},
        {"name": "unit_price", "type": "money"}]}
    apply_definitions([plain])
    path = f"{tempfile.mkdtemp(prefix='gb-bench-')}/lines.csv"
    rng = random.Random(3)
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["Order", "Quantity", "Unit price"])
        for _ in range(lines):
            out.writerow([f"ORD-{rng.randrange(orders):07d}", rng.randint(1, 9),
                          rng.randint(100, 9999)])
    rates = {}
    for entity in ("plain_line", "bench_line"):
        started = time.perf_counter()
        result = run_import(path, Options(entity=entity, mode="insert"))
        assert result.rejected == 0, result.problems[:3]
        rates[entity] = lines / (time.perf_counter() - started)
    ratio = rates["plain_line"] / rates["bench_line"]
    report(f"import 100,000 lines into 20,000 orders, totals kept ({backend()}): "
           f"{rates['bench_line']:,.0f} rows/s vs {rates['plain_line']:,.0f}", ratio, "x slower",
           "< 1.5x", ratio < 1.5)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
