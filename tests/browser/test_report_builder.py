"""The owner builds "sales by manager this month" in the browser, with no JSON, and takes
it to Excel; a report written in JSON shows its filter in the condition builder and keeps
what the builder does not show (its plan) when changed there; a bad key is refused on the page; a manager cannot build."""

import time
from decimal import Decimal

from openpyxl import load_workbook
from playwright.sync_api import expect

from helpers import ARTIFACTS, log_in_page

CONFIRMED_AND_LATER = {"field": "status", "in": ["confirmed", "awaiting_supply", "ready_to_ship",
                                                 "shipping", "delivered"]}


def test_the_owner_builds_sales_by_manager_this_month_and_exports_it(page, rest, tmp_path):
    started = time.monotonic()
    page.goto("/admin/reports/")
    page.click("#gb-new-report")
    page.wait_for_selector("body[data-builder-ready]", state="attached")
    page.fill("#gb-b-name", "Sales by manager this month")
    expect(page.locator("#gb-b-key")).to_have_value("sales_by_manager_this_month")
    page.select_option("#gb-b-entity", "order")
    page.select_option("#gb-b-rows", "manager")
    page.select_option(".gb-b-measure", "sum:amount")
    page.select_option("#gb-b-period-field", "ordered_at")
    page.select_option("#gb-b-period", "this_month")
    page.select_option("#gb-b-chart", "bar")
    page.click("#gb-b-preview")
    page.wait_for_selector("body[data-preview]", state="attached")
    expect(page.locator("#gb-report-chart canvas")).to_have_count(1)
    page.click("#gb-b-save")
    page.wait_for_url("**/admin/reports/sales_by_manager_this_month/")
    page.wait_for_selector("body[data-report-ready]", state="attached")
    with page.expect_download() as download:
        page.click("#gb-report-xlsx")
    assert time.monotonic() - started < 60  # built and in Excel within a minute
    saved = rest("GET", "/api/reports/sales_by_manager_this_month")
    assert saved["filter"] == {"field": "ordered_at", "within": "this_month"}
    assert saved["columns"][0]["label"] == "Manager"
    path = tmp_path / "sales.xlsx"
    download.value.save_as(path)
    values = list(load_workbook(path).active.iter_rows(values_only=True))
    assert values[0] == ("Manager", "Amount: sum")
    assert Decimal(str(values[-1][1])).quantize(Decimal("0.01")) == Decimal(saved["totals"][1])
    page.screenshot(path=str(ARTIFACTS / "report-built.png"), full_page=True)


def test_a_json_report_keeps_its_filter_and_plan_when_changed_in_the_builder(page, rest):
    spec = {"key": "confirmed_by_manager", "name": "Confirmed by manager", "entity": "order",
            "filter": CONFIRMED_AND_LATER, "rows": [{"field": "manager"}],
            "measures": [{"agg": "sum", "field": "amount"}],
            "plan": {"entity": "sales_plan", "field": "target", "date": "month",
                     "match": {"manager": "manager"}}}
    assert rest("PUT", "/api/reports/confirmed_by_manager", json=spec)["changed"]
    page.goto("/admin/reports/confirmed_by_manager/")
    page.click("#gb-edit-report")
    page.wait_for_selector("body[data-preview]", state="attached")  # it opens worked out
    row = page.locator("#gb-b-where .gb-cond-row")  # the JSON filter, as a row of the builder
    expect(row).to_have_count(1)
    assert row.locator(".gb-cond-field").input_value() == "status"
    assert row.locator(".gb-cond-op").input_value() == "in"
    assert "Confirmed" in row.locator(".gb-cond-value option:checked").all_inner_texts()
    page.select_option("#gb-b-columns", "ordered_at")
    page.select_option("#gb-b-columns-bucket", "quarter")
    page.click("#gb-b-save")
    page.wait_for_url("**/admin/reports/confirmed_by_manager/")
    kept = rest("GET", "/api/reports")["items"]
    assert "confirmed_by_manager" in [r["key"] for r in kept]
    shown = rest("GET", "/api/reports/confirmed_by_manager")
    assert shown["filter"] == CONFIRMED_AND_LATER  # the JSON filter, as it was written
    assert any(c.get("kind") == "measure" and "Plan" in c["label"] for c in shown["columns"])
    assert any(c.get("group", "").startswith("Q") for c in shown["columns"])  # by quarter now

    page.click("#gb-edit-report")  # a period joins the condition
    page.wait_for_selector("body[data-preview]", state="attached")
    page.select_option("#gb-b-period-field", "ordered_at")
    page.select_option("#gb-b-period", "this_year")
    page.click("#gb-b-save")
    page.wait_for_url("**/admin/reports/confirmed_by_manager/")
    assert rest("GET", "/api/reports/confirmed_by_manager")["filter"] == {
        "all": [{"field": "ordered_at", "within": "this_year"}, CONFIRMED_AND_LATER]}

    page.goto("/admin/reports/new/")
    page.wait_for_selector("body[data-builder-ready]", state="attached")
    page.fill("#gb-b-name", "Заказы по городам")  # a Russian name gives a Latin key
    expect(page.locator("#gb-b-key")).to_have_value("zakazy_po_gorodam")
    page.fill("#gb-b-key", "9 bad")
    page.click("#gb-b-save")
    expect(page.locator("#gb-b-problem")).to_contain_text("Latin letters")
    assert "zakazy_po_gorodam" not in [r["key"] for r in rest("GET", "/api/reports")["items"]]


def test_a_manager_may_not_build_reports(browser, shop):
    page = log_in_page(browser, shop, "manager1", shop.staff_password())
    try:
        assert page.goto("/admin/reports/new/").status == 403
        page.goto("/admin/reports/")
        assert page.locator("#gb-new-report").count() == 0
    finally:
        page.context.close()
