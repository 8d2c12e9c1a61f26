"""The JSON API: same validation and errors as the UI, tokens, conflicts, filters, paging."""

import json
from datetime import datetime, timedelta

from growbase.auth import create_token
from growbase.tables import User

from starter import make_order
from helpers import Api


def make_customer(api, **extra):
    response = api.post("/api/customer", json=dict({"name": "Мария Иванова",
                                                     "phone": "8 912 345-67-89"}, **extra))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_every_call_needs_a_login(app, owner):
    anonymous = app.test_client()
    assert anonymous.get("/api/order").status_code == 401
    bad = anonymous.get("/api/order", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and "Bearer" in bad.get_json()["errors"]["_auth"]


def test_index_lists_entities_with_fields(api):
    entities = {e["name"]: e for e in api.get("/api").get_json()["entities"]}
    assert {"customer", "order", "product", "task", "contact_log"} <= set(entities)
    status = next(f for f in entities["order"]["fields"] if f["name"] == "status")
    assert status["type"] == "status" and status["options"][0]["value"] == "new"
    # how a client edits and shows each field comes with it: no client needs type names
    shown = {f["name"]: (f["editor"], f["shown_as"]) for f in entities["order"]["fields"]}
    assert shown["status"] == ("choose", "option") and shown["amount"] == ("number", "number")
    assert shown["customer"] == ("lookup", "title") and shown["ordered_at"][0] == "datetime"
    phone = next(f for f in entities["customer"]["fields"] if f["name"] == "phone")
    assert phone["editor"] == "text" and phone["mask"]


def test_create_get_update_delete(api):
    created = make_customer(api)
    assert created["phone"] == "+79123456789" and created["_version"] == 1
    order = api.post("/api/order", json={"customer": created["id"]}).get_json()
    assert order["customer"] == {"id": created["id"], "title": "Мария Иванова"}
    assert order["number"] == "ORD-00001" and order["amount"] == "0.00"  # given, summed
    product = api.post("/api/product", json={"sku": "TEA-001", "name": "Tea", "price": "1"})
    raw = '{"order": %d, "product": %d, "unit_price": 1234567890123456.78}' % (
        order["id"], product.get_json()["id"])
    api.client.post("/api/order_line", data=raw, headers=dict(
        api.headers, **{"Content-Type": "application/json"}))
    got = api.get(f"/api/order/{order['id']}").get_json()
    assert got["amount"] == "1234567890123456.78"  # exact: no float on the way
    patched = api.patch(f"/api/order/{order['id']}", json={"status": "confirmed",
                                                           "_version": got["_version"]})
    assert patched.status_code == 200 and patched.get_json()["status"] == "confirmed"
    assert patched.get_json()["amount"] == "1234567890123456.78"  # partial: others untouched
    assert api.delete(f"/api/order/{order['id']}").status_code == 204
    assert api.get(f"/api/order/{order['id']}").status_code == 404


def test_validation_errors_name_each_field(api):
    response = api.post("/api/order", json={"number": "42", "amount": "12 900%", "customer": 5,
                                            "deliver_by": "31.02.2024", "nope": 1})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"number", "amount", "customer", "deliver_by", "nope"}
    assert "given by growbase" in errors["number"] and "added up" in errors["amount"]


def test_malformed_json_is_a_clear_400(api):
    response = api.client.post("/api/customer", data="{oops", headers=dict(
        api.headers, **{"Content-Type": "application/json"}))
    assert response.status_code == 400 and "Not valid JSON" in response.get_json()["errors"]["_body"]


def test_stale_version_is_a_409_naming_the_field(api):
    c = make_customer(api)
    api.patch(f"/api/customer/{c['id']}", json={"city": "Казань", "_version": 1})
    response = api.patch(f"/api/customer/{c['id']}", json={"city": "Самара", "_version": 1})
    assert response.status_code == 409
    body = response.get_json()
    assert "city" in body["errors"] and body["conflict"]["city"]["theirs"] == "Казань"
    assert api.get(f"/api/customer/{c['id']}").get_json()["city"] == "Казань"


def test_list_filters_sorts_and_pages(api, service):
    c = make_customer(api)
    for status, amount in [("new", 300), ("confirmed", 100), ("new", 200), ("new", 50)]:
        make_order(service, c["id"], status=status, amount=str(amount))
    page = api.get("/api/order?status=new&sort=-amount&limit=2").get_json()
    assert page["total"] == 3 and [o["amount"] for o in page["items"]] == ["300.00", "200.00"]
    rest = api.get("/api/order?status=new&sort=-amount&limit=2&offset=2").get_json()
    assert [o["amount"] for o in rest["items"]] == ["50.00"]
    condition = json.dumps({"any": [{"field": "amount", "lt": 60}, {"field": "status", "eq": "confirmed"}]})
    found = api.get(f"/api/order?filter={condition}&sort=amount").get_json()
    assert [o["amount"] for o in found["items"]] == ["50.00", "100.00"]


def test_bad_filters_and_sorts_never_reach_sql(api):
    response = api.get("/api/order?sort=amount;DROP TABLE e_order")
    assert response.status_code == 400 and "Cannot sort" in response.get_json()["errors"]["sort"]
    response = api.get('/api/order?filter={"field":"amount","gt":"1 OR 1=1"}')
    assert response.status_code == 400 and "not a number" in response.get_json()["errors"]["filter"]
    assert api.get("/api/order?number=' OR '1'='1").get_json()["total"] == 0


def test_session_writes_need_the_csrf_token(client):
    response = client.post("/api/customer", json={"name": "X"})
    assert response.status_code == 400  # a cookie alone cannot write


