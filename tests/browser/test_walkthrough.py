"""Every role's pages in Russian and in English at 1440 and at 390 px (issue 20's
done-when): nothing scrolls sideways, and in Russian no English word of the interface
shows through — data (names people typed) aside. The owner's list holds the pages only
the owner opens; the pages staff share with the owner are walked as staff."""

import re
import time

import pytest
from helpers import log_in_page, speak

PAGES = {
    "manager1": ["/admin/", "/admin/today/", "/admin/grid/order/", "/admin/grid/order/kanban/",
                 "/admin/grid/task/", "/admin/grid/task/calendar/", "/admin/records/order/",
                 "/admin/records/customer/new/", "/admin/inbox/", "/admin/profile/",
                 "/admin/reports/", "/admin/reports/my_orders_by_stage/",
                 "/admin/records/contact_log/new/", "/admin/grid/contact_log/",
                 "/admin/records/order/new/", "/admin/records/task/new/",
                 "/admin/grid/customer/", "/admin/grid/customer/kanban/",
                 "/admin/reports/sales_by_product/", "/admin/transfer/",
                 "/admin/no-such-page/"],
    "owner": ["/admin/", "/admin/today/", "/admin/records/customer/details/?id=3",
              "/admin/records/order/details/?id=5", "/admin/reports/new/", "/admin/rules/",
              "/admin/rules/?test=order_confirmed&record=ORD-00005",
              "/admin/outbox/", "/admin/runs/", "/admin/users/", "/admin/permissions/",
              "/admin/permissions/order/", "/admin/designer/", "/admin/designer/entity/order",
              "/admin/designer/rule/order_confirmed", "/admin/audit/", "/admin/duplicates/",
              "/admin/documents/", "/admin/intake/", "/admin/intake/shop_order",
              "/admin/intake/callback", "/admin/quality/", "/admin/transfer/",
              "/admin/records/order/edit/?id=5", "/admin/records/task/new/",
              "/admin/grid/customer/", "/admin/grid/order_line/", "/admin/designer/entity/",
              "/admin/designer/rule/", "/admin/intake/new", "/admin/reports/",
              "/admin/reports/sales_by_product/", "/admin/reports/time_in_stage/",
              "/admin/reports/sales_by_manager/edit/", "/admin/transfer/import/customer/",
              "/admin/permissions/customer/", "/admin/documents/"],
    "accountant": ["/admin/", "/admin/grid/order/", "/admin/reports/"],
    "logistics": ["/admin/", "/admin/today/", "/admin/grid/order/", "/admin/grid/order/kanban/",
                  "/admin/records/order/", "/admin/inbox/", "/admin/profile/",
                  "/admin/grid/task/", "/admin/grid/task/kanban/", "/admin/grid/product/"],
}
WORDS_ALLOWED = {"growbase", "English", "Excel", "Word", "LibreOffice", "SMS", "API", "JSON",  # names
                 "Enter", "Tab", "Esc", "Ctrl", "Shift", "Alt", "Delete",  # keys' names
                 "xlsx", "csv", "ods", "zip", "docx", "pdf"}  # and files' kinds

# Visible text and labels in Latin letters outside the data: records' cells, cards, links to
# records, calendar events, form values (what people typed is theirs, in any language).
ENGLISH = """() => {
  const data = 'script,style,code,pre,.tabulator-cell,.gb-card,.gb-phone-card,.fc-event,' +
    '.gb-widget-list,.gb-data,select,option,input,textarea,.select2-container';
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const text = node.textContent.trim(), el = node.parentElement;
    if (!/[A-Za-z]{3,}/.test(text) || !el || el.closest(data)) continue;
    const box = el.getBoundingClientRect();
    if (box.width && getComputedStyle(el).visibility !== 'hidden') found.push(text);
  }
  document.querySelectorAll('[title],[placeholder],[aria-label]').forEach(el => {
    if (el.closest(data)) return;
    for (const name of ['title', 'placeholder', 'aria-label']) {
      const v = el.getAttribute(name);
      if (v && /[A-Za-z]{3,}/.test(v)) found.push(v);
    }
  });
  return found;
}"""


class Traffic:
    """The page's requests still open: a page is read once it has loaded and asked nothing
    for a moment (Playwright's "networkidle" waits half a second on each of ~190 pages)."""

    def __init__(self, page):
        self.open, self.changed = 0, time.monotonic()
        page.on("request", lambda _r: self.count(1))
        page.on("requestfinished", lambda _r: self.count(-1))
        page.on("requestfailed", lambda _r: self.count(-1))

    def count(self, step):
        self.open, self.changed = max(0, self.open + step), time.monotonic()

    def settle(self, page, quiet=0.2, timeout=30):
        deadline = time.monotonic() + timeout
        while self.open or time.monotonic() - self.changed < quiet:
            assert time.monotonic() < deadline, f"{page.url} kept loading"
            page.wait_for_timeout(50)  # (lets the page's events in)


def walk(page, urls, russian):
    """Problems on the pages: sideways scroll; in Russian, English words showing through."""
    problems, traffic = [], Traffic(page)
    for url in urls:
        page.goto(url)
        traffic.settle(page)
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 0:
            problems.append(f"{url}: scrolls sideways by {wide} px")
        english = [t for t in page.evaluate(ENGLISH)
                   if set(re.findall(r"[A-Za-z]{3,}", t)) - WORDS_ALLOWED] if russian else []
        if english:
            problems.append(f"{url}: {english[:5]}")
    return problems


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("user", sorted(PAGES))
def test_every_page_fits_in_both_languages_and_speaks_russian(browser, shop, user, width):
    page = log_in_page(browser, shop, user,
                       shop.owner_password() if user == "owner" else shop.staff_password())
    page.set_viewport_size({"width": width, "height": 844})
    speak(page, "ru")
    try:
        problems = walk(page, PAGES[user], russian=True)
    finally:
        speak(page, "en")
    try:
        problems += [f"(en) {p}" for p in walk(page, PAGES[user], russian=False)]
    finally:
        page.context.close()
    assert problems == [], "\n".join(problems)
