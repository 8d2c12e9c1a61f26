"""The Flask-Admin back office: entities from definitions, forms with masks, errors on fields.

These also guard the Flask-Admin internals the generic views lean on (flask-admin 2.2.*).
"""

import re
from datetime import datetime, timedelta
from html import unescape

from flask import g

from starter import make_order
from helpers import csrf_token, log_in

from growbase.designer.store import apply_definitions


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def post_form(client, url, data):
    token = csrf_token(page(client, url))
    return client.post(url, data=dict(data, csrf_token=token))


def field_errors(html):
    return [unescape(re.sub(r"\s+", " ", e).strip()) for e in
            re.findall(r'(?s)<ul class="form-text text-danger ">(.*?)</ul>', html)]


def test_pages_need_a_login(app, owner):
    anonymous = app.test_client()
    for url in ("/admin/", "/admin/records/order/", "/admin/records/order/new/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert anonymous.get("/healthz").status_code == 200


def test_wrong_password_is_refused(app, owner):
    anonymous = app.test_client()
    response = log_in(anonymous, "owner", "wrong-password")
    assert response.status_code == 200 and "Wrong username or password" in response.get_data(as_text=True)


def test_menu_groups_entities_with_translated_labels(client):
    html = page(client, "/admin/")
    assert "Sales" in html and "Orders" in html and "Customers" in html
    html_ru = page(client, "/admin/?lang=ru")
    assert "Продажи" in html_ru and "Заказы" in html_ru


def test_create_form_has_masks_and_shows_server_errors_on_fields(client):
    form = page(client, "/admin/records/customer/new/")
    assert 'data-mask="+{7} (000) 000-00-00"' in form and "imask.min.js" in form
    response = post_form(client, "/admin/records/customer/new/",
                         {"name": "ООО Ромашка", "phone": "+7 000 000-00-00", "kind": "company"})
    errors = field_errors(response.get_data(as_text=True))
    assert any("not a phone number of Russia" in e for e in errors)
    assert any("required in this situation" in e for e in errors)


def test_create_list_edit_details_delete(client):
    response = post_form(client, "/admin/records/customer/new/",
                         {"name": "Пётр Сидоров", "phone": "+7 (912) 345-67-89", "kind": "person"})
    assert response.status_code == 302
    listing = page(client, "/admin/records/customer/")
    assert "Пётр Сидоров" in listing and "+7 912 345-67-89" in listing
    response = post_form(client, "/admin/records/customer/edit/?id=1",
                         {"name": "Пётр Сидоров", "phone": "+79123456789", "kind": "person",
                          "city": "Казань", "gb_version": "1"})
    assert response.status_code == 302
    details = page(client, "/admin/records/customer/details/?id=1")
    assert "History" in details and "Казань" in details and "owner" in details
    token = csrf_token(page(client, "/admin/records/customer/"))
    response = client.post("/admin/records/customer/delete/", data={"id": "1", "csrf_token": token})
    assert response.status_code == 302
    assert "Пётр Сидоров" not in page(client, "/admin/records/customer/")


def test_stale_form_shows_who_changed_what(client, service):
    service.create("customer", {"name": "Анна", "phone": "+79123456789"})
    service.update("customer", 1, {"city": "Самара"})
    response = post_form(client, "/admin/records/customer/edit/?id=1",
                         {"name": "Анна", "phone": "+79123456789", "kind": "person",
                          "city": "Казань", "gb_version": "1"})
    html = response.get_data(as_text=True)
    assert any("changed this to \"Самара\"" in e for e in field_errors(html))
    assert service.get("customer", 1)[1].city == "Самара"


def test_forms_need_the_csrf_token(client):
    response = client.post("/admin/records/customer/new/", data={"name": "X"})
    assert response.status_code == 400


def test_list_filters_and_search(client, service):
    c = service.create("customer", {"name": "Анна", "phone": "+79123456789"})
    for status in ("new", "confirmed"):  # ORD-00001, ORD-00002
        service.create("order", {"customer": c.id, "status": status})
    html = page(client, "/admin/records/order/?search=00002")
    assert "ORD-00002" in html and "ORD-00001" not in html
    status_eq = list_filter(client, "order", "status", "eq")
    html = page(client, f"/admin/records/order/?flt0_{status_eq}=confirmed")
    assert "ORD-00002" in html and "ORD-00001" not in html


def list_filter(client, entity, name, op):
    """The list page's filter argument for a field and test (its number in the address)."""
    view = next(v for v in client.application.extensions["admin"][0]._views
                if v.endpoint == "records")  # the records router
    with client.application.test_request_context(f"/admin/records/{entity}/"):
        g.gb_entity = entity
        filters = view.view()._filter_args
    return next(arg for arg, (_i, f) in filters.items() if f.field.name == name and f.op == op)


def test_the_list_filters_by_a_period_and_by_me(client, service, owner):
    now = datetime.now()
    for title, due, mine in (("Today's", now, True), ("Last month's", now - timedelta(days=40), True),
                             ("Someone's", now, False)):
        service.create("task", {"title": title, "due": due, "assignee": owner.id if mine else None})
    within = list_filter(client, "task", "due", "within")
    html = page(client, f"/admin/records/task/?flt0_{within}=last_7_days")
    assert "Today&#39;s" in html and "Someone&#39;s" in html and "Last month" not in html
    assert "the last 30 days" in html  # offered as a choice, not typed
    me = list_filter(client, "task", "assignee", "eq")
    html = page(client, f"/admin/records/task/?flt0_{within}=this_week&flt1_{me}=me")
    assert "Today&#39;s" in html and "Someone&#39;s" not in html


def test_an_entity_defined_while_running_appears_at_once(client):
    client.get("/admin/")  # the app has served requests: Flask-Admin cannot add views now
    apply_definitions([{"entity": "supplier", "label": {"en": "Supplier", "ru": "Поставщик"},
                        "plural": {"en": "Suppliers"}, "group": {"en": "Catalogue"},
                        "fields": [{"name": "name", "type": "text", "required": True},
                                   {"name": "phone", "type": "phone", "mask": "+{7} 000 000-00-00"}]}])
    assert "Suppliers" in page(client, "/admin/")
    response = post_form(client, "/admin/records/supplier/new/", {"name": "Чайная ферма",
                                                                  "phone": "89123456789"})
    assert response.status_code == 302
    assert "Чайная ферма" in page(client, "/admin/records/supplier/")


def test_money_and_dates_follow_the_users_locale(client, service):
    c = service.create("customer", {"name": "Анна", "phone": "+79123456789"})
    make_order(service, c.id, amount="12900.5", deliver_by="2026-02-28")
    english = page(client, "/admin/records/order/")
    assert "RUB12,900.50" in english or "₽12,900.50" in english
    client.post("/language/ru", data={"csrf_token": csrf_token(english)})
    russian = page(client, "/admin/records/order/")
    assert "12\u00a0900,50\u00a0₽" in russian and "Сумма" in russian


def test_help_and_labels_from_definitions_are_escaped(client):
    apply_definitions([{"entity": "note", "fields": [{
        "name": "body", "type": "text", "label": "<b>Body</b>",
        "help": "<script>alert('help')</script>"}]}])
    form = page(client, "/admin/records/note/new/")
    assert "<script>alert('help')</script>" not in form
    assert "&lt;script&gt;" in form and "<b>Body</b>" not in form


def test_record_picker_searches_the_linked_entity(client, service):
    for name, phone in (("Анна Соколова", "+79123456781"), ("Борис Петров", "+79123456782")):
        service.create("customer", {"name": name, "phone": phone})
    found = client.get("/admin/records/order/ajax/lookup/?name=customer&query=соко").get_json()
    assert found == [[1, "Анна Соколова"]]
    newest = client.get("/admin/records/order/ajax/lookup/?name=customer&query=").get_json()
    assert [title for _id, title in newest] == ["Борис Петров", "Анна Соколова"]
    assert client.get("/admin/records/order/ajax/lookup/?name=nope&query=x").status_code == 404


def test_a_customer_card_shows_what_links_to_it_and_what_happened(client, shop, service):
    from growbase.tables import Outbox
    from helpers import run_pending
    order = make_order(service, shop.id, amount="990")
    service.create("contact_log", {"customer": shop.id, "channel": "call",
                                   "at": "2026-12-06 10:00", "summary": "Asked about delivery"})
    run_pending()  # the starter rule SMSes the customer about the order
    assert Outbox.select().where(Outbox.entity == "order").exists()
    card = unescape(page(client, f"/admin/records/customer/details/?id={shop.id}"))
    panels = dict(re.findall(r'data-entity="(\w+)">.*?<strong>(.*?)</strong>', card, re.S))
    assert panels["order"] == "Orders (1)" and panels["contact_log"].endswith("(1)")
    assert "ORD-00001" in card
    add = re.search(r'href="(/admin/records/order/new/\?[^"]+)"', card).group(1)
    assert f"customer={shop.id}" in add  # a new order for this customer, back to the card
    assert f"url=/admin/records/customer/details/?id%3D{shop.id}" in add
    assert "Activity" in card and "created" in card
    form = page(client, f"/admin/records/order/new/?customer={shop.id}")
    assert re.search(rf'name="customer"[^>]*value="{shop.id}"|value="{shop.id}"[^>]*name="customer"', form)
    order_card = unescape(page(client, f"/admin/records/order/details/?id={order.id}"))
    assert "SMS → +79123456789" in order_card  # the message sent about it
