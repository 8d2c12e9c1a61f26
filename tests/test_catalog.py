"""The live catalog: rebuilt once per change, never seen half-built by another thread."""

import threading
import time

from growbase import catalog as catalog_module


def test_threads_never_see_a_half_built_catalog(store, monkeypatch):
    catalog_module.forget()
    real_build = catalog_module.build

    def slow_build(version, previous):
        time.sleep(0.3)
        return real_build(version, previous)

    monkeypatch.setattr(catalog_module, "build", slow_build)
    seen = []

    def look():
        seen.append("order" in catalog_module.catalog())

    threads = [threading.Thread(target=look) for _ in range(4)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    assert seen == [True] * 4
