"""The staff grid and the kanban in Chromium: typing through a mask, pasting a block from a
spreadsheet, refusals on the cell, conflicts between two people, views, undo, offline edits,
and a card dragged on the board firing its automation while a colleague watches."""

import re
import time
from datetime import datetime, timedelta

from helpers import ARTIFACTS, log_in_page


def wait_until(check, seconds=8, message="condition"):
    deadline = time.time() + seconds
    while not check():
        assert time.time() < deadline, f"timed out waiting for {message}"
        time.sleep(0.2)


def open_grid(page, client):
    """The grid of one customer's orders (each test has a customer of its own)."""
    page.goto(f"/admin/grid/order/?customer={client['id']}")
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


def orders(rest, client):
    return rest("GET", f"/api/order?customer={client['id']}&sort=id&limit=100")["items"]


def new_order(rest, client, **values):
    created = rest("POST", "/api/order", json=dict({"customer": client["id"]}, **values))
    assert "errors" not in created, created
    return created


def paste(page, text):
    page.evaluate("""text => { const data = new DataTransfer(); data.setData('text/plain', text);
        document.querySelector('#gb-grid .tabulator-tableholder').dispatchEvent(
            new ClipboardEvent('paste', {clipboardData: data, bubbles: true})); }""", text)


def test_paste_twenty_rows_two_bad_phones_then_fix_them_with_the_mask(page, rest, client):
    new_order(rest, client, phone="+7 916 000-00-99")
    open_grid(page, client)
    cell(page, 0, "customer").click()
    phones = [f"+7 916 000-00-{i:02d}" for i in range(1, 21)]
    phones[4], phones[11] = "12345", "+7 916"
    paste(page, "\n".join(f"{client['name']}\t{phone}" for phone in phones))
    page.wait_for_selector("#gb-modal.show #gb-paste-replace")  # the phone there is filled
    assert "changes 1 filled cells in 1 records" in page.inner_text("#gb-modal")
    page.click("#gb-paste-replace")
    wait_until(lambda: len(orders(rest, client)) == 18, message="18 saved rows")
    red = page.locator(".gb-cell-error")
    wait_until(lambda: red.count() == 2, message="two red cells")
    assert "not a phone number of Russia" in red.first.get_attribute("title")
    wait_until(lambda: "2 cells not saved" in page.inner_text("#gb-save-state"), message="a note")
    page.screenshot(path=str(ARTIFACTS / "grid-paste.png"), full_page=True)
    assert orders(rest, client)[0]["phone"] == "+79160000001"  # the row pasted over

    for bad in range(2):
        red.first.click()
        page.keyboard.type("9160009999"[:-1] + str(bad))
        assert page.evaluate("document.activeElement.value") == f"+7 (916) 000-99-9{bad}"
        page.keyboard.press("Enter")
        wait_until(lambda: red.count() == 1 - bad, message="the fixed cell no longer red")
    wait_until(lambda: len(orders(rest, client)) == 20, message="the fixed rows saved")
    saved(page)
    assert red.count() == 0
    fixed = [o["phone"] for o in orders(rest, client)]
    assert "+79160009990" in fixed and "+79160009991" in fixed and "+79160000005" not in fixed
    page.reload()
    page.wait_for_selector(".tabulator-row")
    assert page.locator(".tabulator-row").count() == 20


def test_type_through_the_mask_and_find_it_after_reload(page, rest, client):
    new_order(rest, client)
    open_grid(page, client)
    cell(page, 0, "phone").click()
    page.keyboard.type("9161112233")
    page.keyboard.press("Enter")
    cell(page, 0, "tracking").click()
    page.keyboard.type("RA-1234")
    page.keyboard.press("Tab")  # to the next cell: the typed one is kept
    saved(page)
    page.reload()
    page.wait_for_selector(".tabulator-row")
    assert cell(page, 0, "phone").inner_text() == "+7 (916) 111-22-33"
    (order,) = orders(rest, client)
    assert order["phone"] == "+79161112233" and order["tracking"] == "RA-1234"


