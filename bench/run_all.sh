#!/usr/bin/env bash
# Run every benchmark on SQLite, then on PostgreSQL (database `test` at 127.0.0.1),
# printing each figure beside its target. Takes a few minutes (1,000,000-row tables).
set -euo pipefail
cd "$(dirname "$0")"
PG=${GROWBASE_BENCH_PG:-postgresql://postgres@127.0.0.1:5432/test}
echo "# $(date -u +%F) $(nproc) cores, $(python -c 'import platform; print(platform.platform())')"
echo "## SQLite"
python bench_list.py 100000 1000000
python bench_writes.py
python bench_schema.py 1000000
python bench_footprint.py 2>/dev/null
python bench_automation.py --redis
python bench_rule_cost.py
python bench_grid.py 1000000
python bench_permissions.py 1000000
python bench_computed.py 1000000
python bench_reports.py 1000000
python bench_dashboard.py 1000000
python bench_intake.py
python bench_duplicates.py
python bench_documents.py
echo "## PostgreSQL"
DATABASE_URL=$PG python bench_list.py 100000 1000000
DATABASE_URL=$PG python bench_writes.py
DATABASE_URL=$PG python bench_schema.py 1000000
DATABASE_URL=$PG python bench_rule_cost.py
DATABASE_URL=$PG python bench_grid.py 1000000
DATABASE_URL=$PG python bench_permissions.py 1000000
DATABASE_URL=$PG python bench_computed.py 1000000
DATABASE_URL=$PG python bench_reports.py 1000000
DATABASE_URL=$PG python bench_dashboard.py 1000000
DATABASE_URL=$PG python bench_intake.py
DATABASE_URL=$PG python bench_duplicates.py
