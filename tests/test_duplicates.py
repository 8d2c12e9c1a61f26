"""Look-alike customers: found by shared phone or email and by names alike, warned of when
one is created, kept in a merge queue, merged with their orders, calls and tasks moving
to the survivor (one History entry that undoes it), counted by a data-quality check."""

import pytest

from growbase.catalog import catalog
from growbase.duplicates.scan import scan
from growbase.tables import Audit, DuplicatePair

from helpers import Api, log_in
from starter import make_order


@pytest.fixture
def twins(shop, service):
    """Two cards of Grace Smith (typed twice), one of John Doe, and Grace's orders, call
    and task on both cards."""
    first = service.create("customer", {"name": "Grace Smith", "phone": "+7 912 555-01-02",
                                        "city": "Kazan"})
    second = service.create("customer", {"name": "Smith  Grace", "email": "grace@example.com",
                                         "address": "Lenina 1"})
    other = service.create("customer", {"name": "John Doe", "phone": "+7 912 555-09-09"})
    orders = [make_order(service, second.id, amount="1500"), make_order(service, second.id),
              make_order(service, first.id, amount="700")]
    call = service.create("contact_log", {"customer": second.id, "channel": "call"})
    task = service.create("task", {"title": "Call Grace", "customer": second.id})
    return {"first": first.id, "second": second.id, "other": other.id,
            "orders": [o.id for o in orders], "call": call.id, "task": task.id}


def model(name):
    return catalog().entity(name).model


def test_names_alike_and_shared_keys_are_found_with_a_score_and_why(api, twins, service):
    service.create("customer", {"name": "Peter Brown", "email": "Grace@Example.com"})
    answer = api.get("/api/customer/duplicates?fresh=1").get_json()
    pairs = {(i["a"], i["b"]): i for i in answer["items"]}
    grace = pairs[(twins["first"], twins["second"])]
    assert grace["score"] == 1.0 and "Name alike: 100%" in grace["why"]
    shared = [i for i in answer["items"] if "same Email" in i["why"]]
    assert len(shared) == 1 and shared[0]["a"] == twins["second"]
    assert all(0 <= i["score"] <= 1 for i in answer["items"])
    assert not any(twins["other"] in (i["a"], i["b"]) for i in answer["items"])


def test_a_new_record_that_looks_like_one_says_so_and_joins_the_queue(api, twins):
    made = api.post("/api/customer", json={"name": "Grace Smyth", "phone": "+7 912 555-77-77"})
    assert made.status_code == 201
    alike = made.get_json()["possible_duplicates"]
    assert {a["id"] for a in alike} == {twins["first"], twins["second"]}
    assert alike[0]["title"].startswith("Grace") and 0.85 <= alike[0]["score"] < 1
    new = made.get_json()["id"]
    assert DuplicatePair.select().where((DuplicatePair.b == new) &
                                        (DuplicatePair.state == "open")).count() == 2
    plain = api.post("/api/customer", json={"name": "Zoe Quill"}).get_json()
    assert plain["possible_duplicates"] == []


def test_a_merge_moves_orders_calls_and_tasks_and_undoes_whole(api, twins):
    api.get("/api/customer/duplicates?fresh=1")
    merged = api.post("/api/customer/merge", json={
        "kept": twins["first"], "dropped": twins["second"], "choose": {"name": "dropped"}})
    assert merged.status_code == 200, merged.get_json()
    done = merged.get_json()
    assert done["moved"] == {"order": 2, "contact_log": 1, "task": 1}
    survivor = model("customer").get_by_id(twins["first"])
    assert (survivor.name, survivor.email, survivor.phone, survivor.city, survivor.address) == \
        ("Smith  Grace", "grace@example.com", "+79125550102", "Kazan", "Lenina 1")
    assert model("customer").get_or_none(model("customer").id == twins["second"]) is None
    assert {o.customer for o in model("order").select()} == {twins["first"]}
    assert survivor.orders_count == 3 and str(survivor.total_spent) == "2200.00"
    assert model("task").get_by_id(twins["task"]).customer == twins["first"]
    assert DuplicatePair.get((DuplicatePair.a == twins["first"]) &
                             (DuplicatePair.b == twins["second"])).state == "merged"
    history = api.get("/api/audit?limit=50").get_json()
    assert Audit.select().where(Audit.source == done["source"]).count() >= 5
    undone = api.post("/api/audit/paste/undo", json={"source": done["source"]})
    assert undone.status_code == 200, undone.get_json()
    assert undone.get_json()["restored"] == 1
    back = model("customer").get_by_id(twins["second"])
    assert back.email == "grace@example.com" and back.orders_count == 2
    survivor = model("customer").get_by_id(twins["first"])
    assert (survivor.name, survivor.email, survivor.orders_count) == ("Grace Smith", None, 1)
    assert model("contact_log").get_by_id(twins["call"]).customer == twins["second"]
    assert history is not None


