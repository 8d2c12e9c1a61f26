"""The issue's whole story on a real server and its worker, on each database: a test shop
website sends 1,000 orders of 300 customers (some retried with the same Idempotency-Key,
phones written three ways): 1,000 orders and 300 customers, each order with its lines, its
number and its SMS; a call from a known number lands on that customer's card; the owner
merges two "Grace Smith" cards in Chromium and their orders follow; an invoice opens as a
PDF, and its Word file has the lines and the amount in words."""

import re
import zipfile
from io import BytesIO

import pytest
import requests

from helpers import log_in_page, serving, wait_for
from shop_site import PRICES, SKUS, phone_forms, plan, send

pytestmark = pytest.mark.slow


@pytest.fixture
def server(database_url, tmp_path):
    """An empty shop (no demo data) on the test's database, with its worker."""
    yield from serving(tmp_path, demo=False, database_url=database_url)


def test_orders_come_in_once_and_are_merged_and_printed(server, browser):
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {server.token()}"

    def get(path):
        return api.get(server.base + path, timeout=30).json()
    for sku, price in zip(SKUS, PRICES):
        api.post(server.base + "/api/product", json={"sku": sku, "name": f"Tea {sku}",
                                                     "price": price, "received": 10**6})
    secret = server.run("intake", "secret", "shop_order").strip().splitlines()[-1]

    def post(payload, key, intake="shop_order"):
        return requests.post(f"{server.base}/api/intake/{intake}", json=payload, timeout=60,
                             headers={"X-Intake-Secret": secret, "Idempotency-Key": key})
    statuses, _median, _rate = send(lambda p, k: post(p, k).status_code, plan(1000, 300))
    assert statuses == {201: 1000, 200: 100}
    assert get("/api/order?limit=1&count=exact")["total"] == 1000
    assert get("/api/customer?limit=1&count=exact")["total"] == 300
    assert get("/api/order_line?limit=1&count=exact")["total"] == 3000
    numbers = {o["number"] for o in get("/api/order?limit=1000")["items"]}
    assert len(numbers) == 1000
    wait_for(lambda: get("/api/outbox?channel=sms&limit=1")["total"] == 1000, timeout=240)

    known = api.get(server.base + "/api/customer", params={"phone": "+" + phone_forms(5)[2]},
                    timeout=30).json()["items"][0]
    call_secret = server.run("intake", "secret", "phone_call").strip().splitlines()[-1]
    call = requests.post(f"{server.base}/api/intake/phone_call", timeout=30, json={
        "call_id": "c-1", "from": phone_forms(5)[1], "duration": 40},
        headers={"X-Intake-Secret": call_secret})
    assert call.status_code == 201 and call.json()["links"]["customer"] == {
        "id": known["id"], "created": False}

    grace = [post({"external_id": f"g{n}", "customer": dict({"name": "Grace Smith"}, **who),
                   "items": [{"sku": SKUS[0], "quantity": 1}]}, f"g{n}").json()
             for n, who in enumerate(({"phone": "+7 999 100-00-01"},
                                      {"email": "grace@example.com"}))]
    cards = [g["links"]["customer"]["id"] for g in grace]
    assert cards[0] != cards[1]

    page = log_in_page(browser, server, "owner", server.owner_password())
    page.goto("/admin/duplicates/?entity=customer")
    page.click("text=Look again")
    pair = page.locator(f".gb-duplicates tr:has(a[href$='id={cards[0]}'])").first
    pair.locator(".gb-compare").click()
    page.click(".gb-do-merge")
    page.wait_for_selector(".alert:has-text('Merged into')")
    orders = get(f"/api/order?customer={min(cards)}&limit=10")["items"]
    assert sorted(o["id"] for o in orders) == sorted(g["id"] for g in grace)

    page.goto(f"/admin/records/order/details/?id={grace[0]['id']}")
    page.click(".gb-print button")
    pdf_url = page.locator(".gb-print-pdf").first.get_attribute("href")
    pdf = page.request.get(pdf_url)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    word = api.get(f"{server.base}/api/order/{grace[0]['id']}/document/invoice?format=docx")
    text = re.sub(r"<[^>]+>", " ", zipfile.ZipFile(BytesIO(word.content))
                  .read("word/document.xml").decode())
    assert grace[0]["number"] in text and f"Tea {SKUS[0]}" in text
    assert "Триста пятьдесят рублей" in text
    page.context.close()
