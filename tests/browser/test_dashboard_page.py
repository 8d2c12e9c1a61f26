"""The demo's home pages in Chromium: the owner's dashboard (revenue against plan, stuck
orders a click from the grid), arranged by the owner; a manager's own; on a phone."""

from playwright.sync_api import expect

from helpers import ARTIFACTS, on_a_phone


def widget(page, heading):
    return page.locator(".gb-widget", has=page.locator(".card-title", has_text=heading))


def ready(page):
    page.wait_for_selector("body[data-dashboard-ready]")
    for body in page.locator(".gb-widget-body").all():
        expect(body).to_have_attribute("data-ready", "1")


def test_the_owner_reads_the_dashboard_and_arranges_it(page, rest):
    page.goto("/admin/")
    ready(page)
    revenue = widget(page, "Revenue this month, against plan")
    assert "Plan done, %" in revenue.inner_text()
    stuck = widget(page, "Orders stuck over 7 days")
    expected = rest("GET", "/api/order?filter=" + '{"all":[{"field":"status","not_in":["delivered",'
                    '"cancelled"]},{"field":"status_since","lt":{"ago":"7d"}}]}&limit=1')["total"]
    assert stuck.locator(".gb-widget-count").inner_text().replace(",", "") == str(expected)
    page.screenshot(path=str(ARTIFACTS / "dashboard-owner.png"), full_page=True)

    page.click("#gb-dash-arrange")
    page.wait_for_selector("#gb-dash-tools:not(.d-none)")
    page.select_option("#gb-dash-what", "time_in_stage")
    page.click("#gb-dash-add")
    page.locator(".gb-widget").first.locator("button[aria-label='Remove']").click()
    with page.expect_navigation():  # saved, the page comes again
        page.click("#gb-dash-save")
    ready(page)
    headings = page.locator(".gb-widget .card-title").all_inner_texts()
    assert headings[0] == "Data quality" and headings[-1] == "Time in the current stage"
    assert rest("GET", "/api/dashboard")["widgets"][-1]["report"] == "time_in_stage"

    stuck = widget(page, "Orders stuck over 7 days")
    stuck.locator(".gb-widget-count").click()
    page.wait_for_url("**/admin/grid/order/?filter=*")
    if expected:
        expect(page.locator("#gb-grid .tabulator-row").first).to_be_visible()


def test_a_manager_sees_her_tasks_and_a_phone_shows_one_widget_a_row(browser, shop):
    with on_a_phone(browser, shop) as page:
        page.goto("/admin/")
        ready(page)
        headings = page.locator(".gb-widget .card-title").all_inner_texts()
        assert "My tasks today and overdue" in headings and "My orders by stage" in headings
        assert page.locator("#gb-dash-arrange").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(ARTIFACTS / "dashboard-manager-phone.png"), full_page=True)
