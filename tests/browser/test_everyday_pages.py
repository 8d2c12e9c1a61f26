"""Everyday use in Chromium (issue 20): the top bar on one line at 1280 px in both
languages, logistics moving an order's stage on a phone by "Move to…" among only the
stages it may set, nothing scrolling sideways."""

import pytest
from helpers import log_in_page, on_a_phone, speak
from test_grid import wait_until

SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_top_bar_fits_one_line_at_1280(browser, shop, language):
    page = log_in_page(browser, shop, "owner", shop.owner_password())
    page.set_viewport_size({"width": 1280, "height": 800})
    if language != "en":
        speak(page, language)
    try:
        brand = page.locator(".navbar-brand").bounding_box()
        for item in page.locator(".navbar .nav-item").all():
            box = item.bounding_box()
            assert abs(box["y"] - brand["y"]) < brand["height"], item.inner_text()
        assert page.evaluate(SIDEWAYS) <= 0
        assert page.locator("#gb-inbox").count() == 1
    finally:
        if language != "en":
            speak(page, "en")
        page.context.close()


def test_logistics_moves_an_order_on_a_phone_among_its_own_stages(browser, shop, rest):
    customer = rest("POST", "/api/customer", json={"name": "Phone Board Client",
                                                   "phone": "+7 916 557-00-01"})
    order = rest("POST", "/api/order", json={"customer": customer["id"], "status": "confirmed"})
    with on_a_phone(browser, shop, "logistics", "ru") as page:
        page.goto("/admin/grid/order/kanban/")
        page.locator(".gb-card").first.wait_for(state="attached")
        page.fill("#gb-search", order["number"])
        wait_until(lambda: page.locator(".gb-card").count() == 1, message="the search")
        picker = page.locator("#gb-stage-pick")
        wait_until(lambda: "Подтверждён" in picker.inner_text(), message="the stages")
        assert "Новый" not in picker.inner_text() and "Отменён" not in picker.inner_text()
        picker.select_option("confirmed")
        card = page.locator(f".gb-card[data-id='{order['id']}']")
        card.wait_for()
        assert page.locator(".gb-column:visible").count() == 1  # one stage at a time
        offered = card.locator(".gb-move option").all_inner_texts()
        assert "Ждёт поставки" in offered and "Подтверждён" not in offered
        assert "Новый" not in offered and "Отменён" not in offered
        card.locator(".gb-move").select_option("awaiting_supply")
        wait_until(lambda: rest("GET", f"/api/order/{order['id']}")["status"] == "awaiting_supply",
                   message="the new stage")
        assert picker.input_value() == "awaiting_supply"  # it follows the card
        page.locator(f".gb-column-current .gb-card[data-id='{order['id']}']").wait_for()
        assert page.evaluate(SIDEWAYS) <= 0
