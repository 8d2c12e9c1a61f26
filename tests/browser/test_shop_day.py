"""Issue 17's "done when", in Chromium on the demo shop, on SQLite and on PostgreSQL: a
manager makes an order in the grid without typing its number, picks three products into
its lines (their prices filled in), sees the total and the customer's "total spent" move,
confirms it and sees the stock fall; the customer's card shows the order, yesterday's call
and the SMS sent."""

import os
import re
import time
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from helpers import ARTIFACTS, PG_URL, Server, log_in_page, pg_admin, rest_client

BACKENDS = [b for b in os.environ.get("GROWBASE_TEST_BACKENDS", "sqlite,postgres").split(",") if b]


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, tmp_path_factory):
    """`python run.py` with the demo shop on a fresh database of the given kind."""
    schema = None
    url = None
    if request.param == "postgres":
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with pg_admin() as conn, conn.cursor() as cur:
            cur.execute(f'CREATE SCHEMA "{schema}"')
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    server = Server(url, demo=True, data=tmp_path_factory.mktemp(f"day-{request.param}"))
    server.start(until=lambda health: health.get("worker") == "ok")
    yield server
    server.stop()
    if schema:
        with pg_admin() as conn, conn.cursor() as cur:
            cur.execute(f'DROP SCHEMA "{schema}" CASCADE')


def wait_until(check, seconds=15, message="condition"):
    deadline = time.time() + seconds
    while not check():
        assert time.time() < deadline, f"timed out waiting for {message}"
        time.sleep(0.3)


def cell(where, row, field):
    return where.locator(".tabulator-row").nth(row).locator(
        f".tabulator-cell[tabulator-field={field}]")


def pick(page, where, row, field, text):
    """Open a link cell, search for `text` and click the match, as a person does."""
    cell(where, row, field).dblclick()
    page.keyboard.type(text[:6])
    where.locator(".tabulator-edit-list-item", has_text=text).first.click()
    page.keyboard.press("Escape")


def test_a_managers_order_from_grid_to_stock(demo, browser):
    rest = rest_client(demo, "day")
    customer = next(c for c in rest("GET", "/api/customer?filter=%7B%22field%22%3A%22orders_"
                                           "count%22%2C%22eq%22%3A0%7D&limit=50")[1]["items"]
                    if not rest("GET", f"/api/order?customer={c['id']}")[1]["total"])  # none yet,
    # not even a cancelled one (orders_count leaves those out): its grid starts empty
    spent = Decimal(customer["total_spent"])
    yesterday = (datetime.now() - timedelta(days=1)).replace(microsecond=0)
    rest("POST", "/api/contact_log", json={"customer": customer["id"], "channel": "call",
                                           "at": yesterday.isoformat(),
                                           "summary": "Asked for a tea sampler"})
    products = [p for p in rest("GET", "/api/product?sort=id&limit=40")[1]["items"]
                if p["stock"] >= 10 and p["active"]][:3]
    stock = {p["id"]: p["stock"] for p in products}
    total = sum(Decimal(p["price"]) * q for p, q in zip(products, (1, 2, 3)))

    password = demo.staff_password()
    page = log_in_page(browser, demo, "manager1", password)
    page.goto(f"/admin/grid/order/?customer={customer['id']}")
    page.wait_for_selector("#gb-grid .tabulator-tableholder")
    page.click("#gb-new-row")
    page.keyboard.press("Escape")
    pick(page, page, 0, "customer", customer["name"])
    wait_until(lambda: re.fullmatch(r"ORD-\d{5}", cell(page, 0, "number").inner_text()),
               message="the order's number, given by growbase")
    number = cell(page, 0, "number").inner_text()
    order = rest("GET", f"/api/order?q={number}")[1]["items"][0]

    page.reload()
    page.locator(".tabulator-row .gb-lines-toggle").first.click()
    lines = page.frame_locator(".gb-row-lines iframe")
    lines.locator("#gb-grid .tabulator-tableholder").wait_for()
    for n, (product, quantity) in enumerate(zip(products, (1, 2, 3))):
        lines.locator("#gb-new-row").click()
        page.keyboard.press("Escape")
        pick(page, lines, n, "product", product["name"])
        cell(lines, n, "quantity").dblclick()
        page.keyboard.press("Control+a")
        page.keyboard.type(str(quantity))
        page.keyboard.press("Enter")
    wait_until(lambda: Decimal(rest("GET", f"/api/order/{order['id']}")[1]["amount"]) == total,
               message="the order's total")
    items = rest("GET", f"/api/order_line?order={order['id']}&sort=position")[1]["items"]
    assert [(i["product"]["id"], i["unit_price"]) for i in items] == [
        (p["id"], p["price"]) for p in products]  # prices filled in from the products
    shown = f"{total:,.2f}"
    wait_until(lambda: shown in cell(page, 0, "amount").inner_text(), message="the grid's total")
    assert Decimal(rest("GET", f"/api/customer/{customer['id']}")[1]["total_spent"]) == \
        spent + total
    page.screenshot(path=str(ARTIFACTS / f"day-order-lines-{demo.port}.png"), full_page=True)

    cell(page, 0, "status").dblclick()
    page.locator(".tabulator-edit-list-item", has_text="Confirmed").click()
    wait_until(lambda: all(rest("GET", f"/api/product/{p}")[1]["stock"] == stock[p] - q
                           for p, q in zip(stock, (1, 2, 3))), message="the stock to fall")

    page.goto(f"/admin/records/customer/details/?id={customer['id']}")
    card = page.inner_text("body")
    assert number in card and f"Call {customer['name']}" in card  # the order, the call
    assert shown in card  # total spent, on the card

    def card_tells_of_the_sms():
        page.reload()
        return f"{number}" in page.inner_text("body") and "SMS →" in page.inner_text("body")
    wait_until(card_tells_of_the_sms, message="the SMS on the customer's card")
    page.screenshot(path=str(ARTIFACTS / f"day-customer-{demo.port}.png"), full_page=True)
    page.context.close()


