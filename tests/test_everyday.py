"""Everyday use (issue 20): the menu opens the view last used, owner pages read in words,
a page that is not yours says so with the menu and a way back, people keep their own name
and language, the owner changes roles, counts take their plural forms."""

import re
from datetime import timedelta

import pytest

from helpers import csrf_token, log_in

from growbase.i18n import plural_forms
from growbase.records import Conflict
from growbase.tables import Audit, User


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def menu_link(html, label):
    found = re.search(r'<a class="[^"]*dropdown-item[^"]*" href="([^"]+)"[^>]*>\s*' + label, html)
    assert found, f"no menu entry {label}"
    return found.group(1)


def test_the_menu_opens_the_grid_first_then_the_view_last_used(client):
    assert menu_link(page(client, "/admin/"), "Orders") == "/admin/grid/order/"
    page(client, "/admin/grid/order/kanban/")
    assert menu_link(page(client, "/admin/"), "Orders") == "/admin/grid/order/kanban/"
    page(client, "/admin/records/order/")
    assert menu_link(page(client, "/admin/"), "Orders") == "/admin/records/order/"
    assert menu_link(page(client, "/admin/"), "Customers") == "/admin/grid/customer/"


def test_the_top_bar_has_one_inbox_and_the_pages_one_title(client):
    home = page(client, "/admin/inbox/")
    assert home.count('href="/admin/inbox/"') == 1
    assert len(re.findall(r"<h[1-6][^>]*>\s*Inbox", home)) == 1
    assert "Olga Owner" in home and "Log out" in home


def test_a_page_that_is_not_yours_says_so_with_the_menu_and_a_way_home(app, shop):
    manager = app.test_client()
    log_in(manager, "anna", "anna-password")
    manager.post("/language/ru", data={"csrf_token": csrf_token(page(manager, "/admin/"))})
    for url in ("/admin/users/", "/admin/rules/", "/admin/no-such-page/"):
        html = page(manager, url, status=404)
        assert "Такой страницы нет, или она вам недоступна" in html
        assert 'href="/admin/"' in html and "navbar" in html  # the menu, and home
        assert "Not Found" not in html
    api = manager.get("/api/no_such_entity")
    assert api.status_code == 404 and api.is_json


def test_people_set_their_own_name_and_language(app, shop):
    lena = app.test_client()
    log_in(lena, "lena", "lena-password")
    form = page(lena, "/admin/profile/")
    lena.post("/admin/profile/", data={"csrf_token": csrf_token(form), "full_name": "Елена Склад",
                                       "locale": "ru", "email": ""})
    user = User.get(User.username == "lena")
    assert (user.full_name, user.locale) == ("Елена Склад", "ru")
    assert "Мои настройки" in page(lena, "/admin/profile/")


def test_the_owner_changes_a_role_and_history_keeps_it(client, shop):
    users = page(client, "/admin/users/")
    anna = User.get(User.username == "anna")
    client.post(f"/admin/users/{anna.id}/role",
                data={"csrf_token": csrf_token(users), "role": "logistics"})
    assert User.get_by_id(anna.id).role == "logistics"
    entry = Audit.select().where((Audit.entity == "user") & (Audit.action == "role")).get()
    assert entry.changes == {"role": ["manager", "logistics"]} and entry.username == "owner"
    owner = User.get(User.username == "owner")
    refused = client.post(f"/admin/users/{owner.id}/role",
                          data={"csrf_token": csrf_token(users), "role": "manager"})
    assert User.get_by_id(owner.id).role == "owner"
    assert "last active owner" in page(client, refused.headers["Location"])
    client.post(f"/admin/users/{anna.id}/role", data={"csrf_token": csrf_token(users), "role": "boss"})
    assert User.get_by_id(anna.id).role == "logistics"


def test_rules_are_listed_as_sentences_in_the_owner_s_language(client, shop):
    html = page(client, "/admin/rules/")
    confirmed = re.search(r'(?s)data-rule="order_confirmed">(.*?)</tr>', html).group(1)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", confirmed))
    assert "Orders: when «Status» becomes «Confirmed»" in text.replace("&laquo;", "«").replace(
        "&raquo;", "»")
    for programmer in ("status_changed", "send_sms", "create_task", '{"to"'):
        assert programmer not in confirmed
    client.post("/language/ru", data={"csrf_token": csrf_token(html)})
    russian = page(client, "/admin/rules/")
    assert "Заказ подтверждён: сообщить клиенту" in russian
    assert "когда «Статус» становится «Подтверждён»" in russian
    assert "SMS на «Клиент › Телефон»" in russian


