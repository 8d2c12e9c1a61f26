"""The owner finds who changed what, reverts a field, restores a deleted record; others may
not; exports are on record."""

import json
from datetime import date, timedelta

from growbase.auth import create_token
from growbase.tables import Audit, User
from starter import lines_of, make_order
from helpers import Api, csrf_token, run_queued_jobs


def test_the_owner_finds_yesterdays_change_of_an_amount_and_reverts_it(app, client, shop,
                                                                         service, api):
    anna = User.get(username="anna")
    order = make_order(service, shop.id, amount="100", manager=anna.id)
    line = lines_of(order.id)[0]
    anna_api = Api(app.test_client(), create_token(anna, "t"))
    assert anna_api.patch(f"/api/order_line/{line.id}", json={"unit_price": "150"}).status_code \
        == 200
    api.patch(f"/api/order/{order.id}", json={"comment": "today's note"})
    yesterday = date.today() - timedelta(days=1)
    for changed in Audit.select().where((Audit.username == "anna") & (Audit.action == "update")):
        Audit.update(at=changed.at - timedelta(days=1)).where(Audit.id == changed.id).execute()

    found = api.get(f"/api/audit?entity=order&field=amount&since={yesterday}&until={yesterday}")
    items = found.get_json()["items"]  # the order's amount moved with its line, by anna
    assert [(i["user"], i["changes"]["amount"]) for i in items] == [("anna", ["100.00", "150.00"])]
    page = client.get(f"/admin/audit/?field=amount&since={yesterday}&until={yesterday}")
    html = page.get_data(as_text=True)
    assert "anna" in html and "150.00" in html and "today&#39;s note" not in html
    summed = api.post(f"/api/audit/{items[0]['id']}/revert", json={"field": "amount"})
    assert summed.status_code == 422 and "line" in json.dumps(summed.get_json())
    typed = api.get("/api/audit?entity=order_line&field=unit_price").get_json()["items"][0]
    client.post(f"/admin/audit/{typed['id']}/revert",
                data={"field": "unit_price", "csrf_token": csrf_token(html)})
    assert api.get(f"/api/order/{order.id}").get_json()["amount"] == "100.00"
    reverted = Audit.select().where((Audit.entity == "order_line") & (
        Audit.record_id == line.id)).order_by(Audit.id.desc()).first()
    assert reverted.username == "owner" and reverted.source == f"revert:{typed['id']}"


def test_a_deleted_record_comes_back_under_its_number(api, client, service):
    customer = service.create("customer", {"name": "Ушедший Клиент", "phone": "+79120000001",
                                           "city": "Казань"})
    assert api.delete(f"/api/customer/{customer.id}").status_code == 204
    deleted = Audit.get((Audit.action == "delete") & (Audit.record_id == customer.id))
    log = client.get("/admin/audit/?action=delete").get_data(as_text=True)
    assert '<span class="gb-data">Ушедший Клиент</span>' in log  # by its title, though gone
    assert f"№ {customer.id}" not in log
    back = api.post(f"/api/audit/{deleted.id}/restore")
    assert back.status_code == 200
    restored = api.get(f"/api/customer/{customer.id}").get_json()
    assert (restored["name"], restored["phone"], restored["city"]) == (
        "Ушедший Клиент", "+79120000001", "Казань")
    assert restored["_version"] == deleted.record_version + 1
    again = api.post(f"/api/audit/{deleted.id}/restore")
    assert again.status_code == 422 and "nothing to restore" in again.get_json()["errors"][
        "_record"]
    wrong = api.post(f"/api/audit/{deleted.id}/revert", json={"field": "name"})
    assert wrong.status_code == 404


def test_only_the_owner_reads_and_undoes_history(app, shop):
    anna = User.get(username="anna")
    anna_api = Api(app.test_client(), create_token(anna, "t"))
    assert anna_api.get("/api/audit").status_code == 403
    assert anna_api.post("/api/audit/1/restore").status_code == 403
    from helpers import log_in
    browser = app.test_client()
    log_in(browser, "anna", "anna-password")
    assert browser.get("/admin/audit/").status_code == 404
    assert "/admin/audit/" not in browser.get("/admin/").get_data(as_text=True)


