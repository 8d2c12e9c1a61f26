"""What the staff grid asks of the server: batch saves, groups, live changes, saved views."""

import json

from growbase.auth import create_token
from growbase.tables import Event, User
from helpers import Api, run_pending
from starter import make_order


def orders(api, customer_id, *rows):
    created = api.post("/api/order", json=[dict({"customer": customer_id}, **row) for row in rows])
    assert created.status_code == 201, created.get_json()
    return [item["id"] for item in created.get_json()["items"]]


def test_a_pasted_block_saves_the_good_rows_and_names_the_bad_cells(api, shop):
    first, second = orders(api, shop.id, {}, {})
    before = Event.select().where(Event.entity == "order").count()
    saved = api.post("/api/order/batch", json={"items": [
        {"id": first, "_version": 1, "data": {"phone": "8 912 000-00-01", "tracking": "T-1"}},
        {"id": second, "_version": 1, "data": {"phone": "12", "tracking": "T-2"}},
        {"data": {"customer": shop.id, "status": "confirmed"}},
        {"data": {"number": "ORD-00042", "customer": shop.id}},
    ]})
    assert saved.status_code == 200
    results = saved.get_json()["results"]
    assert [r["status"] for r in results] == ["updated", "rejected", "created", "rejected"]
    assert results[0]["record"]["phone"] == "+79120000001"
    assert results[0]["record"]["_version"] == 2
    assert set(results[1]["errors"]) == {"phone"}  # the tracking of that row is not blamed
    assert results[1]["record"]["_version"] == 1  # nothing of the refused row was written
    assert results[2]["record"]["number"] == "ORD-00003" and results[2]["id"]
    assert "given by growbase" in results[3]["errors"]["number"]  # never typed
    assert Event.select().where(Event.entity == "order").count() == before + 2  # one per row


def test_a_pasted_block_fires_the_automation_for_every_row(api, shop):
    ids = orders(api, shop.id, *[{}] * 3)
    run_pending()
    api.post("/api/order/batch", json={"items": [
        {"id": i, "_version": 1, "data": {"status": "Confirmed"}} for i in ids]})
    run_pending()
    tasks = api.get("/api/task?q=Check%20stock&sort=title").get_json()["items"]
    assert [t["title"] for t in tasks] == [f"Check stock for ORD-0000{i}" for i in (1, 2, 3)]


def test_a_row_someone_else_changed_comes_back_as_a_conflict(api, shop, app, service):
    (order_id,) = orders(api, shop.id, {})
    service.update("order", order_id, {"tracking": "THEIRS-1"}, version=1)
    clash = api.post("/api/order/batch", json={"items": [
        {"id": order_id, "_version": 1, "data": {"tracking": "MINE-2"}}]}).get_json()["results"][0]
    assert clash["status"] == "rejected"
    assert clash["conflict"]["tracking"]["theirs"] == "THEIRS-1"
    assert clash["record"]["tracking"] == "THEIRS-1" and clash["record"]["_version"] == 2
    mine = api.post("/api/order/batch", json={"items": [
        {"id": order_id, "_version": 2, "data": {"tracking": "MINE-2"}}]}).get_json()["results"][0]
    assert mine["status"] == "updated" and mine["record"]["tracking"] == "MINE-2"


def test_a_change_to_other_fields_of_the_row_is_no_conflict(api, shop, service):
    (order_id,) = orders(api, shop.id, {})
    service.update("order", order_id, {"tracking": "T-1"}, version=1)
    result = api.post("/api/order/batch", json={"items": [
        {"id": order_id, "_version": 1, "data": {"comment": "call first"}}]}).get_json()["results"]
    assert result[0]["status"] == "updated" and result[0]["record"]["tracking"] == "T-1"


def test_bad_batches_are_refused_whole_with_a_fix(api):
    assert "items" in api.post("/api/order/batch", json={"rows": []}).get_json()["errors"]
    bad_id = api.post("/api/order/batch", json={"items": [{"id": "five", "data": {}}]})
    assert bad_id.status_code == 400 and "record numbers" in bad_id.get_json()["errors"]["id"]
    too_many = api.post("/api/order/batch", json={"items": [{"data": {}}] * 2001})
    assert too_many.status_code == 413


