"""The staff grid and the kanban in Chromium: typing through a mask, pasting a block from a
spreadsheet, refusals on the cell, conflicts between two people, views, undo, offline edits,
and a card dragged on the board firing its automation while a colleague watches."""

import re
import time

import pytest
from helpers import ARTIFACTS, log_in_page


def staff_password(shop):
    return re.search(r"log in with password (\S+)", shop.output).group(1)


def wait_until(check, seconds=8, message="condition"):
    deadline = time.time() + seconds
    while not check():
        assert time.time() < deadline, f"timed out waiting for {message}"
        time.sleep(0.2)


def open_grid(page, query):
    page.goto(f"/admin/grid/order/?q={query}")
    page.wait_for_selector(".tabulator-row")
    return page


def cell(page, row, field):
    return page.locator(".tabulator-row").nth(row).locator(
        f".tabulator-cell[tabulator-field={field}]")


def select(page, field, last_row):
    """Cells of `field` from the first row to `last_row`, as a click and a Shift+click do."""
    cell(page, 0, field).click()
    cell(page, last_row, field).click(modifiers=["Shift"])


def saved(page):
    wait_until(lambda: page.inner_text("#gb-save-state") == "All changes saved", message="the save")


def orders(rest, query):
    return rest("GET", f"/api/order?q={query}&sort=number&limit=100")["items"]


@pytest.fixture(scope="module")
def client(rest):
    found = rest("GET", "/api/customer?q=Grid%20Client")["items"]
    return found[0] if found else rest("POST", "/api/customer", json={
        "name": "Grid Client", "phone": "+7 916 555-00-00"})


def new_order(rest, client, number, **values):
    created = rest("POST", "/api/order", json=dict({"number": number, "customer": client["id"]},
                                                    **values))
    assert "errors" not in created, created
    return created


def paste(page, text):
    page.evaluate("""text => { const data = new DataTransfer(); data.setData('text/plain', text);
        document.querySelector('#gb-grid .tabulator-tableholder').dispatchEvent(
            new ClipboardEvent('paste', {clipboardData: data, bubbles: true})); }""", text)


def test_paste_twenty_rows_two_bad_phones_then_fix_them_with_the_mask(page, rest, client):
    new_order(rest, client, "ORD-77000")
    open_grid(page, "ORD-770")
    cell(page, 0, "number").click()
    phones = [f"+7 916 000-00-{i:02d}" for i in range(1, 21)]
    phones[4], phones[11] = "12345", "+7 916"
    paste(page, "\n".join(f"ORD-770{i + 1:02d}\tGrid Client\t{phone}"
                          for i, phone in enumerate(phones)))
    page.wait_for_selector("#gb-modal.show #gb-paste-replace")  # the number there is filled
    assert "changes 1 filled cells in 1 records" in page.inner_text("#gb-modal")
    page.click("#gb-paste-replace")
    wait_until(lambda: len(orders(rest, "ORD-770")) == 18, message="18 saved rows")
    red = page.locator(".gb-cell-error")
    wait_until(lambda: red.count() == 2, message="two red cells")
    assert "not a phone number of Russia" in red.first.get_attribute("title")
    wait_until(lambda: "2 cells not saved" in page.inner_text("#gb-save-state"), message="a note")
    page.screenshot(path=str(ARTIFACTS / "grid-paste.png"), full_page=True)
    assert orders(rest, "ORD-770")[0]["number"] == "ORD-77001"  # the row pasted over

    for bad in range(2):
        red.first.click()
        page.keyboard.type("9160009999"[:-1] + str(bad))
        assert page.evaluate("document.activeElement.value") == f"+7 (916) 000-99-9{bad}"
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
    wait_until(lambda: len(orders(rest, "ORD-770")) == 20, message="the fixed rows saved")
    saved(page)
    assert red.count() == 0
    fixed = {o["number"]: o["phone"] for o in orders(rest, "ORD-770")}
    assert fixed["ORD-77005"] == "+79160009990" and fixed["ORD-77012"] == "+79160009991"
    page.reload()
    page.wait_for_selector(".tabulator-row")
    assert page.locator(".tabulator-row").count() == 20