def test_exports_are_on_record_with_how_many_rows(api, client, service):
    service.create("customer", {"name": "Один"})
    job = api.post("/api/customer/export", json={"format": "csv"}).get_json()
    run_queued_jobs()
    logged = Audit.get(Audit.action == "export")
    assert (logged.username, logged.entity, logged.changes["rows"][1]) == ("owner", "customer", 1)
    assert logged.source == f"export:{job['id']}"
    page = client.get("/admin/audit/").get_data(as_text=True)  # the owner reads it in words
    assert "export to a file" in page and "<strong>rows</strong>" in page
    assert f"export:{job['id']}" not in page


def test_a_bad_day_in_the_filter_says_how_to_write_it(api):
    response = api.get("/api/audit?since=yesterday")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.get_json()["errors"]["filter"]


def test_the_record_page_offers_revert_and_survives_a_restore(client, api, service):
    customer = service.create("customer", {"name": "Вера", "city": "Казань"})
    api.patch(f"/api/customer/{customer.id}", json={"city": "Самара"})
    page = client.get(f"/admin/records/customer/details/?id={customer.id}").get_data(as_text=True)
    changed = Audit.get((Audit.record_id == customer.id) & (Audit.action == "update"))
    assert f'/admin/audit/{changed.id}/revert' in page
    client.post(f"/admin/audit/{changed.id}/revert", data={"field": "city",
                                                            "csrf_token": csrf_token(page)})
    assert api.get(f"/api/customer/{customer.id}").get_json()["city"] == "Казань"
    api.delete(f"/api/customer/{customer.id}")
    deleted = Audit.get((Audit.record_id == customer.id) & (Audit.action == "delete"))
    api.post(f"/api/audit/{deleted.id}/restore")
    again = client.get(f"/admin/records/customer/details/?id={customer.id}")
    assert again.status_code == 200 and "restored" in again.get_data(as_text=True)


def test_a_paste_is_undone_at_once_except_what_changed_since(api, shop, service):
    kept = service.create("order", {"customer": shop.id, "tracking": "A"})
    other = service.create("order", {"customer": shop.id,
                                     "tracking": "B"})
    pasted = api.post("/api/order/batch", json={"paste": "p-1", "items": [
        {"id": kept.id, "data": {"tracking": "X"}}, {"id": other.id, "data": {"tracking": "Y"}},
        {"data": {"customer": shop.id}}]}).get_json()["results"]
    assert [r["status"] for r in pasted] == ["updated", "updated", "created"]
    assert api.post("/api/order/batch", json={"paste": "no spaces", "items": []}).status_code \
        == 400
    service.update("order", other.id, {"tracking": "Z"})  # changed after the paste
    undone = api.post("/api/audit/paste/undo", json={"source": "grid:paste:p-1"}).get_json()
    assert undone["reverted"] == 1 and undone["deleted"] == 1
    assert undone["left"] == ["ORD-00002 Иван Петров: a cell changed after the paste stays as "
                              "it is now."]  # named by its title, not its internal number
    assert api.get(f"/api/order/{kept.id}").get_json()["tracking"] == "A"
    assert api.get(f"/api/order/{other.id}").get_json()["tracking"] == "Z"
    assert api.get(f"/api/order/{pasted[2]['id']}").status_code == 404
    assert api.post("/api/audit/paste/undo", json={"source": "grid:paste:nope"}).status_code \
        == 404


def test_the_door_a_change_came_through_is_said_in_words(app):
    """Sources are codes ("undo grid:paste:p-1"); the history says them in words, names in
    them (a token's, a file's) marked as data."""
    from growbase.admin.shown import source_words
    with app.test_request_context():
        assert source_words("undo grid:paste:p-1") == "undo: grid: a paste"
        assert source_words("undo merge:5") == "undo: merge"
        assert str(source_words("undo api:shop")) == 'undo: API (<span class="gb-data">shop</span>)'
        assert source_words("export:12") == "export to a file"
