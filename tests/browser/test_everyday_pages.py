"""Everyday use in Chromium (issue 20): the top bar on one line at 1280 px in both
languages, logistics moving an order's stage on a phone by "Move to…" among only the
stages it may set, nothing scrolling sideways."""

import json
import re

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


def test_the_owner_sets_a_permission_without_json(page, rest):
    """Accountants may see only delivered orders: picked as field, test and stage."""
    speak(page, "ru")
    try:
        page.goto("/admin/permissions/order/")
        row = page.locator("tr[data-role=accountant]")
        assert "Бухгалтер" in row.inner_text() and page.locator("textarea").count() == 0
        assert "выгружать" in page.inner_text("thead")
        row.locator(".gb-cond-add").click()
        row.locator(".gb-cond-field").select_option("status")
        row.locator(".gb-cond-value").select_option("delivered")
        page.click(".gb-rights-form button[type=submit]")
        page.locator(".alert-success").wait_for()
        rights = rest("GET", "/api/designer/entities/order")
        assert rights["spec"]["permissions"]["accountant"]["rows"] == {"field": "status",
                                                                     "eq": "delivered"}
        page.goto("/admin/audit/?action=rights")
        assert "Бухгалтер: только записи, где «Статус» равно «Доставлен»" in page.inner_text("body")
    finally:
        speak(page, "en")


def test_saving_a_stage_says_what_it_set_off(page, rest):
    customer = rest("POST", "/api/customer", json={"name": "Toast Client",
                                                   "phone": "+7 916 557-00-02"})
    order = rest("POST", "/api/order", json={"customer": customer["id"]})
    page.goto(f"/admin/records/order/edit/?id={order['id']}")
    page.select_option("select[name=status]", "confirmed")
    page.click("input[type=submit][value=Save]")
    note = page.locator("#gb-effects")
    # (the shop's one worker may still be busy with an earlier test's big import)
    wait_until(lambda: note.get_attribute("data-done") == "1" and note.is_visible(), seconds=60,
               message="the note of what the save set off")
    text = note.inner_text()
    assert "This save set off" in text and "Order confirmed" in text
    assert "Send an SMS" in text and "Create a task" in text


def test_the_grid_is_a_list_of_cards_on_a_phone(browser, shop, rest):
    customer = rest("POST", "/api/customer", json={"name": "Card Client",
                                                   "phone": "+7 916 557-00-03"})
    order = rest("POST", "/api/order", json={"customer": customer["id"], "phone": "+79165570003"})
    with on_a_phone(browser, shop, "manager1", "ru") as page:
        page.goto(f"/admin/grid/order/?customer={customer['id']}")
        card = page.locator(".gb-phone-card").first
        card.wait_for()
        assert order["number"] in card.inner_text() and "Клиент: Card Client" in card.inner_text()
        assert card.locator("a[href='tel:+79165570003']").count() == 1
        assert page.locator("#gb-bulk-menu").is_hidden() and page.locator(".gb-filters").is_hidden()
        page.click("#gb-filters-toggle")
        assert page.locator(".gb-filters").is_visible()
        card.locator(".gb-phone-move").select_option("confirmed")
        wait_until(lambda: rest("GET", f"/api/order/{order['id']}")["status"] == "confirmed",
                   message="the stage saved")
        wait_until(lambda: "Подтверждён" in page.locator(".gb-phone-card").first.inner_text(),
                   message="the card redrawn")
        assert page.evaluate(SIDEWAYS) <= 0


def test_logistics_ships_todays_order_from_my_day_on_a_phone(browser, shop, rest):
    customer = rest("POST", "/api/customer", json={"name": "My Day Client",
                                                   "phone": "+7 916 557-00-04"})
    order = rest("POST", "/api/order", json={"customer": customer["id"], "phone": "+79165570004",
                                             "deliver_by": "2020-01-31"})  # (long overdue: first)
    for stage in ("confirmed", "ready_to_ship"):
        rest("PATCH", f"/api/order/{order['id']}", json={"status": stage})
    with on_a_phone(browser, shop, "logistics", "ru") as page:
        page.goto("/admin/today/")
        card = page.locator(f"#gb-card-{order['id']}")
        card.wait_for()
        assert "Просрочено" in card.inner_text()
        assert card.locator("a[href='tel:+79165570004']").count() == 1
        assert page.evaluate(SIDEWAYS) <= 0
        card.locator("button", has_text="В доставке").click()
        # shipping needs a courier: the card asks for it, in words, and the move is not made
        card.locator("select[name='set:courier']").wait_for()
        assert "Заполните" in card.inner_text()
        assert rest("GET", f"/api/order/{order['id']}")["status"] == "ready_to_ship"
        assert page.evaluate(SIDEWAYS) <= 0
        card.locator("select[name='set:courier']").select_option(label="Свой курьер")
        card.locator("button", has_text="В доставке").click()
        wait_until(lambda: rest("GET", f"/api/order/{order['id']}")["status"] == "shipping",
                   message="the new stage")
        assert rest("GET", f"/api/order/{order['id']}")["courier"] == "own"
        note = page.locator("#gb-effects")
        wait_until(lambda: note.get_attribute("data-done") == "1" and note.is_visible(),
                   seconds=20, message="the note of what the move set off")
        assert page.evaluate(SIDEWAYS) <= 0


