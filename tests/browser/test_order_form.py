"""An owner creates an order in the browser, typing a phone through the live mask."""

import re

from helpers import ARTIFACTS


def pick_customer(page, text):
    """Search the record picker the way a person does: open it, type, click the match."""
    page.click("#s2id_customer a.select2-choice")
    page.keyboard.type(text)
    page.locator(".select2-result-selectable", has_text=text).first.click()
    assert page.locator("input[name=customer]").input_value().isdigit()


def test_create_order_with_masked_phone(page, rest):
    page.goto("/admin/records/order/new/")
    phone = page.locator("input[name=phone]")
    phone.click()
    page.keyboard.type("9123456789")  # the mask puts in +7, brackets and dashes
    assert phone.input_value() == "+7 (912) 345-67-89"
    page.keyboard.type("55")  # the mask refuses digits past the end
    assert phone.input_value() == "+7 (912) 345-67-89"
    assert not page.locator("input[name=number]").is_editable()  # given by growbase, not typed
    pick_customer(page, "Bakery")
    page.screenshot(path=str(ARTIFACTS / "order-form.png"), full_page=True)
    page.click("input[type=submit][value=Save]")
    page.wait_for_url(re.compile(r"/admin/records/order/(\?.*)?$"))
    newest = rest("GET", "/api/order?sort=-id&limit=1")["items"][0]
    assert re.fullmatch(r"ORD-\d{5}", newest["number"])
    page.goto(f"/admin/records/order/?search={newest['number']}")
    row = page.locator("table tbody tr").first
    assert "+7 912 345-67-89" in row.inner_text() and "Bakery & Co" in row.inner_text()


def test_server_error_is_shown_on_the_field(page):
    page.goto("/admin/records/order/new/")
    page.fill("input[name=tracking]", "RA123")
    page.select_option("select[name=status]", "shipping")  # a courier is needed from here on
    pick_customer(page, "Bakery")
    page.click("input[type=submit][value=Save]")
    error = page.locator(".form-group:has(select[name=courier]) .text-danger")
    assert "Courier" in error.inner_text() or "required" in error.inner_text().lower()
    assert page.locator("input[name=tracking]").input_value() == "RA123"  # what was typed stays
    page.screenshot(path=str(ARTIFACTS / "order-form-error.png"), full_page=True)


def test_a_russian_number_typed_with_its_8_or_7_keeps_its_digits(page):
    """People write 8 912 … or 7 912 …: the mask's fixed +7 takes the place of that digit."""
    page.goto("/admin/records/order/new/")
    phone = page.locator("input[name=phone]")
    for typed in ("89123456789", "79123456789", "+7 912 345 67 89"):
        phone.fill("")
        phone.click()
        page.keyboard.type(typed)
        assert phone.input_value() == "+7 (912) 345-67-89", typed


def test_no_page_asks_for_a_file_that_is_not_there(page):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    for path in ("/admin/", "/admin/records/order/", "/admin/records/order/new/",
                 "/admin/grid/order/", "/admin/profile/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert missing == []