def test_two_people_edit_one_cell_and_the_second_chooses(page, browser, shop, rest, client):
    new_order(rest, client)
    open_grid(page, client)
    colleague = open_grid(log_in_page(browser, shop, "manager1", shop.staff_password()), client)
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
    wait_until(lambda: orders(rest, client)[0]["tracking"] == "THEIRS-2", message="mine")
    saved(colleague)
    colleague.context.close()


def test_ctrl_z_takes_back_the_last_changes_one_by_one_on_the_server(page, rest, client):
    new_order(rest, client, tracking="BEFORE")
    open_grid(page, client)
    for text in ("FIRST", "SECOND"):
        cell(page, 0, "tracking").click()
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        wait_until(lambda t=text: orders(rest, client)[0]["tracking"] == t, message=text)
        saved(page)
    cell(page, 0, "tracking").click()
    for expected in ("FIRST", "BEFORE"):
        page.keyboard.press("Control+z")
        wait_until(lambda e=expected: orders(rest, client)[0]["tracking"] == e,
                   message=f"the undo to {expected}")
        saved(page)
    assert cell(page, 0, "tracking").inner_text() == "BEFORE"


def test_fill_down_and_pick_a_link_by_searching(page, rest, client):
    other = rest("POST", "/api/customer", json={"name": "Picked Person",
                                                "phone": "+7 916 555-00-01"})
    for i in range(3):
        new_order(rest, client, tracking="T-0" if i == 0 else None)
    open_grid(page, client)
    page.locator(".tabulator-col[tabulator-field=number] .tabulator-col-sorter").click()
    first = orders(rest, client)[0]["number"]  # given in the order they were made
    wait_until(lambda: cell(page, 0, "number").inner_text() == first, message="the sort")
    select(page, "tracking", 2)
    page.keyboard.press("Control+d")
    wait_until(lambda: {o["tracking"] for o in orders(rest, client)} == {"T-0"},
               message="the fill")
    second = orders(rest, client)[1]["id"]
    cell(page, 1, "customer").dblclick()
    page.keyboard.type("Picked")
    page.locator(".tabulator-edit-list-item", has_text="Picked Person").click()
    page.keyboard.press("Escape")
    wait_until(lambda: rest("GET", f"/api/order/{second}")["customer"]["id"] == other["id"],
               message="the picked link")
    assert cell(page, 1, "customer").inner_text() == "Picked Person"


def layout_saved(page):
    """Until the grid has stored the user's columns (its PUT answered)."""
    return page.expect_response(lambda r: r.url.endswith("/layout") and
                                r.request.method == "PUT" and r.ok)


def test_hidden_and_resized_columns_are_remembered_for_the_user(page, rest, client):
    new_order(rest, client)
    open_grid(page, client)
    page.click("#gb-columns-menu")
    with layout_saved(page):  # (half a second after the last change)
        page.locator("#gb-columns label", has_text="Comment").locator("input").uncheck()
    page.reload()
    page.wait_for_selector(".tabulator-row")
    assert page.locator(".tabulator-col[tabulator-field=comment]").is_hidden()
    page.click("#gb-columns-menu")
    with layout_saved(page):
        page.locator("#gb-columns label", has_text="Comment").locator("input").check()


def test_edits_made_offline_wait_and_are_saved_when_back(page, rest, client):
    new_order(rest, client)
    open_grid(page, client)
    page.context.set_offline(True)
    cell(page, 0, "tracking").click()
    page.keyboard.type("OFFLINE-1")
    page.keyboard.press("Enter")
    wait_until(lambda: "No connection" in page.inner_text("#gb-save-state"), message="offline note")
    assert "gb-cell-pending" in cell(page, 0, "tracking").get_attribute("class")
    assert "OFFLINE-1" in page.evaluate("localStorage.getItem(Object.keys(localStorage)[0])")
    page.context.set_offline(False)
    wait_until(lambda: orders(rest, client)[0]["tracking"] == "OFFLINE-1", seconds=40,
               message="the retry")
    saved(page)


