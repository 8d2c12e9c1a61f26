"""The issue's "done when", in a browser: an order is confirmed and within a second the
SMS is in the outbox, the task in logistics' inbox and the run in the log."""

import re
import time

from helpers import ARTIFACTS


def test_confirming_an_order_reaches_outbox_inbox_and_run_log(page, browser, shop):
    page.goto("/admin/records/order/?search=ORD-00001")
    page.locator("table tbody tr a[title='Edit Record']").first.click()
    page.select_option("select[name=status]", "confirmed")
    page.click("input[type=submit][value=Save]")
    page.wait_for_url(re.compile(r"/admin/records/order/(\?.*)?$"))
    saved = time.time()
    page.goto("/admin/outbox/")
    while "ORD-00001 подтверждён" not in page.inner_text("table.gb-outbox"):
        assert time.time() - saved < 5, "no SMS in the outbox"
        page.reload()
    page.screenshot(path=str(ARTIFACTS / "outbox.png"), full_page=True)
    page.goto("/admin/runs/?rule=order_confirmed")
    first = page.locator("table.gb-runs tbody tr").first
    assert "Send an SMS" in first.inner_text() and "Create a task" in first.inner_text()
    assert "Order confirmed" in first.inner_text() and "order #" not in first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "run-log.png"), full_page=True)

    context = browser.new_context(base_url=shop.base, locale="en-US")
    logistics = context.new_page()
    logistics.goto("/login")
    logistics.fill("#username", "logistics")
    logistics.fill("#password", shop.staff_password())
    logistics.click("button[type=submit]")
    logistics.wait_for_url(re.compile(r"/admin/"))
    assert int(logistics.inner_text("#gb-unread")) >= 1
    logistics.goto("/admin/inbox/")
    assert "New task: Check stock for ORD-00001" in logistics.inner_text("body")
    logistics.screenshot(path=str(ARTIFACTS / "inbox-logistics.png"), full_page=True)
    context.close()


def test_test_this_rule_in_the_rules_page(page):
    page.goto("/admin/rules/")
    row = page.locator("table.gb-rules tr[data-rule=order_shipped]")
    row.locator("input[name=record]").fill("ORD-00002")  # the order by its number, as people say it
    row.locator("button", has_text="Test").click()
    result = page.locator(".gb-test-result")
    assert "nothing was sent" in result.inner_text() and "SMS to +7" in result.inner_text()
    assert "on ORD-00002" in result.inner_text()
    page.screenshot(path=str(ARTIFACTS / "rules-test.png"), full_page=True)
