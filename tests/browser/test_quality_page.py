"""The Data quality page of the demo in Chromium: the owner reads the score and each
check's count, a fixed record leaves the count while the page is open, a count opens the
worklist in the grid; a manager on a phone, in Russian, sees only her own problems."""

import json
from datetime import datetime, timedelta

from playwright.sync_api import expect

from helpers import ARTIFACTS, on_a_phone


def ready(page):
    page.wait_for_selector("body[data-quality-ready]", state="attached")


def count_of(page, check):
    return page.locator(f'tr[data-check="{check}"] .gb-q-count')


def test_the_owner_watches_a_worklist_shrink_as_a_record_is_fixed(page, rest):
    page.goto("/admin/quality/")
    ready(page)
    answer = rest("GET", "/api/quality")
    assert page.locator("#gb-q-score").inner_text().startswith(f"{answer['score']:.1f}")
    overdue = next(c for c in answer["checks"] if c["key"] == "overdue")
    expect(count_of(page, "task.overdue")).to_have_text(str(overdue["count"]))

    yesterday = (datetime.now() - timedelta(days=1)).isoformat(timespec="minutes")
    task = rest("POST", "/api/task", json={"title": "Ring the bakery", "due": yesterday})
    page.evaluate("window.dispatchEvent(new Event('focus'))")  # back to the page
    expect(count_of(page, "task.overdue")).to_have_text(str(overdue["count"] + 1))
    rest("PATCH", f"/api/task/{task['id']}", json={"state": "done", "_version": task["_version"]})
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(count_of(page, "task.overdue")).to_have_text(str(overdue["count"]))
    page.screenshot(path=str(ARTIFACTS / "quality-owner.png"), full_page=True)

    count_of(page, "task.overdue").locator("a").click()
    page.wait_for_url("**/admin/grid/task/?filter=*")
    assert json.loads(page.evaluate("new URLSearchParams(location.search).get('filter')")) == \
        overdue["filter"]
    expect(page.locator("#gb-grand-total")).to_have_attribute("data-count", str(overdue["count"]))


def test_a_manager_on_a_phone_in_russian_sees_only_her_problems(browser, shop):
    with on_a_phone(browser, shop, language="ru") as page:
        page.goto("/admin/quality/?mine=1")
        ready(page)
        expect(page.locator("h4")).to_have_text("Качество данных")
        assert page.locator("#gb-q-mine-only").is_checked()
        mine = page.locator("#gb-q-mine").inner_text()
        rows = page.locator("#gb-q-checks tr[data-check]")
        shown = sum(int(n.replace("\u00a0", "")) for n in
                    page.locator("#gb-q-checks .gb-q-mine").all_inner_texts())
        assert shown == int(mine.replace("\u00a0", "")) and (rows.count() > 0) == (shown > 0)
        page.click("label[for=gb-q-mine-only]")  # as a thumb does: on the label
        assert not page.locator("#gb-q-mine-only").is_checked()
        assert page.locator("#gb-q-checks tr[data-check]").count() >= rows.count()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(ARTIFACTS / "quality-manager-phone-ru.png"), full_page=True)