def test_a_shared_view_with_filter_and_grouping_opens_from_its_link(page, browser, shop, rest,
                                                                     client):
    confirmed = sorted(new_order(rest, client, status=status)["number"]
                       for status in ("new", "confirmed", "confirmed") if status == "confirmed")
    open_grid(page, client)
    page.select_option("#gb-filter-field", "status")
    page.select_option("#gb-filter-op", "eq")
    page.select_option("#gb-filter-value", "confirmed")
    page.click("#gb-filter-add")
    page.select_option("#gb-group", "status")
    numbers = page.locator(".tabulator-cell[tabulator-field=number]")
    wait_until(lambda: numbers.count() == 2, message="two confirmed orders")
    header = page.locator(".tabulator-group").first
    wait_until(lambda: "Amount: ₽" in header.inner_text(), message="the group's sum")
    assert header.inner_text().startswith("Confirmed")
    page.click("#gb-view-save")
    page.fill("#gb-view-name", "Confirmed 793")
    page.check("#gb-view-shared")
    page.click("#gb-view-ok")
    wait_until(lambda: "view=" in page.evaluate("location.href"), message="the view's address")
    page.screenshot(path=str(ARTIFACTS / "grid-grouped.png"), full_page=True)
    colleague = log_in_page(browser, shop, "manager2", shop.staff_password())
    colleague.goto(page.evaluate("location.href").replace(shop.base, ""))
    colleague.wait_for_selector(".tabulator-row")
    assert "Status is Confirmed" in colleague.inner_text("#gb-filter-chips")
    numbers = colleague.locator(".tabulator-cell[tabulator-field=number]")
    wait_until(lambda: sorted(numbers.all_inner_texts()) == confirmed,
               message="the view's rows")  # the first page can come before the view applies
    colleague.context.close()


