"""JSON API list: 50 rows sorted by one field, filtered by status, at 100k (and 1M) rows.

Target (issue 2): median under 10 ms at 100,000 rows and under 25 ms at 1,000,000,
on SQLite and PostgreSQL. Usage: python bench/bench_list.py [ROWS ...]
(DATABASE_URL=postgresql://... for PostgreSQL).
"""

import sys

from common import backend, fill_orders, fresh_database, median_ms, report


def main(sizes):
    from growbase.app import create_app
    from growbase.auth import create_token, create_user
    from growbase.config import load_settings
    for rows in sizes:
        url, db = fresh_database()
        fill_orders(rows)
        owner = create_user("bench", "bench-password", role="owner")
        token = create_token(owner, "bench")
        app = create_app(load_settings(database_url=url, secret_key="bench", demo=False))
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        path = "/api/order?status=confirmed&sort=-amount&limit=50"
        assert client.get(path, headers=headers).status_code == 200
        ms = median_ms(lambda: client.get(path, headers=headers), repeat=100)
        target = 10 if rows <= 100_000 else 25
        report(f"API list 50 of {rows:,} (status filter, sort -amount) {backend()}", ms, "ms",
               f"< {target} ms", ms < target)
        db.close()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100_000])
