"""The owner opens the demo's reports in Chromium: a table and a chart in the browser, a
click from a figure to the very records behind it, the Excel file, and on a phone."""

from openpyxl import load_workbook
from playwright.sync_api import expect

from helpers import ARTIFACTS


def open_report(page, key):
    page.goto(f"/admin/reports/{key}/")
    page.wait_for_selector("body[data-report-ready]")
    assert page.locator("#gb-report-problem").is_hidden()


def test_the_owner_reads_orders_by_stage_and_opens_the_confirmed_ones(page, rest):
    page.goto("/admin/reports/")
    names = page.locator(".gb-report-card .card-title").all_inner_texts()
    assert {"Orders by stage", "Sales by manager by month, against plan", "Sales by product",
            "Time in the current stage"} <= set(names)
    page.click("a.gb-report-card[href$='/reports/orders_by_stage/']")
    page.wait_for_selector("body[data-report-ready]")
    expected = rest("GET", "/api/reports/orders_by_stage")
    assert page.locator("#gb-report-chart canvas").count() == 1
    rows = page.locator("#gb-report-table tbody tr")
    assert rows.count() == len(expected["rows"])
    total = page.locator("#gb-report-table tfoot td").first.inner_text()
    assert total == f"{expected['totals'][1]:,}"  # the count of every order, as en-US writes it
    confirmed = next(i for i, row in enumerate(expected["rows"]) if row[0] == "Confirmed")
    count = expected["rows"][confirmed][1]
    page.screenshot(path=str(ARTIFACTS / "report-orders-by-stage.png"), full_page=True)
    rows.nth(confirmed).locator("td a").first.click()
    page.wait_for_url("**/admin/grid/order/?filter=*")
    # every one of them (the grid draws only the rows in sight: its grand total counts all)
    expect(page.locator("#gb-grand-total")).to_have_attribute("data-count", str(count))
    statuses = set(page.locator("#gb-grid .tabulator-cell[tabulator-field=status]").all_inner_texts())
    assert statuses == {"Confirmed"}


def test_a_pivot_by_month_exports_to_excel_as_it_is_shown(page, rest, tmp_path):
    open_report(page, "sales_by_manager")
    expected = rest("GET", "/api/reports/sales_by_manager")
    headers = page.locator("#gb-report-table thead th").all_inner_texts()
    assert headers == [c["label"] for c in expected["columns"]]
    with page.expect_download() as download:
        page.click("#gb-report-xlsx")
    download.value.save_as(tmp_path / "sales.xlsx")
    sheet = load_workbook(tmp_path / "sales.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == headers and rows[-1][0] == "Total"
    assert float(rows[-1][-1]) == float(expected["totals"][-1])


def test_on_a_phone_the_chart_fits_and_the_table_scrolls(browser, shop):
    from helpers import log_in_page
    page = log_in_page(browser, shop, "owner", shop.owner_password())
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        open_report(page, "sales_by_product")
        box = page.locator("#gb-report-chart canvas").bounding_box()
        assert box["width"] <= 390 and box["height"] > 100
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width  # the page itself does not scroll sideways
        page.screenshot(path=str(ARTIFACTS / "report-phone.png"), full_page=True)
    finally:
        page.context.close()