def test_an_orders_lines_are_cards_on_a_phone_and_a_line_is_added_by_form(browser, shop, rest):
    customer = rest("POST", "/api/customer", json={"name": "Lines Client",
                                                   "phone": "+7 916 557-00-05"})
    order = rest("POST", "/api/order", json={"customer": customer["id"]})
    product = rest("GET", "/api/product?limit=1")["items"][0]
    rest("POST", "/api/order_line", json={"order": order["id"], "product": product["id"],
                                          "quantity": 2})
    with on_a_phone(browser, shop, "manager1", "ru") as page:
        page.goto(f"/admin/records/order/details/?id={order['id']}")
        lines = page.frame_locator("iframe.gb-lines")
        card = lines.locator(".gb-phone-card").first
        card.wait_for()
        assert "Количество: 2" in card.inner_text()
        assert page.evaluate(SIDEWAYS) <= 0
        lines.locator("a.gb-phone-only", has_text="Новая").click()  # (the page, not the frame)
        page.wait_for_url(re.compile(r"/admin/records/order_line/new/"))
        assert order["number"] in page.locator("form.admin-form").inner_text()  # the order is set
        page.locator("#quantity").fill("3")
        page.locator("#product").evaluate("(el, id) => { el.value = id; }", str(product["id"]))
        page.locator("form.admin-form [type=submit]").first.click()
        page.wait_for_url(re.compile(rf"/admin/records/order/details/\?id={order['id']}"))
        wait_until(lambda: lines.locator(".gb-phone-card").count() == 2, message="two lines")


def test_a_manager_logs_a_call_from_the_customers_card_on_a_phone(browser, shop, rest):
    customer = rest("POST", "/api/customer", json={"name": "Call Client",
                                                   "phone": "+7 916 557-00-06"})
    with on_a_phone(browser, shop, "manager1", "ru") as page:
        page.goto(f"/admin/records/customer/details/?id={customer['id']}")
        page.locator(".gb-related-panel[data-entity=contact_log] .gb-related-add").click()
        page.wait_for_url(re.compile(r"/admin/records/contact_log/new/"))
        assert "Call Client" in page.locator("form.admin-form").inner_text()  # already set
        assert page.evaluate(SIDEWAYS) <= 0
        page.select_option("#channel", label="Звонок")
        page.fill("#summary", "Перезвонить в пятницу")
        page.locator("form.admin-form [type=submit]").first.click()
        page.wait_for_url(re.compile(rf"/admin/records/customer/details/\?id={customer['id']}"))
        logged = rest("GET", f"/api/contact_log?customer={customer['id']}")["items"]
        assert [(c["channel"], c["summary"]) for c in logged] == [("call",
                                                                  "Перезвонить в пятницу")]
        panel = page.locator(".gb-related-panel[data-entity=contact_log]")  # back on the card
        assert "Журнал контактов (1)" in panel.inner_text()


def test_the_owner_maps_an_intake_with_pickers(page):
    """The call-back requests become meetings due when the visitor asked: the owner picks
    the kind by its name and writes the due time from the request — no JSON typed."""
    page.goto("/admin/intake/callback")
    original = page.locator("#gb-intake-json").input_value()
    page.click("text=Change the mapping")
    editor = page.locator("#gb-intake-editor[data-ready='1']")
    kind = editor.locator(".gb-map-row[data-field='kind']")
    assert kind.locator(".gb-map-kind").input_value() == "value"
    assert "Call" in kind.locator(".gb-map-value option:checked").inner_text()
    kind.locator(".gb-map-value").select_option(label="Meeting")
    editor.locator(".gb-map-add").last.select_option("due")
    row = editor.locator(".gb-map-row[data-field='due']")
    row.locator(".gb-map-kind").select_option("template")
    row.locator(".gb-map-template").fill("{{ when }}")
    page.click(".gb-intake-edit button.btn-primary")
    page.wait_for_selector(".alert-success")
    try:
        spec = json.loads(page.locator("#gb-intake-json").input_value())  # as saved
        assert spec["fields"]["kind"] == {"value": "meeting"}
        assert spec["fields"]["due"] == {"template": "{{ when }}"}
        assert spec["fields"]["customer"]["find"] == ["phone", "email"]  # the rest as it was
    finally:  # the other tests' shop keeps its intake
        page.click("text=Change the mapping")
        page.click("text=The mapping as JSON")
        page.fill("#gb-intake-json", original)
        page.click(".gb-intake-edit button.btn-primary")
        page.wait_for_selector(".alert-success")
