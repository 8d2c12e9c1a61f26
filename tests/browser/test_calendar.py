"""The calendar in Chromium: a task on its day, dragged to another day and saved through
the record service (its time kept), filtered like the grid; a delivery date someone else
changed meanwhile is not overwritten; in Russian on a phone, a list of the week."""

from datetime import datetime, timedelta

from playwright.sync_api import expect

from helpers import ARTIFACTS, on_a_phone


def loaded(page):
    page.wait_for_selector("body[data-calendar-loaded]", state="attached")


def test_a_task_dragged_to_another_day_is_saved_with_its_time(page, rest):
    monday = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
    monday -= timedelta(days=monday.weekday())
    due = monday + timedelta(days=2, hours=10, minutes=30)  # Wednesday 10:30 this week
    task = rest("POST", "/api/task", json={"title": "Call the bakery", "due": due.isoformat()})
    done = rest("POST", "/api/task", json={"title": "Closed long ago", "due": due.isoformat(),
                                           "state": "done"})
    page.goto("/admin/grid/task/calendar/")
    loaded(page)
    event = page.locator(".fc-event", has_text="Call the bakery")
    expect(event).to_be_visible()
    expect(page.locator(".fc-event", has_text="Closed long ago")).to_be_visible()

    page.select_option("#gb-filter-field", "state")
    page.select_option("#gb-filter-op", "in")
    page.select_option("#gb-filter-value", ["open", "in_progress"])
    page.click("#gb-filter-add")
    expect(page.locator(".fc-event", has_text="Closed long ago")).to_have_count(0)

    target = (due + timedelta(days=1)).date().isoformat()
    event.drag_to(page.locator(f".fc-daygrid-day[data-date='{target}'] .fc-daygrid-day-frame"))
    expect(page.locator("#gb-save-state")).to_contain_text("Moved to")
    saved = rest("GET", f"/api/task/{task['id']}")
    assert saved["due"].startswith(f"{target}T10:30")
    assert rest("GET", f"/api/task/{done['id']}")["due"].startswith(due.date().isoformat())
    page.screenshot(path=str(ARTIFACTS / "calendar-tasks.png"), full_page=True)


def test_a_move_someone_else_made_first_is_not_overwritten(page, rest):
    shipping = rest("POST", "/api/order", json={
        "customer": rest("POST", "/api/customer", json={"name": "Calendar Client"})["id"],
        "status": "shipping", "courier": "own",
        "deliver_by": (datetime.now() + timedelta(days=1)).date().isoformat()})
    page.goto("/admin/grid/order/calendar/?by=deliver_by")
    loaded(page)
    event = page.locator(".fc-event", has_text=shipping["number"])
    expect(event).to_be_visible()
    theirs = (datetime.now() + timedelta(days=5)).date().isoformat()
    rest("PATCH", f"/api/order/{shipping['id']}", json={"deliver_by": theirs,
                                                         "_version": shipping["_version"]})
    target = (datetime.now() + timedelta(days=2)).date().isoformat()
    event.drag_to(page.locator(f".fc-daygrid-day[data-date='{target}'] .fc-daygrid-day-frame"))
    expect(page.locator("#gb-save-state")).to_contain_text("Not saved")
    assert rest("GET", f"/api/order/{shipping['id']}")["deliver_by"] == theirs


def test_in_russian_on_a_phone_the_calendar_is_a_list_of_the_week(browser, shop, rest):
    with on_a_phone(browser, shop, language="ru") as page:
        page.goto("/admin/grid/task/calendar/")
        loaded(page)
        expect(page.locator(".fc-list, .fc-list-empty").first).to_be_visible()
        expect(page.locator("#gb-tab-calendar")).to_have_text("Календарь")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(ARTIFACTS / "calendar-phone-ru.png"), full_page=True)
