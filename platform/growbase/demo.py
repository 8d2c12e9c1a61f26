"""Demo data for an online tea and coffee shop, loaded through the record service.

Deterministic (a fixed random seed), so every fresh install shows the same shop, its dates
set around the day it is installed (today's tasks are due today).
"""

import json
import random
from datetime import date, datetime, time, timedelta

from .auth import create_user
from .catalog import catalog
from .records import Actor, RecordService

STAFF = [("manager1", "manager", "Анна Соколова"), ("manager2", "manager", "Oliver Brown"),
         ("logistics", "logistics", "Павел Морозов"), ("accountant", "accountant", "Елена Волкова")]
COUNTS = {"customer": 80, "order": 120, "task": 30, "contact_log": 40}


def phone(rng):
    return f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"


def load_demo(seed_dir, staff_password):
    data = json.loads((seed_dir / "demo.json").read_text(encoding="utf-8"))
    rng = random.Random(20261122)
    users = {login: create_user(login, staff_password, role, full_name) for login, role, full_name
             in STAFF}
    managers = [users["manager1"].id, users["manager2"].id]
    service = RecordService(Actor(None, "demo", "demo", trusted=True), locale="en", silent=True)
    now = datetime.combine(date.today(), time(12))  # the shop lives in the present
    made = {k: 0 for k in ("customer", "product", "order", "sales_plan", "task", "contact_log")}

    customers, phones = [], set()
    for i in range(COUNTS["customer"]):
        number = phone(rng)
        while number in phones:
            number = phone(rng)
        phones.add(number)
        if i % 10 == 9:
            record = {"name": data["companies"][(i // 10) % len(data["companies"])], "kind": "company",
                      "inn": str(7700000000 + rng.randint(0, 99999999)), "tags": ["wholesale"]}
        elif i % 4 == 3:
            en = data["people_en"]
            record = {"name": f"{rng.choice(en['first'])} {rng.choice(en['last'])}"}
        else:
            ru = data["people_ru"]
            first = rng.choice(ru["first"])
            last = rng.choice(ru["last_f"] if first in ru["female"] else ru["last_m"])
            record = {"name": f"{first} {last}"}
        record.update(phone=number, email=f"client{i + 1}@example.com", manager=rng.choice(managers),
                      city=None if i % 9 == 4 else rng.choice(data["cities"]),  # a few to ask
                      source=rng.choice(["website", "website", "phone", "referral", "marketplace",
                                         None]))
        if i % 13 == 0:
            record["tags"] = ["vip"]
        customers.append(service.create("customer", record).id)
        made["customer"] += 1

    products = []
    for sku, name, price, category in data["products"]:
        products.append(service.create("product", {
            "sku": sku, "name": name, "price": price, "category": category,
            "purchase_price": str(int(price) * 6 // 10),
            "discount": rng.choice([None, None, "5", "10"])}).id)
        made["product"] += 1

    stages = ["new", "confirmed", "awaiting_supply", "ready_to_ship", "shipping", "delivered",
              "delivered", "delivered", "cancelled"]
    orders, stamps, dated = [], [], catalog().entity("order").model
    for i in range(COUNTS["order"]):
        status = rng.choice(stages)
        ordered = now - timedelta(days=rng.randint(0, 90), minutes=rng.randint(0, 600))
        record = {"customer": rng.choice(customers), "status": status, "ordered_at": ordered,
                  "deliver_by": (ordered + timedelta(days=rng.randint(2, 10))).date(),
                  "manager": rng.choice(managers)}
        if status != "cancelled":  # paid on delivery, or before: cash, card or a transfer
            record["payment"] = rng.choice(["cash", "card", "card", "transfer"])
            record["pay_by"] = (ordered + timedelta(days=rng.randint(1, 14))).date()
            if rng.random() < {"delivered": 0.9, "shipping": 0.5}.get(status, 0):
                record["paid_on"] = min(record["pay_by"], now.date())
        if status in ("shipping", "delivered"):  # the shop's own courier has no tracking number
            record["courier"] = rng.choice(["cdek", "post", "own"])
            if record["courier"] != "own":
                record["tracking"] = f"{rng.randint(10**9, 10**10 - 1)}"
        order = service.create("order", record).id
        picked = rng.sample(products, rng.randint(1, 4))
        service.create_many("order_line", [
            {"order": order, "position": n + 1, "product": product,
             "quantity": rng.choice([1, 1, 1, 2, 2, 3])} for n, product in enumerate(picked)])
        orders.append((order, record["manager"], status))
        made["order"] += 1
        # its stage began, and it last changed, some time between the order and today
        stamps.append((order, ordered + (now - ordered) * rng.choice([0.5, 0.8, 0.95, 1])))

    stock = catalog().entity("product").model
    for row in stock.select(stock.id, stock.sold).order_by(stock.id):  # deliveries cover sales
        left = rng.choice([2, 3] + list(range(8, 60, 4)))  # a few nearly sold out
        service.update("product", row.id, {"received": row.sold + left})

    month = now.date().replace(day=1)
    for _back in range(4):  # this month's plan and the three before, per manager
        for manager in managers:
            service.create("sales_plan", {"month": month, "manager": manager,
                                          "target": rng.choice([60000, 80000, 100000])})
            made["sales_plan"] += 1
        month = (month - timedelta(days=1)).replace(day=1)

    for i in range(COUNTS["task"]):  # each for someone who sees its order
        order, manager, status = rng.choice(orders)
        shipping = status in ("confirmed", "awaiting_supply", "ready_to_ship", "shipping")
        service.create("task", {"title": rng.choice(data["tasks"]), "order": order,
                                "assignee": users["logistics"].id if shipping and
                                rng.random() < 0.3 else manager,
                                "due": now + timedelta(hours=rng.randint(-48, 96)),
                                "state": rng.choice(["open", "open", "in_progress", "done"])})
        made["task"] += 1

    for order, since in stamps:  # a demo has no history: after the tasks, which touch orders
        dated.update(status_since=since, changed_at=since, gb_updated_at=since).where(
            dated.id == order).execute()

    for i in range(COUNTS["contact_log"]):
        service.create("contact_log", {"customer": rng.choice(customers),
                                       "channel": rng.choice(["call", "email", "messenger", "visit"]),
                                       "at": now - timedelta(hours=rng.randint(1, 900)),
                                       "summary": rng.choice(data["summaries"]),
                                       "user": rng.choice(managers)})
        made["contact_log"] += 1
    return made
