"""Row-level rules at a million rows (issue 6): a manager's list page, server time.

Target: median under 50 ms for a page of 50 orders of 1,000,000 when the role sees only its
own and unassigned orders (the starter rule), sorted by date, with and without a status
filter. Usage: python bench/bench_permissions.py [ROWS]   (DATABASE_URL for PostgreSQL)
"""

import sys

from common import backend, fill_orders, fresh_database, median_ms, report

MANAGERS = 4


def main(rows):
    from growbase.app import create_app
    from growbase.auth import create_token, create_user
    from growbase.catalog import catalog
    from growbase.config import load_settings
    url, db = fresh_database()
    fill_orders(rows)
    managers = [create_user(f"manager{i}", "bench-password", role="manager")
                for i in range(MANAGERS)]
    model = catalog().entity("order").model
    first = managers[0].id
    # a fifth of the orders unassigned, the rest shared among the managers
    spread = MANAGERS + 1  # (peewee's % is LIKE: id mod 5 spelled out)
    model.update({model.manager: first + model.id - (model.id / spread) * spread}).execute()
    model.update({model.manager: None}).where(model.manager == first + MANAGERS).execute()
    db.execute_sql("ANALYZE" if backend() == "SQLite" else "VACUUM ANALYZE")
    token = create_token(managers[0], "bench")
    app = create_app(load_settings(database_url=url, secret_key="bench", demo=False))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for label, path in (("list", "/api/order?limit=50&sort=-ordered_at"),
                        ("status filter", "/api/order?status=confirmed&limit=50&sort=-ordered_at"),
                        ("grid page 2", "/api/order?limit=100&offset=100&sort=-ordered_at")):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        shown = f"{body['total']:,}" if body["total_exact"] else f"> {body['total'] - 1:,}"
        ms = median_ms(lambda p=path: client.get(p, headers=headers), repeat=30, warmup=3)
        report(f"manager's {label}, {shown} of {rows:,} visible {backend()}", ms, "ms",
               "< 50 ms", ms < 50)
    db.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