def test_type_through_the_mask_tab_across_and_find_it_after_reload(page, rest, client):
    new_order(rest, client, "ORD-78000")
    open_grid(page, "ORD-78000")
    cell(page, 0, "phone").click()
    page.keyboard.type("9161112233")
    page.keyboard.press("Tab")
    page.keyboard.type("1234.5")
    page.keyboard.press("Enter")
    saved(page)
    page.reload()
    page.wait_for_selector(".tabulator-row")
    assert cell(page, 0, "phone").inner_text() == "+7 (916) 111-22-33"
    assert cell(page, 0, "amount").inner_text() == "RUB\xa01,234.50"
    (order,) = orders(rest, "ORD-78000")
    assert order["phone"] == "+79161112233" and order["amount"] == "1234.50"


def test_two_people_edit_one_cell_and_the_second_chooses(page, browser, shop, rest, client):
    new_order(rest, client, "ORD-79000")
    open_grid(page, "ORD-79000")
    colleague = open_grid(log_in_page(browser, shop, "manager1", staff_password(shop)), "ORD-79000")
    cell(page, 0, "tracking").click()
    page.keyboard.type("MINE-1")
    page.keyboard.press("Enter")
    saved(page)
    cell(colleague, 0, "tracking").dblclick()
    colleague.keyboard.type("THEIRS-2")
    colleague.keyboard.press("Enter")
    dialog = colleague.locator("#gb-modal")
    dialog.wait_for(state="visible")
    assert "owner changed Tracking number to “MINE-1”" in dialog.inner_text()
    assert "you typed “THEIRS-2”" in dialog.inner_text()
    colleague.screenshot(path=str(ARTIFACTS / "grid-conflict.png"))
    colleague.click("#gb-keep-mine")
    wait_until(lambda: orders(rest, "ORD-79000")[0]["tracking"] == "THEIRS-2", message="mine")
    saved(colleague)
    colleague.context.close()


def test_ctrl_z_takes_back_the_last_changes_one_by_one_on_the_server(page, rest, client):
    new_order(rest, client, "ORD-79100", tracking="BEFORE")
    open_grid(page, "ORD-79100")
    for text in ("FIRST", "SECOND"):
        cell(page, 0, "tracking").click()
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        wait_until(lambda t=text: orders(rest, "ORD-79100")[0]["tracking"] == t, message=text)
        saved(page)
    cell(page, 0, "tracking").click()
    for expected in ("FIRST", "BEFORE"):
        page.keyboard.press("Control+z")
        wait_until(lambda e=expected: orders(rest, "ORD-79100")[0]["tracking"] == e,
                   message=f"the undo to {expected}")
        saved(page)
    assert cell(page, 0, "tracking").inner_text() == "BEFORE"


def test_fill_down_and_pick_a_link_by_searching(page, rest, client):
    other = rest("POST", "/api/customer", json={"name": "Picked Person",
                                                "phone": "+7 916 555-00-01"})
    for i in range(3):
        new_order(rest, client, f"ORD-7970{i}", tracking="T-0" if i == 0 else None)
    open_grid(page, "ORD-7970")
    page.locator(".tabulator-col[tabulator-field=number] .tabulator-col-sorter").click()
    wait_until(lambda: cell(page, 0, "number").inner_text() == "ORD-79700", message="the sort")
    select(page, "tracking", 2)
    page.keyboard.press("Control+d")
    wait_until(lambda: {o["tracking"] for o in orders(rest, "ORD-7970")} == {"T-0"},
               message="the fill")
    cell(page, 1, "customer").dblclick()
    page.keyboard.type("Picked")
    page.locator(".tabulator-edit-list-item", has_text="Picked Person").click()
    page.keyboard.press("Escape")
    wait_until(lambda: orders(rest, "ORD-7970")[1]["customer"]["id"] == other["id"],
               message="the picked link")
    assert cell(page, 1, "customer").inner_text() == "Picked Person"


def test_hidden_and_resized_columns_are_remembered_for_the_user(page, rest, client):
    new_order(rest, client, "ORD-79150")
    open_grid(page, "ORD-79150")
    page.click("#gb-columns-menu")
    page.locator("#gb-columns label", has_text="Comment").locator("input").uncheck()
    page.wait_for_timeout(800)  # the layout is saved half a second after the last change
    page.reload()
    page.wait_for_selector(".tabulator-row")
    assert page.locator(".tabulator-col[tabulator-field=comment]").is_hidden()
    page.click("#gb-columns-menu")
    page.locator("#gb-columns label", has_text="Comment").locator("input").check()
    page.wait_for_timeout(800)