def test_lines_are_pasted_from_a_spreadsheet_and_dragged_into_their_order(demo, browser):
    rest = rest_client(demo, "lines")
    customer = rest("GET", "/api/customer?limit=1&sort=-id")[1]["items"][0]
    order = rest("POST", "/api/order", json={"customer": customer["id"]})[1]
    products = rest("GET", "/api/product?sort=id&limit=3")[1]["items"]
    page = log_in_page(browser, demo, "owner", demo.owner_password())
    page.goto(f"/admin/records/order/edit/?id={order['id']}")
    lines = page.frame_locator("iframe.gb-lines")
    lines.locator("#gb-grid .tabulator-tableholder").wait_for()
    lines.locator("#gb-new-row").click()
    page.keyboard.press("Escape")
    cell(lines, 0, "product").click()
    block = "\n".join(f"{p['name']}\t{q}" for p, q in zip(products, (3, 2, 1)))
    lines.locator("#gb-grid .tabulator-tableholder").evaluate(
        """(holder, text) => { const data = new DataTransfer(); data.setData('text/plain', text);
        holder.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true})); }""",
        block)

    def saved_lines():
        return rest("GET", f"/api/order_line?order={order['id']}&sort=position,id")[1]["items"]
    wait_until(lambda: len(saved_lines()) == 3, message="three pasted lines")
    assert [(i["product"]["id"], i["quantity"], i["position"]) for i in saved_lines()] == [
        (p["id"], q, n) for n, (p, q) in enumerate(zip(products, (3, 2, 1)), start=1)]

    page.reload()  # the saved lines, in their order, each with a handle to drag it by
    lines = page.frame_locator("iframe.gb-lines")
    last = lines.locator(".tabulator-row").nth(2).locator(".tabulator-row-handle")
    last.wait_for()
    first = lines.locator(".tabulator-row").nth(0).bounding_box()
    grip = last.bounding_box()
    page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    page.mouse.down()  # held until the grid picks the row up (it waits 150 ms for a drag)
    page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2 - 1)
    lines.locator(".tabulator-row.tabulator-moving").wait_for()
    for step in range(1, 11):  # a person's drag: through the rows between
        page.mouse.move(grip["x"] + grip["width"] / 2,
                        grip["y"] + (first["y"] + 2 - grip["y"]) * step / 10)
    page.mouse.up()
    wait_until(lambda: [i["product"]["id"] for i in saved_lines()] ==
               [products[2]["id"], products[0]["id"], products[1]["id"]],
               message="the dragged line first")
    assert [i["position"] for i in saved_lines()] == [1, 2, 3]
    page.screenshot(path=str(ARTIFACTS / f"day-lines-moved-{demo.port}.png"), full_page=True)
    page.context.close()
