"""The grid never fights the typist (issue 20, part 3): the first keystroke replaces a cell
in every editor, a number typed the other language's way is read when it can mean one
thing, a refusal is written beside its cell and listed with a way to it, a row that cannot
be saved yet says what it waits for, and counts speak Russian plurals."""

from helpers import log_in_page
from test_grid import cell, new_order, open_grid, orders, saved, wait_until


def type_over(page, row, field, text):
    """Select a cell and type over it, as in a spreadsheet (no double click), then Enter."""
    cell(page, row, field).click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_typing_over_a_cell_replaces_it_in_every_editor(page, rest, client):
    new_order(rest, client, comment="old note", deliver_by="2026-12-01", courier="cdek",
              tracking="OLD-1")
    open_grid(page, client)
    type_over(page, 0, "comment", "New note")  # long text
    type_over(page, 0, "deliver_by", "12/15/2026")  # a date, typed as the English UI writes it
    type_over(page, 0, "courier", "Rus")  # a list: the first match is taken on Enter
    type_over(page, 0, "tracking", "NEW-2")
    wait_until(lambda: orders(rest, client)[0]["tracking"] == "NEW-2", message="the last save")
    saved(page)
    (order,) = orders(rest, client)
    assert (order["comment"], order["deliver_by"], order["courier"]) == \
        ("New note", "2026-12-15", "post")
    assert cell(page, 0, "deliver_by").inner_text() == "12/15/26"  # as the English UI writes it


def test_enter_saves_long_text_and_alt_enter_starts_a_line(page, rest, client):
    new_order(rest, client)
    open_grid(page, client)
    cell(page, 0, "comment").click()
    page.keyboard.type("first")
    page.keyboard.press("Alt+Enter")
    page.keyboard.type("second")
    page.keyboard.press("Enter")
    wait_until(lambda: orders(rest, client)[0]["comment"] == "first\nsecond",
               message="two lines saved")


def test_a_number_written_the_russian_way_is_read_in_the_english_ui(page, rest, client):
    order = new_order(rest, client)
    product = rest("GET", "/api/product?limit=1")["items"][0]
    rest("POST", "/api/order_line", json={"order": order["id"], "product": product["id"]})
    page.goto(f"/admin/grid/order_line/?order={order['id']}")
    page.wait_for_selector(".tabulator-row")
    type_over(page, 0, "unit_price", "12 900,50")
    wait_until(lambda: rest("GET", f"/api/order/{order['id']}")["amount"] == "12900.50",
               message="the order's total")
    saved(page)


def test_a_refusal_is_written_beside_its_cell_and_listed_with_a_way_to_it(page, rest, client):
    for _two in range(2):
        new_order(rest, client)
    open_grid(page, client)
    number = cell(page, 0, "number").inner_text()
    type_over(page, 0, "phone", "12")
    phone = cell(page, 0, "phone")
    reason = phone.locator(".gb-cell-why")
    reason.wait_for()
    assert "phone number" in reason.inner_text() and reason.is_visible()  # no hover needed
    listed = page.locator("#gb-refusals li")
    assert listed.count() == 1 and number in listed.inner_text()
    assert "Contact phone" in listed.inner_text()
    cell(page, 1, "tracking").click()
    listed.locator("a").click()  # "Go to the cell"
    wait_until(lambda: "tabulator-range-selected" in phone.get_attribute("class"),
               message="the refused cell selected")
    page.keyboard.type("9161234567")
    page.keyboard.press("Enter")
    wait_until(lambda: [o["phone"] for o in orders(rest, client) if o["number"] == number] ==
               ["+79161234567"], message="the fix")
    saved(page)
    assert listed.count() == 0 and phone.locator(".gb-cell-why").count() == 0


def test_a_new_row_says_what_it_waits_for_and_leads_to_the_cell(page, rest, client):
    new_order(rest, client)
    open_grid(page, client)
    page.click("#gb-new-row")
    page.keyboard.press("Escape")
    cell(page, 1, "tracking").click()
    page.keyboard.type("WAIT-1")
    page.keyboard.press("Tab")  # still in the new row
    state = page.locator("#gb-save-state")
    wait_until(lambda: "fill in Customer" in state.inner_text(), message="what it waits for")
    assert "Saving" not in state.inner_text()
    state.locator("a").click()
    customer = cell(page, 1, "customer")
    wait_until(lambda: "tabulator-range-selected" in customer.get_attribute("class"),
               message="the customer cell selected")


def test_counts_speak_russian_plurals(browser, shop, rest, client):
    shop.run("user", "create", "olga", "--role", "manager", "--password", "olga-password")
    page = log_in_page(browser, shop, "olga", "olga-password")
    page.click(".gb-lang button:has-text('RU')")
    for _two in range(2):
        new_order(rest, client)
    open_grid(page, client)
    state = page.locator("#gb-save-state")
    type_over(page, 0, "phone", "12")
    wait_until(lambda: "1 ячейка не сохранена" in state.inner_text(), message="one cell")
    type_over(page, 1, "phone", "13")
    wait_until(lambda: "2 ячейки не сохранены" in state.inner_text(), message="two cells")
    total = page.locator("#gb-grand-total")
    wait_until(lambda: "Итого по 2 записям" in total.inner_text(), message="the total")
    page.context.close()