def test_edits_made_offline_wait_and_are_saved_when_back(page, rest, client):
    new_order(rest, client, "ORD-79200")
    open_grid(page, "ORD-79200")
    page.context.set_offline(True)
    cell(page, 0, "tracking").click()
    page.keyboard.type("OFFLINE-1")
    page.keyboard.press("Enter")
    wait_until(lambda: "No connection" in page.inner_text("#gb-save-state"), message="offline note")
    assert "gb-cell-pending" in cell(page, 0, "tracking").get_attribute("class")
    assert "OFFLINE-1" in page.evaluate("localStorage.getItem(Object.keys(localStorage)[0])")
    page.context.set_offline(False)
    wait_until(lambda: orders(rest, "ORD-79200")[0]["tracking"] == "OFFLINE-1", seconds=40,
               message="the retry")
    saved(page)


def test_a_shared_view_with_filter_and_grouping_opens_from_its_link(page, browser, shop, rest,
                                                                     client):
    for number, status in (("ORD-79301", "new"), ("ORD-79302", "confirmed"),
                           ("ORD-79303", "confirmed")):
        new_order(rest, client, number, status=status, amount="100")
    open_grid(page, "ORD-793")
    page.select_option("#gb-filter-field", "status")
    page.select_option("#gb-filter-op", "eq")
    page.select_option("#gb-filter-value", "confirmed")
    page.click("#gb-filter-add")
    page.select_option("#gb-group", "status")
    numbers = page.locator(".tabulator-cell[tabulator-field=number]")
    wait_until(lambda: numbers.count() == 2, message="two confirmed orders")
    header = page.locator(".tabulator-group").first
    wait_until(lambda: "Amount: RUB" in header.inner_text(), message="the group's sum")
    assert header.inner_text().startswith("Confirmed")
    page.click("#gb-view-save")
    page.fill("#gb-view-name", "Confirmed 793")
    page.check("#gb-view-shared")
    page.click("#gb-view-ok")
    wait_until(lambda: "view=" in page.evaluate("location.href"), message="the view's address")
    page.screenshot(path=str(ARTIFACTS / "grid-grouped.png"), full_page=True)
    colleague = log_in_page(browser, shop, "manager2", staff_password(shop))
    colleague.goto(page.evaluate("location.href").replace(shop.base, ""))
    colleague.wait_for_selector(".tabulator-row")
    assert "Status is Confirmed" in colleague.inner_text("#gb-filter-chips")
    numbers = colleague.locator(".tabulator-cell[tabulator-field=number]")
    wait_until(lambda: sorted(numbers.all_inner_texts()) == ["ORD-79302", "ORD-79303"],
               message="the view's rows")  # the first page can come before the view applies
    colleague.context.close()


def test_set_a_field_on_a_selection(page, rest, client):
    for i in range(3):
        new_order(rest, client, f"ORD-7940{i}")
    open_grid(page, "ORD-7940")
    select(page, "courier", 2)
    page.click("#gb-bulk-menu")
    page.click("#gb-bulk-set")
    page.select_option("#gb-bulk-field", "courier")
    page.fill("#gb-bulk-value", "CDEK")
    page.click("#gb-bulk-ok")
    wait_until(lambda: {o["courier"] for o in orders(rest, "ORD-7940")} == {"cdek"},
               message="courier on three orders")


def search_board(page, text, order):
    """The board narrowed to one card (the search reloads the columns: wait for it)."""
    page.locator(".gb-card").first.wait_for()
    page.fill("#gb-search", text)
    wait_until(lambda: page.locator(".gb-card").count() == 1, message="the search")
    card = page.locator(f".gb-card[data-id='{order['id']}']")
    card.wait_for()
    return card


def test_kanban_drag_fires_the_automation_and_a_colleague_sees_it(page, browser, shop, rest,
                                                                  client):
    order = new_order(rest, client, "ORD-79500", status="new")
    colleague = open_grid(log_in_page(browser, shop, "manager1", staff_password(shop)), "ORD-79500")
    page.goto("/admin/grid/order/kanban/")
    card = search_board(page, "ORD-79500", order)
    card.drag_to(page.locator(".gb-column[data-stage=confirmed]"))
    page.locator(f".gb-column[data-stage=confirmed] .gb-card[data-id='{order['id']}']").wait_for()
    wait_until(lambda: rest("GET", f"/api/order/{order['id']}")["status"] == "confirmed",
               message="the new status")
    wait_until(lambda: rest("GET", "/api/task?q=ORD-79500")["total"] == 1, seconds=15,
               message="the automation's task")
    page.screenshot(path=str(ARTIFACTS / "kanban.png"))
    wait_until(lambda: cell(colleague, 0, "status").inner_text() == "Confirmed",
               message="the colleague's grid to follow")
    colleague.screenshot(path=str(ARTIFACTS / "grid-live.png"))
    colleague.context.close()