def test_set_a_field_on_a_selection(page, rest, client):
    for i in range(3):
        new_order(rest, client)
    open_grid(page, client)
    select(page, "courier", 2)
    page.click("#gb-bulk-menu")
    page.click("#gb-bulk-set")
    page.select_option("#gb-bulk-field", "courier")
    assert page.locator("#gb-bulk-value option").all_inner_texts() == [
        "CDEK", "Russian Post", "Own courier"]  # the choices by name, not a box to type in
    page.select_option("#gb-bulk-value", label="CDEK")
    page.click("#gb-bulk-ok")
    wait_until(lambda: {o["courier"] for o in orders(rest, client)} == {"cdek"},
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
    order = new_order(rest, client, status="new")
    colleague = open_grid(log_in_page(browser, shop, "manager1", shop.staff_password()), client)
    page.goto("/admin/grid/order/kanban/")
    card = search_board(page, order["number"], order)
    card.drag_to(page.locator(".gb-column[data-stage=confirmed]"))
    page.locator(f".gb-column[data-stage=confirmed] .gb-card[data-id='{order['id']}']").wait_for()
    wait_until(lambda: rest("GET", f"/api/order/{order['id']}")["status"] == "confirmed",
               message="the new status")
    wait_until(lambda: rest("GET", f"/api/task?q={order['number']}")["total"] == 1, seconds=15,
               message="the automation's task")
    page.screenshot(path=str(ARTIFACTS / "kanban.png"))
    wait_until(lambda: cell(colleague, 0, "status").inner_text() == "Confirmed",
               message="the colleague's grid to follow")
    colleague.screenshot(path=str(ARTIFACTS / "grid-live.png"))
    colleague.context.close()


def test_a_stage_that_needs_more_is_refused_on_the_card(page, rest, client):
    order = new_order(rest, client, status="new")
    page.goto("/admin/grid/order/kanban/")
    card = search_board(page, order["number"], order)
    card.drag_to(page.locator(".gb-column[data-stage=shipping]"))
    page.locator(".gb-card-error-text").wait_for()
    assert "Courier" in card.inner_text()
    stayed = page.locator(f".gb-column[data-stage=new] .gb-card[data-id='{order['id']}']")
    assert stayed.count() == 1
    assert rest("GET", f"/api/order/{order['id']}")["status"] == "new"


def test_a_new_row_typed_in_is_saved_once_it_is_complete(page, rest, client):
    new_order(rest, client)
    open_grid(page, client)
    page.click("#gb-new-row")
    page.keyboard.press("Escape")
    cell(page, 1, "tracking").click()  # new rows go at the bottom, as in a spreadsheet
    page.keyboard.type("NEW-1")
    page.keyboard.press("Enter")
    customer = cell(page, 1, "customer")
    wait_until(lambda: "gb-cell-error" in customer.get_attribute("class"), message="required")
    assert "Fill this in" in customer.get_attribute("title")
    customer.dblclick()
    page.keyboard.type(client["name"])
    page.locator(".tabulator-edit-list-item", has_text=client["name"]).click()
    page.keyboard.press("Escape")
    wait_until(lambda: len(orders(rest, client)) == 2, message="the new order")
    saved(page)
    assert re.fullmatch(r"ORD-\d{5}", orders(rest, client)[1]["number"])  # numbered for her


def test_a_paste_on_a_new_row_inserts_and_is_one_change_in_history(page, rest, client):
    """Pasted on the new row at the bottom, three lines become three new orders; the
    records above are not touched; History shows the paste as one change, undone at once."""
    for _two in range(2):
        new_order(rest, client, tracking="KEEP")
    open_grid(page, client)
    page.click("#gb-new-row")
    page.keyboard.press("Escape")
    cell(page, 2, "tracking").click()  # the new row, below the two orders
    cell(page, 2, "customer").click()
    paste(page, "\n".join([client["name"]] * 3))
    wait_until(lambda: len(orders(rest, client)) == 5, message="three new orders")
    saved(page)
    assert [o["tracking"] for o in orders(rest, client)[:2]] == ["KEEP", "KEEP"]
    assert page.locator("#gb-modal.show").count() == 0  # nothing filled was at stake
    page.goto("/admin/audit/?entity=order")
    first = page.locator("tbody tr").first
    assert "paste" in first.inner_text() and "3 records" in first.inner_text()
    page.click("tbody tr >> nth=0 >> .gb-undo-paste")
    page.wait_for_selector(".alert:has-text('Paste undone')")
    assert len(orders(rest, client)) == 2


def test_record_text_is_shown_never_run(page, rest):
    trap = '<img src=x onerror="window.gbRan=1">'
    customer = rest("POST", "/api/customer", json={"name": trap, "phone": "+7 916 555-00-02"})
    order = new_order(rest, customer, comment=trap, tracking="<b>bold</b>")
    open_grid(page, customer)
    assert cell(page, 0, "customer").inner_text() == trap
    assert cell(page, 0, "comment").inner_text() == trap
    cell(page, 0, "customer").dblclick()
    page.keyboard.type("img")
    page.locator(".tabulator-edit-list-item", has_text="onerror").first.wait_for()
    page.keyboard.press("Escape")
    page.goto("/admin/grid/order/kanban/")
    page.fill("#gb-search", order["number"])
    page.locator(".gb-card", has_text=order["number"]).wait_for()
    assert page.evaluate("window.gbRan") is None


def test_a_russian_speaking_clerk_types_money_and_dates_her_way(browser, shop, rest, client):
    shop.run("user", "create", "masha", "--role", "manager", "--password", "masha-password")
    page = log_in_page(browser, shop, "masha", "masha-password")
    page.click(".gb-lang button:has-text('RU')")
    order = new_order(rest, client)
    product = rest("GET", "/api/product?limit=1")["items"][0]
    rest("POST", "/api/order_line", json={"order": order["id"], "product": product["id"]})
    page.goto(f"/admin/grid/order_line/?order={order['id']}")  # its lines
    page.wait_for_selector(".tabulator-row")
    price = page.locator(".tabulator-row").first.locator(".tabulator-cell[tabulator-field=unit_price]")
    price.click()
    page.keyboard.type("1234,5")
    page.keyboard.press("Enter")
    wait_until(lambda: rest("GET", f"/api/order/{order['id']}")["amount"] == "1234.50",
               message="the order's total")
    open_grid(page, client)
    assert "Сумма" in page.inner_text(".tabulator-headers")
    cell(page, 0, "comment").click()
    paste(page, "позвонить 30.11")
    cell(page, 0, "deliver_by").click()
    paste(page, "30.11.2026")
    wait_until(lambda: orders(rest, client)[0]["deliver_by"] == "2026-11-30",
               message="the date")
    (order,) = orders(rest, client)
    assert order["comment"] == "позвонить 30.11"
    assert cell(page, 0, "amount").inner_text() == "1\xa0234,50\xa0₽"
    assert cell(page, 0, "deliver_by").inner_text() == "30.11.2026"
    page.context.close()


def test_export_then_delete_a_selection(page, rest, client):
    for i in range(3):
        new_order(rest, client)
    open_grid(page, client)
    select(page, "number", 1)
    page.click("#gb-bulk-menu")
    page.click("#gb-bulk-export")
    page.wait_for_url(re.compile(r"/admin/transfer/job/(\d+)/"))
    job = int(re.search(r"/job/(\d+)/", page.url).group(1))
    # the job page reloads itself when done; leave it only after that, not racing the reload
    page.wait_for_selector('#gb-job[data-status="done"]', timeout=60000)
    assert rest("GET", f"/api/jobs/{job}")["result"]["rows"] == 2

    open_grid(page, client)
    select(page, "number", 1)
    chosen = {cell(page, i, "number").inner_text() for i in range(2)}
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#gb-bulk-menu")
    page.click("#gb-bulk-delete")
    wait_until(lambda: len(orders(rest, client)) == 1, message="the deletion")
    assert orders(rest, client)[0]["number"] not in chosen
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
    page = log_in_page(browser, shop, "logistics", shop.staff_password())
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
    assert "₽" not in page.inner_text("#gb-board")  # no amounts, no sums
    page.screenshot(path=str(ARTIFACTS / "kanban-logistics.png"))
    page.context.close()


def test_deleting_from_the_list_still_asks_first_without_inline_scripts(page, rest, client):
    order = new_order(rest, client)
    page.goto(f"/admin/records/order/?search={order['number']}")
    trash = page.locator("button[data-gb-confirm]").first
    page.once("dialog", lambda dialog: dialog.dismiss())
    trash.click()
    page.wait_for_timeout(300)
    assert rest("GET", f"/api/order/{order['id']}")["number"] == order["number"]
    page.once("dialog", lambda dialog: dialog.accept())
    trash.click()
    page.wait_for_load_state()
    wait_until(lambda: "errors" in rest("GET", f"/api/order/{order['id']}"), message="deletion")


def test_filters_people_use_periods_any_of_and_the_grand_total(page, rest, client):
    last_month = (datetime.now().replace(day=1) - timedelta(days=3)).isoformat(timespec="minutes")
    for status in ("new", "confirmed", "shipping"):
        new_order(rest, client, status=status, courier="own")
    new_order(rest, client, status="new", ordered_at=last_month)
    open_grid(page, client)
    page.select_option("#gb-filter-field", "ordered_at")
    page.select_option("#gb-filter-op", "within")
    page.select_option("#gb-filter-value", "this_month")
    page.click("#gb-filter-add")
    page.select_option("#gb-filter-field", "status")
    page.select_option("#gb-filter-op", "in")
    page.select_option("#gb-filter-value", ["new", "confirmed"])
    page.click("#gb-filter-add")
    chips = page.inner_text("#gb-filter-chips")
    assert "Ordered at within this month" in chips and "Status is any of New, Confirmed" in chips
    numbers = page.locator(".tabulator-cell[tabulator-field=number]")
    wait_until(lambda: numbers.count() == 2, message="this month's new and confirmed orders")
    total = page.locator("#gb-grand-total")
    wait_until(lambda: total.get_attribute("data-count") == "2", message="the grand total")
    assert total.inner_text().startswith("Total of 2 records")
    page.click("#gb-view-save")
    page.fill("#gb-view-name", f"This month {client['id']}")
    page.click("#gb-view-ok")
    wait_until(lambda: "view=" in page.evaluate("location.href"), message="the view's address")
    page.reload()
    page.wait_for_selector(".tabulator-row")
    assert "Ordered at within this month" in page.inner_text("#gb-filter-chips")
    wait_until(lambda: numbers.count() == 2, message="the view's rows after a reload")
    # the view changed under its name, then deleted
    page.select_option("#gb-filter-field", "status")
    page.select_option("#gb-filter-op", "eq")
    page.select_option("#gb-filter-value", "new")
    page.click("#gb-filter-add")
    page.click("#gb-view-save")
    page.fill("#gb-view-name", f"New this month {client['id']}")
    page.click("#gb-view-ok")
    options = page.locator("#gb-view option")
    wait_until(lambda: f"New this month {client['id']}" in options.all_inner_texts(),
               message="the view saved again under its new name")
    assert f"This month {client['id']}" not in options.all_inner_texts()  # changed, not added
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#gb-view-delete")
    wait_until(lambda: f"New this month {client['id']}" not in options.all_inner_texts(),
               message="the view deleted")
    page.reload()
    page.wait_for_selector(".tabulator-row")
    assert f"New this month {client['id']}" not in options.all_inner_texts()  # for good


def test_the_board_filters_like_the_grid_and_keeps_its_views(page, rest, client):
    last_month = (datetime.now().replace(day=1) - timedelta(days=3)).isoformat(timespec="minutes")
    for status in ("new", "new", "confirmed"):
        new_order(rest, client, status=status)
    new_order(rest, client, status="new", ordered_at=last_month)
    page.goto(f"/admin/grid/order/kanban/?customer={client['id']}")
    count = page.locator(".gb-column[data-stage=new] .gb-column-count")
    wait_until(lambda: count.count() and count.inner_text() == "3", message="the customer's new orders")
    page.select_option("#gb-filter-field", "ordered_at")
    page.select_option("#gb-filter-op", "within")
    page.select_option("#gb-filter-value", "this_month")
    page.click("#gb-filter-add")
    wait_until(lambda: count.inner_text() == "2", message="this month's new orders")
    cards = page.locator(".gb-column[data-stage=new] .gb-card")
    wait_until(lambda: cards.count() == 2, message="their cards")
    page.click("#gb-view-save")
    page.fill("#gb-view-name", f"Board this month {client['id']}")
    page.click("#gb-view-ok")
    wait_until(lambda: "view=" in page.evaluate("location.href"), message="the view's address")
    page.reload()
    wait_until(lambda: count.count() and count.inner_text() == "2", message="the view again")
    assert "Ordered at within this month" in page.inner_text("#gb-filter-chips")


def test_a_period_of_any_number_of_days(page, rest, client):
    last_month = (datetime.now().replace(day=1) - timedelta(days=3)).isoformat(timespec="minutes")
    long_ago = (datetime.now() - timedelta(days=100)).isoformat(timespec="minutes")
    for when in (None, last_month, long_ago):
        new_order(rest, client, **({"ordered_at": when} if when else {}))
    open_grid(page, client)
    page.select_option("#gb-filter-field", "ordered_at")
    page.select_option("#gb-filter-op", "within")
    page.select_option("#gb-filter-value", "last_n")
    page.fill("#gb-filter-days", "45")
    page.click("#gb-filter-add")
    assert "Ordered at within the last 45 days" in page.inner_text("#gb-filter-chips")
    total = page.locator("#gb-grand-total")
    wait_until(lambda: total.get_attribute("data-count") == "2", message="two of the last 45 days")
