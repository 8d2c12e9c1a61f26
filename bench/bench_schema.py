"""Adding a field to an entity with 1,000,000 rows: under 1 s, no restart (issue 2).

Usage: python bench/bench_schema.py [ROWS]   (DATABASE_URL=postgresql://... for PostgreSQL)
"""

import json
import sys
import time

from common import backend, ROOT, fill_orders, fresh_database, report


def main(rows):
    from growbase.catalog import catalog
    from growbase.designer.store import apply_definitions
    url, _db = fresh_database()
    fill_orders(rows)
    spec = json.loads((ROOT / "schemas" / "order.json").read_text())
    for name, kind in (("gift_note", "text"), ("weight_kg", "decimal"), ("region", "choice")):
        extra = {"name": name, "type": kind}
        if kind == "choice":
            extra["options"] = ["north", "south"]  # a filter key: indexed and paired with sorts
        spec["fields"].append(extra)
        started = time.perf_counter()
        apply_definitions([spec])
        seconds = time.perf_counter() - started
        assert name in catalog().entity("order").by_name
        report(f"add a {kind} field to {rows:,} orders ({backend()})", seconds, "s", "< 1 s",
               seconds < 1)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