def test_a_stage_that_needs_more_is_refused_on_the_card(page, rest, client):
    order = new_order(rest, client, "ORD-79600", status="new")
    page.goto("/admin/grid/order/kanban/")
    card = search_board(page, "ORD-79600", order)
    card.drag_to(page.locator(".gb-column[data-stage=shipping]"))
    page.locator(".gb-card-error-text").wait_for()
    assert "Courier" in card.inner_text()
    stayed = page.locator(f".gb-column[data-stage=new] .gb-card[data-id='{order['id']}']")
    assert stayed.count() == 1
    assert rest("GET", f"/api/order/{order['id']}")["status"] == "new"


def test_a_new_row_typed_in_is_saved_once_it_is_complete(page, rest, client):
    new_order(rest, client, "ORD-79800")
    open_grid(page, "ORD-7980")
    page.click("#gb-new-row")
    page.keyboard.type("ORD-79801")
    page.keyboard.press("Enter")
    customer = cell(page, 1, "customer")  # new rows go at the bottom, as in a spreadsheet
    wait_until(lambda: "gb-cell-error" in customer.get_attribute("class"), message="required")
    assert "Fill this in" in customer.get_attribute("title")
    customer.dblclick()
    page.keyboard.type("Grid Cl")
    page.locator(".tabulator-edit-list-item", has_text="Grid Client").click()
    page.keyboard.press("Escape")
    wait_until(lambda: len(orders(rest, "ORD-7980")) == 2, message="the new order")
    saved(page)


def test_a_paste_on_a_new_row_inserts_and_is_one_change_in_history(page, rest, client):
    """Pasted on the new row at the bottom, three lines become three new orders; the
    records above are not touched; History shows the paste as one change, undone at once."""
    for number in ("ORD-78101", "ORD-78102"):
        new_order(rest, client, number, tracking="KEEP")
    open_grid(page, "ORD-781")
    page.click("#gb-new-row")
    page.keyboard.press("Escape")
    cell(page, 2, "tracking").click()  # the new row, below the two orders
    cell(page, 2, "number").click()
    paste(page, "ORD-78103\tGrid Client\n" + "ORD-78104\tGrid Client\n" + "ORD-78105\tGrid Client")
    wait_until(lambda: len(orders(rest, "ORD-781")) == 5, message="three new orders")
    saved(page)
    assert [o["tracking"] for o in orders(rest, "ORD-781")[:2]] == ["KEEP", "KEEP"]
    assert page.locator("#gb-modal.show").count() == 0  # nothing filled was at stake
    page.goto("/admin/audit/?entity=order")
    first = page.locator("tbody tr").first
    assert "paste" in first.inner_text() and "3 records" in first.inner_text()
    page.click("tbody tr >> nth=0 >> .gb-undo-paste")
    page.wait_for_selector(".alert:has-text('Paste undone')")
    assert len(orders(rest, "ORD-781")) == 2


def test_record_text_is_shown_never_run(page, rest):
    trap = '<img src=x onerror="window.gbRan=1">'
    customer = rest("POST", "/api/customer", json={"name": trap, "phone": "+7 916 555-00-02"})
    new_order(rest, customer, "ORD-79900", comment=trap, tracking="<b>bold</b>")
    open_grid(page, "ORD-79900")
    assert cell(page, 0, "customer").inner_text() == trap
    assert cell(page, 0, "comment").inner_text() == trap
    cell(page, 0, "customer").dblclick()
    page.keyboard.type("img")
    page.locator(".tabulator-edit-list-item", has_text="onerror").first.wait_for()
    page.keyboard.press("Escape")
    page.goto("/admin/grid/order/kanban/")
    page.fill("#gb-search", "ORD-79900")
    page.locator(".gb-card", has_text="ORD-79900").wait_for()
    assert page.evaluate("window.gbRan") is None


