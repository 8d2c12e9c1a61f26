"""A one-page invoice: filled in from its Word template, and made into a PDF by
LibreOffice (a cold start of its process each time, as the server does).

Target (issue 19): a one-page invoice PDF < 1.5 s.
"""

import statistics
import tempfile
import time

from common import backend_of, fresh_database, report


def main():
    _url, db = fresh_database()
    from growbase.boot import start
    from growbase.config import load_settings
    from growbase.documents.make import make
    from growbase.documents.store import load_starters
    from growbase.records import RecordService
    start(load_settings(data_dir=tempfile.mkdtemp(prefix="gb-bench-docs-"), demo=False,
                        database_url=_url))
    load_starters()
    service = RecordService()
    customer = service.create("customer", {"name": "Bench", "phone": "+79123456789"})
    order = service.create("order", {"customer": customer.id})
    for n in range(5):
        product = service.create("product", {"sku": f"TEA-{n:04d}", "name": f"Tea {n}",
                                             "price": "350", "received": 100})
        service.create("order_line", {"order": order.id, "product": product.id, "quantity": 2,
                                      "unit_price": "350"})
    for wanted, target in (("docx", 0.2), ("pdf", 1.5)):
        times = []
        for _ in range(5):
            started = time.perf_counter()
            body, _name, _mime = make("order", order.id, "invoice", wanted)
            times.append(time.perf_counter() - started)
        report(f"One-page invoice, 5 lines, as {wanted.upper()} ({backend_of(db)})",
               statistics.median(times), "s", f"< {target} s", statistics.median(times) < target)


if __name__ == "__main__":
    main()