def test_phones_and_emails_are_links_to_call_and_write(client, shop, service):
    service.update("customer", shop.id, {"email": "ivan@example.com"})
    html = page(client, "/admin/records/customer/")
    assert 'href="tel:+79123456789"' in html and 'href="mailto:ivan@example.com"' in html
    details = page(client, f"/admin/records/customer/details/?id={shop.id}")
    assert 'href="tel:+79123456789"' in details


def test_counts_have_their_plural_forms():
    ru = plural_forms("%(num)s record a page", "%(num)s records a page", "ru")
    assert ru == {"one": "{n} запись на странице", "few": "{n} записи на странице",
                  "many": "{n} записей на странице", "other": "{n} записей на странице"}
    assert plural_forms("%(num)s record a page", "%(num)s records a page", "en") == {
        "one": "{n} record a page", "other": "{n} records a page"}


def test_the_list_says_records_a_page_in_russian(client):
    client.post("/language/ru", data={"csrf_token": csrf_token(page(client, "/admin/"))})
    assert "50 записей на странице" in page(client, "/admin/records/order/")


def test_history_names_records_doors_and_kinds_in_words_at_the_person_s_time(client, shop,
                                                                            service):
    order = service.create("order", {"customer": shop.id})
    owner = User.get(User.username == "owner")
    User.update(time_zone="Asia/Vladivostok").where(User.id == owner.id).execute()  # UTC+10
    entry = Audit.select().where((Audit.entity == "order") & (Audit.record_id == order.id)).get()
    html = page(client, "/admin/audit/?entity=order")
    row = re.search(r'(?s)<tr class="gb-audit-create">(.*?)</tr>', html).group(1)
    assert order.number in row and "Orders" not in row and "Order" in row
    assert f"#{order.id}" not in row and ">created<" in row
    local = entry.at + timedelta(hours=10)
    assert f"{local.hour % 12 or 12}:{local.minute:02d}" in row  # Vladivostok's clock, not UTC
    assert "When (UTC)" not in html


def test_a_permissions_change_reads_as_sentences(client, shop):
    from growbase.catalog import catalog
    from growbase.designer.store import apply_definitions
    spec = catalog().entity("order").spec
    rights = dict(spec["permissions"], accountant={"can": ["read", "export", "delete"],
                                                   "fields": {"*": "read_only"}})
    apply_definitions([dict(spec, permissions=rights)], author="owner")
    html = page(client, "/admin/audit/?action=rights")
    assert "Accountant: may now: delete" in html
    assert "{&#39;" not in html and "{'" not in html


def test_the_run_log_names_the_rule_and_the_record(client, shop, service):
    from helpers import run_pending
    order = service.create("order", {"customer": shop.id})
    run_pending()
    html = page(client, "/admin/runs/")
    assert "New order: tell the sales team, SMS the customer" in html
    assert order.number in html and f"order #{order.id}" not in html
    assert "Send an SMS" in html and "kept in the outbox" in html and " ms" not in html


def test_a_person_chooses_a_time_zone(client):
    form = page(client, "/admin/profile/")
    assert 'value="Europe/Moscow"' in form
    client.post("/admin/profile/", data={"csrf_token": csrf_token(form), "time_zone": "Europe/Moscow",
                                         "locale": "en", "full_name": "Olga Owner"})
    assert User.get(User.username == "owner").time_zone == "Europe/Moscow"
    refused = client.post("/admin/profile/", data={
        "csrf_token": csrf_token(form), "time_zone": "Mars/Base", "locale": "en",
        "full_name": "Olga Owner"}).get_data(as_text=True)
    assert "Time zone: there is no zone &#34;Mars/Base&#34;" in refused
    assert User.get(User.username == "owner").time_zone == "Europe/Moscow"  # nothing changed


def test_a_refused_email_keeps_everything_typed(client):
    form = page(client, "/admin/profile/")
    refused = client.post("/admin/profile/", data={
        "csrf_token": csrf_token(form), "full_name": "Ольга Хозяйка", "locale": "ru",
        "time_zone": "Asia/Yekaterinburg", "email": "olga@"}).get_data(as_text=True)
    assert "Email:" in refused
    assert 'value="Ольга Хозяйка"' in refused and 'value="olga@"' in refused
    assert re.search(r'value="ru"[^>]*selected', refused)
    assert re.search(r'value="Asia/Yekaterinburg"\s+selected', refused)
    assert User.get(User.username == "owner").full_name == "Olga Owner"  # nothing saved