def test_bulk_delete_deletes_each_it_may_and_says_why_not_for_the_rest(api, shop):
    first, second = orders(api, shop.id, {}, {})
    results = api.post("/api/customer/delete", json={"items": [{"id": shop.id}]}).get_json()
    assert results["results"][0]["status"] == "rejected"
    assert "Still used by" in results["results"][0]["errors"]["_record"]
    done = api.post("/api/order/delete", json={"items": [{"id": first, "_version": 1},
                                                         {"id": second, "_version": 7}]})
    assert [r["status"] for r in done.get_json()["results"]] == ["deleted", "rejected"]
    assert api.get(f"/api/order/{first}").status_code == 404
    assert api.get(f"/api/order/{second}").status_code == 200


def test_groups_count_and_sum_every_matching_row(api, shop, service):
    for amount, status in (("100.50", "new"), ("200", "confirmed"), ("50", "confirmed")):
        make_order(service, shop.id, amount=amount, status=status)
    found = api.get("/api/order/groups?by=status").get_json()
    by_value = {g["value"]: g for g in found["groups"]}
    assert [g["value"] for g in found["groups"]][:3] == ["new", "confirmed", "awaiting_supply"]
    assert by_value["confirmed"]["count"] == 2
    assert by_value["confirmed"]["sums"]["amount"] == "250.00"
    assert by_value["new"]["sums"]["amount"] == "100.50" and by_value["new"]["color"] == "#3498db"
    assert by_value["delivered"]["count"] == 0  # every stage is a kanban column, empty or not
    big = json.dumps({"field": "amount", "gt": 60})
    filtered = api.get(f"/api/order/groups?by=status&filter={big}").get_json()
    assert {g["value"]: g["count"] for g in filtered["groups"]}["confirmed"] == 1
    by_customer = api.get("/api/order/groups?by=customer").get_json()["groups"]
    assert by_customer == [{"value": shop.id, "label": "Иван Петров", "count": 3, "color": None,
                            "sums": {"amount": "350.50", "open_tasks": 0}}]
    refused = api.get("/api/order/groups?by=comment")
    assert refused.status_code == 400 and "status" in refused.get_json()["errors"]["by"]


def test_changes_returns_rows_on_screen_that_colleagues_saved(api, shop, service):
    first, second = orders(api, shop.id, {}, {})
    cursor = api.get("/api/order/changes").get_json()["cursor"]
    service.update("order", first, {"status": "confirmed"})
    service.delete("order", second)
    seen = api.get(f"/api/order/changes?after={cursor}&ids={first},{second}").get_json()
    assert [r["status"] for r in seen["records"]] == ["confirmed"]
    assert seen["deleted"] == [second] and seen["cursor"] > cursor
    quiet = api.get(f"/api/order/changes?after={seen['cursor']}&ids={first}").get_json()
    assert quiet["records"] == [] and quiet["cursor"] == seen["cursor"]


def test_lookup_offers_records_a_link_may_point_at(api, shop):
    found = api.get("/api/order/lookup/customer?q=Иван").get_json()["items"]
    assert found == [{"id": shop.id, "title": "Иван Петров"}]
    assert api.get("/api/order/lookup/comment").status_code == 404


def test_selection_by_record_numbers_filters_the_list(api, shop):
    first, _second, third = orders(api, shop.id, *[{}] * 3)
    chosen = json.dumps({"field": "id", "in": [first, third]})
    listed = api.get(f"/api/order?filter={chosen}&sort=id").get_json()["items"]
    assert [o["id"] for o in listed] == [first, third]


def test_saved_views_personal_and_shared(api, app, shop):
    from growbase.auth import create_token
    from growbase.tables import User
    config = {"filter": {"field": "status", "eq": "new"}, "sort": "-amount", "group_by": "status",
              "columns": [{"field": "number", "width": 120, "visible": True}]}
    mine = api.post("/api/order/views", json={"name": "New ones", "config": config})
    assert mine.status_code == 201
    shared = api.post("/api/order/views", json={"name": "Team", "shared": True, "config": {}})
    anna = Api(app.test_client(), create_token(User.get(username="anna"), "t"))
    seen = anna.get("/api/order/views").get_json()["views"]
    assert [v["name"] for v in seen] == ["Team"] and seen[0]["mine"] is False
    assert anna.put(f"/api/order/views/{shared.get_json()['id']}",
                    json={"name": "Mine now", "config": {}}).status_code == 403
    assert anna.delete(f"/api/order/views/{mine.get_json()['id']}").status_code == 404
    again = api.post("/api/order/views", json={"name": "New ones", "config": {}})
    assert again.status_code == 409 and "another name" in again.get_json()["errors"]["name"]
    renamed = api.put(f"/api/order/views/{shared.get_json()['id']}",
                      json={"name": "New ones", "config": {}})
    assert renamed.status_code == 409 and "another name" in renamed.get_json()["errors"]["name"]
    assert api.get("/api/order/views").get_json()["views"][0]["config"] == config


