"""Saving a record with 20 enabled rules on its entity costs under 2 ms more than with
none (issue 3): rules are matched in the worker, so a save only writes its event row.

Measured in one process, alternating the two states, so the noisy machine treats both
alike; the figure is the difference of the medians.
"""

import statistics
import time

from common import backend, fill_orders, fresh_database, report

TRIGGERS = [{"updated": {}}, {"status_changed": {"to": "confirmed"}},
            {"field_changed": {"field": "comment"}}, {"created": {}},
            {"time": {"field": "ordered_at", "after": "2d"}}]


def rules(enabled):
    return [{"key": f"bench_{i}", "name": f"Bench {i}", "entity": "order", "enabled": enabled,
             "when": TRIGGERS[i % len(TRIGGERS)], "if": {"field": "amount", "gte": i * 1000},
             "then": [{"send_sms": {"to": "{{ record.customer.phone }}", "text": "n{{ record.number }}"}},
                      {"notify_role": {"role": "manager", "text": "{{ record.number }}"}}]}
            for i in range(20)]


def updates(service, ids, rounds=300):
    times = []
    for n in range(rounds):
        started = time.perf_counter()
        service.update("order", ids[n % len(ids)], {"comment": f"c{time.perf_counter()}"})
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    fresh_database()
    from growbase.automation.rules import apply_rules
    from growbase.catalog import catalog
    from growbase.records import RecordService
    fill_orders(1000)
    model = catalog().entity("order").model
    ids = [row.id for row in model.select().where(model.status == "new").limit(300)]
    service = RecordService()
    without, with_rules = [], []
    for _round in range(3):
        apply_rules(rules(False))
        without.append(updates(service, ids))
        apply_rules(rules(True))
        with_rules.append(updates(service, ids))
    extra = statistics.median(with_rules) - statistics.median(without)
    report(f"save with 20 enabled rules minus with none ({backend()})", extra, "ms", "< 2 ms",
           extra < 2)


if __name__ == "__main__":
    main()