def test_unknown_entity_is_404(api):
    assert api.get("/api/nothing").status_code == 404


def test_bulk_create_is_all_or_nothing_with_errors_per_row(api):
    c = make_customer(api)
    rows = [{"customer": c["id"], "phone": "8 912 000-00-01"} for i in range(3)]
    rows.append({"customer": c["id"], "phone": "12"})
    rows.append({"customer": 999})
    response = api.post("/api/order", json=rows)
    assert response.status_code == 422
    refused = response.get_json()["rows"]
    assert set(refused) == {"3", "4"} and "phone" in refused["3"]
    assert "no Customer #999" in refused["4"]["customer"]
    assert api.get("/api/order").get_json()["total"] == 0
    created = api.post("/api/order", json=rows[:3])
    assert created.status_code == 201 and created.get_json()["total"] == 3
    assert api.get("/api/order").get_json()["total"] == 3


def test_a_body_over_the_limit_is_a_clear_413(api):
    big = '{"name": "' + "x" * (17 * 1024 * 1024) + '"}'
    response = api.client.post("/api/customer", data=big, headers=dict(
        api.headers, **{"Content-Type": "application/json"}))
    assert response.status_code == 413 and "16 MB" in response.get_json()["errors"]["_body"]


def test_large_totals_are_estimated_unless_asked(api, monkeypatch):
    from growbase import queries
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    c = make_customer(api)
    api.post("/api/order", json=[{"customer": c["id"]} for i in range(6)])
    page = api.get("/api/order?limit=2").get_json()
    assert len(page["items"]) == 2
    assert page["total_exact"] is False and page["total"] >= 4
    exact = api.get("/api/order?limit=2&count=exact").get_json()
    assert exact["total"] == 6 and exact["total_exact"] is True


def test_every_api_error_is_json(api):
    for path, status in (("/api/order/abc", 404), ("/api/order/1", 404)):
        response = api.get(path)
        assert response.status_code == status and "errors" in response.get_json()
    response = api.put("/api/order/1", json={})
    assert response.status_code == 405 and "errors" in response.get_json()


def test_stale_delete_is_a_conflict(api):
    c = make_customer(api)
    api.patch(f"/api/customer/{c['id']}", json={"city": "Казань"})
    response = api.delete(f"/api/customer/{c['id']}?_version=1")
    assert response.status_code == 409 and "city" in response.get_json()["conflict"]
    assert api.get(f"/api/customer/{c['id']}").status_code == 200


def test_numbers_past_any_database_integer_are_answered_not_crashed(api, client):
    """SQLite cannot be asked about a number past 2**63 - 1; each door answers it as what
    it is (no such record, a bad parameter, an empty page)."""
    big = 10 ** 30
    assert api.get(f"/api/order/{big}").status_code == 404
    assert api.patch(f"/api/order/{big}", json={"status": "new"}).status_code in (404, 405)
    refused = api.get(f"/api/order?offset={big}")
    assert refused.status_code == 400 and "offset not negative" in refused.get_json()["errors"]["limit"]
    assert api.get(f"/api/audit?offset={big}").status_code == 400
    assert api.get(f"/api/order/changes?after={big}").get_json()["records"] == []
    assert client.get(f"/admin/records/order/edit/?id={big}").status_code == 302  # "not there"
    assert client.get(f"/admin/records/order/?page={big}").status_code == 200


def test_characters_no_database_keeps_are_refused_by_name(api, client):
    """JSON may carry U+0000 and lone surrogates, a query string U+0000; PostgreSQL refuses
    the one and UTF-8 cannot hold the other: the request is refused, naming where."""
    for text in (r"Iv\u0000an", r"Iv\ud800an"):
        response = api.post("/api/customer", data=f'{{"name": "Ivan", "notes": "{text}"}}',
                            content_type="application/json")
        assert response.status_code == 400
        assert response.get_json()["errors"]["_body"].startswith("$.notes holds a character")
    response = api.post("/api/order/views", data=r'{"name": "Mine\u0000"}',
                        content_type="application/json")
    assert response.status_code == 400 and "$.name" in response.get_json()["errors"]["_body"]
    assert client.get("/admin/records/order/?search=a%00b").status_code == 400


def test_an_order_from_the_api_gets_the_defaults_the_form_shows(app, shop, client, owner):
    """"default": "now" and "default": "me" are the record service's, so every door has
    them: the form shows them, the API and the grid save them."""
    anna = User.get(username="anna")
    as_anna = Api(app.test_client(), create_token(anna, "shop site"))
    made = as_anna.post("/api/order", json={"customer": shop.id})
    assert made.status_code == 201, made.get_json()
    order = made.get_json()
    assert order["status"] == "new" and order["manager"]["id"] == anna.id
    assert abs(datetime.fromisoformat(order["ordered_at"]) - datetime.now()) < timedelta(
        minutes=1)
    as_owner = Api(app.test_client(), create_token(owner, "t"))
    by_owner = as_owner.post("/api/order", json={"customer": shop.id})
    assert by_owner.get_json()["manager"] is None  # for a manager to take, not refused
    grid = as_anna.post("/api/order/batch", json={"items": [
        {"data": {"customer": shop.id}}]}).get_json()["results"][0]
    assert grid["record"]["manager"]["id"] == anna.id and grid["record"]["ordered_at"]
    form = client.get("/admin/records/order/new/").get_data(as_text=True)
    assert f'value="{datetime.now():%Y-%m-%dT}' in form  # the form shows today's date
