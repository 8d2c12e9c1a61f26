"""Reports at size (issue 18): a grouped report over 1,000,000 orders, the amount summed by
manager by month (< 2 s on SQLite, < 1 s on PostgreSQL), the same against plan, the
orders counted by stage; and every starter data-quality check counted (< 2 s on both).

Usage: python bench/bench_reports.py [ROWS]   (DATABASE_URL=postgresql://... for PostgreSQL)
"""

import sys

from common import backend, fill_orders, fresh_database, median_ms, report

BY_MANAGER = {"key": "bench_by_manager", "name": "By manager by month", "entity": "order",
              "rows": [{"field": "manager"}], "columns": [{"field": "ordered_at", "bucket": "month"}],
              "measures": [{"agg": "sum", "field": "amount"}]}


def main(rows):
    from growbase.acting import acting
    from growbase.auth import create_user
    from growbase.quality.tally import tallies
    from growbase.catalog import catalog
    from growbase.reports.engine import run
    from growbase.reports.store import apply_reports
    from growbase.records import RecordService
    _url, db = fresh_database()
    fill_orders(rows)
    managers = [create_user(f"m{i}", "bench-password-1", role="manager").id for i in range(10)]
    model = catalog().entity("order").model
    def mod(n):  # peewee's % is LIKE: the remainder by integer division, on either database
        return model.id - model.id / n * n
    model.update(manager=mod(10) + managers[0], changed_at=model.ordered_at,
                 status_since=model.ordered_at, open_tasks=mod(3)).execute()
    service = RecordService()
    for manager in managers:
        for month in range(1, 13):
            service.create("sales_plan", {"month": f"2025-{month:02d}-01", "manager": manager,
                                          "target": 1_000_000})
    db.execute_sql("ANALYZE")
    limit = 2000 if backend() == "SQLite" else 1000
    planned = dict(BY_MANAGER, key="bench_plan", plan={
        "entity": "sales_plan", "field": "target", "date": "month", "match": {"manager": "manager"}})
    by_stage = {"key": "bench_by_stage", "name": "By stage", "entity": "order",
                "rows": [{"field": "status"}], "measures": [{"agg": "count"},
                                                            {"agg": "sum", "field": "amount"}]}
    apply_reports([BY_MANAGER, planned, by_stage])
    for key, what in (("bench_by_manager", "sum by manager by month"),
                      ("bench_plan", "sum by manager by month against plan"),
                      ("bench_by_stage", "count and sum by stage")):
        found = catalog().report(key)
        ms = median_ms(lambda: run(found, "en"), repeat=3, warmup=1)
        report(f"{what}, {rows:,} orders ({backend()})", ms / 1000, "s", f"< {limit // 1000} s",
               ms < limit)
    with acting(None):
        ms = median_ms(tallies, repeat=3, warmup=1)
    checks = sum(len(e.checks) for e in catalog().entities())
    report(f"all {checks} starter data-quality checks counted, {rows:,} orders ({backend()})",
           ms / 1000, "s", "< 2 s", ms < 2000)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