def test_a_save_says_what_it_set_off(app, client, shop, service):
    from helpers import run_pending
    order = service.create("order", {"customer": shop.id})
    run_pending()
    form = page(client, f"/admin/records/order/edit/?id={order.id}")
    fields = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', form))
    saved = client.post(f"/admin/records/order/edit/?id={order.id}", data=dict(
        fields, csrf_token=csrf_token(form), customer=str(shop.id), status="confirmed"))
    assert saved.status_code == 302
    after = page(client, saved.headers["Location"])
    event = int(re.search(r'id="gb-effects"[^>]*data-event="(\d+)"', after).group(1))
    waiting = client.get(f"/api/events/{event}/effects").get_json()
    assert waiting == {"done": False, "items": []}
    run_pending()
    said = client.get(f"/api/events/{event}/effects").get_json()
    assert said["done"] is True
    (item,) = said["items"]
    assert item["rule"].startswith("Order confirmed")
    assert [a["action"] for a in item["actions"]] == ["Send an SMS", "Create a task"]
    assert "+79123456789" in item["actions"][0]["outcome"]  # the owner sees to whom
    assert item["actions"][0]["delivery"] == "stored"
    assert 'data-event=""' in page(client, "/admin/")  # said once
    anna = app.test_client()
    log_in(anna, "anna", "anna-password")
    assert anna.get(f"/api/events/{event}/effects").status_code == 404  # not her change


def test_staff_see_what_their_save_did_without_customers_numbers(app, shop, service):
    from helpers import run_pending
    lena = app.test_client()
    log_in(lena, "lena", "lena-password")
    order = service.create("order", {"customer": shop.id, "status": "confirmed"})
    run_pending()
    moved = lena.patch(f"/api/order/{order.id}", json={"courier": "cdek", "status": "shipping"},
                       headers={"X-CSRFToken": csrf_token(page(lena, "/admin/"))})
    assert moved.status_code == 200
    event = moved.headers["X-Growbase-Event"]
    run_pending()
    (item,) = lena.get(f"/api/events/{event}/effects").get_json()["items"]
    assert item["rule"].startswith("Order shipped")
    assert all("outcome" not in a for a in item["actions"])


def test_a_grid_save_says_what_it_set_off(client, shop, service):
    from helpers import run_pending
    order = service.create("order", {"customer": shop.id})
    run_pending()
    token = csrf_token(page(client, "/admin/grid/order/"))
    saved = client.post("/api/order/batch", headers={"X-CSRFToken": token}, json={"items": [
        {"id": order.id, "_version": order.gb_version, "data": {"status": "confirmed"}}]})
    (result,) = saved.get_json()["results"]
    assert result["status"] == "updated" and result["event"]
    run_pending()
    (item,) = client.get(f"/api/events/{result['event']}/effects").get_json()["items"]
    assert item["rule"].startswith("Order confirmed")
    unchanged = client.post("/api/order/batch", headers={"X-CSRFToken": token}, json={"items": [
        {"id": order.id, "data": {"status": "confirmed"}}]}).get_json()["results"][0]
    assert "event" not in unchanged  # nothing written, nothing set off


def test_a_formula_reading_a_stage_shows_the_stage_s_name(store):
    from growbase.catalog import catalog
    stage = catalog().entity("order_line").by_name["stage"]  # {order.status}
    assert stage.type.name == "choice"
    assert stage.type.display("confirmed", stage, "en") == "Confirmed"
    assert stage.type.display("confirmed", stage, "ru") == "Подтверждён"


def test_a_conflict_names_the_field_by_its_label(service, shop):
    order = service.create("order", {"customer": shop.id})
    service.update("order", order.id, {"status": "confirmed"})  # a colleague, meanwhile
    with pytest.raises(Conflict) as refused:
        service.update("order", order.id, {"status": "cancelled"}, version=order.gb_version)
    assert "Someone else changed Status after you opened" in str(refused.value)


def test_what_a_rule_did_is_read_in_the_reader_s_language(client, shop, service):
    """The worker says an action's outcome once (in English here); the run log and the
    note after a save say it again in the reader's language, codes as words."""
    from helpers import run_pending
    order = service.create("order", {"customer": shop.id})
    service.update("order", order.id, {"status": "confirmed"})
    run_pending()
    english = page(client, "/admin/runs/")  # (what the owner typed, or a number: data)
    assert 'SMS to <span class="gb-data">+79123456789</span>' in english
    assert 'task “<span class="gb-data">Check stock for' in english
    client.post("/language/ru", data={"csrf_token": csrf_token(english)})
    russian = page(client, "/admin/runs/")
    assert 'SMS для <span class="gb-data">+79123456789</span>' in russian
    assert 'задача «<span class="gb-data">Check stock for' in russian
    assert "sms to" not in russian