def test_a_bad_view_is_refused_naming_the_setting(api):
    cases = [({"filter": {"field": "nope", "eq": 1}}, "filter"), ({"sort": "nope"}, "sort"),
             ({"group_by": "comment"}, "by"), ({"columns": "number"}, "columns"),
             ({"colour": "red"}, "config")]
    for config, key in cases:
        response = api.post("/api/order/views", json={"name": "x", "config": config})
        assert response.status_code == 400 and key in response.get_json()["errors"], config
    assert api.post("/api/order/views", json={"name": " ", "config": {}}).status_code == 400
    assert api.get("/api/order/views").get_json()["views"] == []


def test_the_grid_layout_is_remembered_per_user(api, app, shop):
    from growbase.auth import create_token
    from growbase.tables import User
    layout = {"columns": [{"field": "status", "width": 90, "visible": True},
                          {"field": "comment", "visible": False}]}
    assert api.put("/api/order/layout", json={"config": layout}).status_code == 200
    assert api.put("/api/order/layout", json={"config": layout}).status_code == 200
    assert api.get("/api/order/views").get_json()["layout"] == layout
    anna = Api(app.test_client(), create_token(User.get(username="anna"), "t"))
    assert anna.get("/api/order/views").get_json()["layout"] is None


def test_links_pasted_as_text_are_found_like_in_an_import(api, shop):
    results = api.post("/api/order/batch", json={"items": [
        {"data": {"customer": "Иван Петров"}},
        {"data": {"customer": "+7 912 345-67-89"}},
        {"data": {"customer": "Nobody Known"}},
    ]}).get_json()["results"]
    assert [r["status"] for r in results] == ["created", "created", "rejected"]
    assert results[0]["record"]["customer"] == {"id": shop.id, "title": "Иван Петров"}
    assert "Nobody Known" in results[2]["errors"]["customer"]


def test_the_history_names_the_grid_as_the_door(client, shop):
    from helpers import csrf_token
    token = csrf_token(client.get("/admin/profile/").get_data(as_text=True))
    client.post("/api/order/batch", json={"items": [{"data": {
        "customer": shop.id}}]},
        headers={"X-CSRFToken": token, "X-Growbase-Client": "grid"})
    from growbase.tables import Audit
    assert Audit.select().order_by(Audit.id.desc()).get().source == "grid"


def test_the_grand_total_counts_and_sums_every_matching_row_as_the_role_sees_them(api, shop,
                                                                                 service, app):
    anna = User.get(username="anna").id
    for amount, status, manager in (("100.50", "new", anna), ("200", "confirmed", anna),
                                    ("50", "confirmed", None), ("7", "cancelled", anna)):
        make_order(service, shop.id, amount=amount, status=status, manager=manager)
    every = api.get("/api/order/totals").get_json()
    assert every["count"] == 4 and every["sums"]["amount"] == "357.50"
    some = json.dumps({"field": "status", "in": ["new", "confirmed"]})
    assert api.get(f"/api/order/totals?filter={some}").get_json() == {
        "count": 3, "sums": {"amount": "350.50", "open_tasks": 0}}
    this_month = json.dumps({"field": "ordered_at", "within": "this_month"})
    assert api.get(f"/api/order/totals?filter={this_month}").get_json()["count"] == 4
    lena = Api(app.test_client(), create_token(User.get(username="lena"), "t"))
    seen = lena.get("/api/order/totals").get_json()  # confirmed and later; no amounts
    assert seen["count"] == 2 and "amount" not in seen["sums"]
    wrong = api.get("/api/order/totals?filter=" + json.dumps({"field": "ordered_at",
                                                               "within": "soon"}))
    assert wrong.status_code == 400 and "last_30_days" in json.dumps(wrong.get_json())


def test_stages_sort_and_group_in_their_order_not_alphabetically(api, shop, service):
    for status in ("shipping", "cancelled", "new", "confirmed", "awaiting_supply"):
        make_order(service, shop.id, status=status, courier="own")
    ascending = [o["status"] for o in api.get("/api/order?sort=status").get_json()["items"]]
    assert ascending == ["new", "confirmed", "awaiting_supply", "shipping", "cancelled"]
    descending = [o["status"] for o in api.get("/api/order?sort=-status").get_json()["items"]]
    assert descending == list(reversed(ascending))
