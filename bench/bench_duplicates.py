"""Looking for look-alike customers among 100,000 (names from common first names and
surnames, so blocks are large; 500 planted twins: the same name reordered or misspelt,
or the same email in capitals).

Target (issue 19): the whole scan, pairs kept in the merge queue, < 30 s; and a new
customer's look-alikes (the warning as it is created) in milliseconds.
"""

import random
import time

from common import backend_of, fresh_database, median_ms, report

FIRST = ["Anna", "Boris", "Clara", "Dmitry", "Elena", "Fedor", "Grace", "Hugo", "Irina", "John",
         "Kate", "Leo", "Maria", "Nikolay", "Olga", "Pavel", "Rita", "Sergey", "Tanya", "Victor",
         "Alexey", "Yulia", "Oleg", "Natalia", "Ivan", "Svetlana", "Mikhail", "Daria", "Roman",
         "Polina"]
LAST = ["Smith", "Petrov", "Ivanova", "Brown", "Sidorov", "Kuznetsov", "Popov", "Sokolov",
        "Lebedev", "Kozlov", "Novikov", "Morozov", "Volkov", "Alekseev", "Stepanov", "Orlov",
        "Makarov", "Zaitsev", "Pavlov", "Semenov", "Golubev", "Vinogradov", "Bogdanov",
        "Vorobyov", "Fedorov", "Mikhailov", "Belyaev", "Tarasov", "Belov", "Komarov"]
N, TWINS = 100_000, 500


def fill(model):
    rng = random.Random(3)
    rows = []
    for i in range(N):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}-{rng.choice(LAST)} {i}"
        rows.append({"name": name, "phone": f"+7912{i:07d}", "email": f"c{i}@shop.example",
                     "city": rng.choice(["Kazan", "Moscow", "Omsk"])})
    for k in range(TWINS):  # a card typed twice: words swapped, a letter off, an email shouted
        twin = dict(rows[k * 150])
        words = twin["name"].split()
        twin["name"] = " ".join(words[1:] + words[:1]) if k % 2 else twin["name"][:-1] + "x"
        twin["phone"], twin["email"] = None, twin["email"].upper() if k % 3 == 0 else None
        rows.append(twin)
    with model._meta.database.atomic():
        for start in range(0, len(rows), 5000):
            model.insert_many(rows[start:start + 5000]).execute()


def main():
    _url, db = fresh_database()
    from growbase.catalog import catalog
    from growbase.duplicates.pairs import keep
    from growbase.duplicates.scan import like, scan
    from growbase.tables import DuplicatePair
    entity = catalog().entity("customer")
    fill(entity.model)
    started = time.perf_counter()
    found = scan(entity)
    keep(entity.name, found, whole=True)
    seconds = time.perf_counter() - started
    planted = sum(1 for k in range(TWINS) if (k * 150 + 1, N + k + 1) in found)
    assert planted >= TWINS * 0.95, planted
    report(f"Duplicate scan, {N + TWINS:,} customers, pairs kept ({backend_of(db)})", seconds,
           "s", "< 30 s", seconds < 30)
    print(f"  {len(found)} pairs, {planted} of {TWINS} planted twins found, "
          f"{DuplicatePair.select().count()} in the queue")
    new = {"name": "Grace Smith-Popov", "phone": "+79990000000", "email": "new@shop.example"}
    ms = median_ms(lambda: like(entity, new), repeat=30, warmup=3)
    report(f"A new customer's look-alikes among {N:,} ({backend_of(db)})", ms, "ms",
           "(no target)", True)


if __name__ == "__main__":
    main()