def test_a_merge_is_refused_for_who_may_not_delete_and_for_one_record(app, twins, api):
    from growbase.auth import create_token
    from growbase.tables import User
    manager = Api(app.test_client(), create_token(User.get(username="anna"), "m"))
    refused = manager.post("/api/customer/merge", json={"kept": twins["first"],
                                                        "dropped": twins["second"]})
    assert refused.status_code == 403
    same = api.post("/api/customer/merge", json={"kept": twins["first"],
                                                 "dropped": twins["first"]})
    assert same.status_code == 422
    missing = api.post("/api/order/merge", json={"kept": twins["orders"][0], "dropped": 999999})
    assert missing.status_code == 404
    assert api.post("/api/customer/merge", json={"kept": "a", "dropped": 2}).status_code == 422
    assert model("customer").select().count() == 4


def test_a_dismissed_pair_is_not_offered_again_and_the_check_counts_the_rest(api, twins):
    items = api.get("/api/customer/duplicates?fresh=1").get_json()["items"]
    check = next(c for c in api.get("/api/quality").get_json()["checks"]
                 if c["key"] == "possible_duplicate")
    assert check["count"] == 2
    pair = items[0]["pair"]
    assert api.post(f"/api/customer/duplicates/{pair}/dismiss").status_code == 200
    assert api.get("/api/customer/duplicates?fresh=1").get_json()["items"] == []
    check = next(c for c in api.get("/api/quality").get_json()["checks"]
                 if c["key"] == "possible_duplicate")
    assert check["count"] == 0


def test_the_owner_merges_two_cards_in_the_merge_queue(client, twins):
    queue = client.get("/admin/duplicates/?entity=customer")
    assert queue.status_code == 200 and "Smith  Grace" not in queue.text  # nothing scanned yet
    csrf = queue.text.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/admin/duplicates/customer/scan", data={"csrf_token": csrf})
    pair = DuplicatePair.get(DuplicatePair.a == twins["first"])
    page = client.get(f"/admin/duplicates/customer/{pair.id}")
    assert "Grace Smith" in page.text and "Kazan" in page.text and "Lenina 1" in page.text
    done = client.post(f"/admin/duplicates/customer/{pair.id}/merge", follow_redirects=True,
                       data={"csrf_token": csrf, "kept": "a", "field:name": "a"})
    assert "Merged into #" in done.text
    assert {o.customer for o in model("order").select()} == {twins["first"]}
    assert model("customer").get_by_id(twins["first"]).name == "Grace Smith"


def test_staff_see_only_what_they_may_read(app, twins):
    from growbase.auth import create_user
    create_user("lara", "lara-password", role="logistics")
    page = app.test_client()
    log_in(page, "lara", "lara-password")
    assert page.get("/admin/duplicates/?entity=customer").status_code == 200
    scan_all = scan(catalog().entity("customer"))
    assert (twins["first"], twins["second"]) in scan_all


def test_a_row_typed_into_the_grid_says_what_it_looks_like(api, twins):
    saved = api.post("/api/customer/batch", json={"items": [{"data": {"name": "Grace Smitt"}}]})
    result = saved.get_json()["results"][0]
    assert result["status"] == "created"
    assert {d["id"] for d in result["possible_duplicates"]} == {twins["first"], twins["second"]}