def test_a_russian_speaking_clerk_types_money_and_dates_her_way(browser, shop, rest, client):
    shop.run("user", "create", "masha", "--role", "manager", "--password", "masha-password")
    page = log_in_page(browser, shop, "masha", "masha-password")
    page.click(".gb-lang button:has-text('RU')")
    new_order(rest, client, "ORD-79950")
    open_grid(page, "ORD-79950")
    assert "Сумма" in page.inner_text(".tabulator-headers")
    cell(page, 0, "amount").click()
    page.keyboard.type("1234,5")
    page.keyboard.press("Enter")
    cell(page, 0, "comment").click()
    paste(page, "позвонить 30.11")
    cell(page, 0, "deliver_by").click()
    paste(page, "30.11.2026")
    wait_until(lambda: orders(rest, "ORD-79950")[0]["deliver_by"] == "2026-11-30",
               message="the date")
    (order,) = orders(rest, "ORD-79950")
    assert order["amount"] == "1234.50" and order["comment"] == "позвонить 30.11"
    assert cell(page, 0, "amount").inner_text() == "1\xa0234,50\xa0₽"
    assert cell(page, 0, "deliver_by").inner_text() == "30.11.2026"
    page.context.close()


def test_export_then_delete_a_selection(page, rest, client):
    for i in range(3):
        new_order(rest, client, f"ORD-7998{i}")
    open_grid(page, "ORD-7998")
    select(page, "number", 1)
    page.click("#gb-bulk-menu")
    page.click("#gb-bulk-export")
    page.wait_for_url(re.compile(r"/admin/transfer/job/(\d+)/"))
    job = int(re.search(r"/job/(\d+)/", page.url).group(1))
    # the job page reloads itself when done; leave it only after that, not racing the reload
    page.wait_for_selector('#gb-job[data-status="done"]', timeout=60000)
    assert rest("GET", f"/api/jobs/{job}")["result"]["rows"] == 2

    open_grid(page, "ORD-7998")
    select(page, "number", 1)
    chosen = {cell(page, i, "number").inner_text() for i in range(2)}
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#gb-bulk-menu")
    page.click("#gb-bulk-delete")
    wait_until(lambda: len(orders(rest, "ORD-7998")) == 1, message="the deletion")
    assert orders(rest, "ORD-7998")[0]["number"] not in chosen
    wait_until(lambda: page.locator(".tabulator-row").count() == 1,
               message="the deleted rows leaving the grid")


def test_the_pages_work_under_the_content_security_policy(page):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    for url, ready in (("/admin/grid/order/", ".tabulator-row"),
                       ("/admin/grid/order/kanban/", ".gb-card"),
                       ("/admin/records/order/", "table.model-list"),
                       ("/admin/records/order/edit/?id=1", "input[name=number]"),
                       ("/admin/transfer/import/customer/", "input[type=file]")):
        page.goto(url)
        page.wait_for_selector(ready, state="attached")
    assert violations == []


def test_logistics_sees_its_orders_without_amounts_in_grid_and_board(browser, shop):
    page = log_in_page(browser, shop, "logistics", staff_password(shop))
    page.goto("/admin/grid/order/")
    page.wait_for_selector(".tabulator-row")
    headers = page.inner_text(".tabulator-headers")
    assert "Amount" not in headers and "Tracking number" in headers
    statuses = set(page.locator(".tabulator-cell[tabulator-field=status]").all_inner_texts())
    assert statuses and statuses <= {"Confirmed", "Awaiting supply", "Ready to ship",
                                     "Shipping", "Delivered"}
    assert page.locator("#gb-new-row").is_hidden() and page.locator("#gb-bulk-delete").is_hidden()
    page.goto("/admin/grid/order/kanban/")
    page.locator(".gb-card").first.wait_for()
    assert page.locator(".gb-column[data-stage=new] .gb-card").count() == 0
    assert "RUB" not in page.inner_text("#gb-board")  # no amounts, no sums
    page.screenshot(path=str(ARTIFACTS / "kanban-logistics.png"))
    page.context.close()


def test_deleting_from_the_list_still_asks_first_without_inline_scripts(page, rest, client):
    order = new_order(rest, client, "ORD-79990")
    page.goto("/admin/records/order/?search=ORD-79990")
    trash = page.locator("button[data-gb-confirm]").first
    page.once("dialog", lambda dialog: dialog.dismiss())
    trash.click()
    page.wait_for_timeout(300)
    assert rest("GET", f"/api/order/{order['id']}")["number"] == "ORD-79990"
    page.once("dialog", lambda dialog: dialog.accept())
    trash.click()
    page.wait_for_load_state()
    wait_until(lambda: "errors" in rest("GET", f"/api/order/{order['id']}"), message="deletion")
