"""Each demo role through each entry point: what it may see and do, and what is refused.

The rules are the starter definitions' (schemas/*.json): managers work on their own and
unassigned orders and may not export; logistics sees confirmed-and-later orders without
their amount and may move them only to its stages; accountants read and export.
"""

import io
import json

import pytest
from growbase.auth import create_token, create_user
from growbase.tables import User
from helpers import ROOT, Api, csrf_token, log_in, run_queued_jobs, xlsx_bytes
from openpyxl import load_workbook
from starter import make_order

ROLES = ("owner", "anna", "lena", "vera")  # owner, manager, logistics, accountant


@pytest.fixture
def world(app, shop, service, owner):
    """Three orders (Anna's, Boris's, nobody's), a product, and an API client per person."""
    boris = create_user("boris", "boris-password", role="manager")
    create_user("vera", "vera-password", role="accountant")
    anna = User.get(username="anna")
    orders = {name: make_order(service, shop.id, **values).id for name, values in (
        ("anna", {"manager": anna.id, "status": "confirmed", "amount": "100"}),
        ("boris", {"manager": boris.id, "status": "new", "amount": "200"}),
        ("free", {"status": "new", "amount": "300"}))}  # ORD-00001, 2, 3
    service.create("product", {"sku": "TEA-0001", "name": "Sencha", "price": "700",
                               "purchase_price": "350"})
    clients = {name: Api(app.test_client(), create_token(User.get(username=name), "t"))
               for name in ROLES}
    return {"orders": orders, "api": clients, "app": app}


def numbers(response):
    return sorted(o["number"] for o in response.get_json()["items"])


LISTS = [  # who: (orders listed, is the amount shown)
    ("owner", ["ORD-00001", "ORD-00002", "ORD-00003"], True),
    ("anna", ["ORD-00001", "ORD-00003"], True),
    ("lena", ["ORD-00001"], False),
    ("vera", ["ORD-00001", "ORD-00002", "ORD-00003"], True),
]


@pytest.mark.parametrize(("who", "listed", "amount"), LISTS)
def test_list_grid_groups_and_changes_show_only_what_the_role_may_see(world, who, listed, amount):
    api = world["api"][who]
    response = api.get("/api/order?sort=number")
    assert numbers(response) == listed
    assert all(("amount" in o) == amount for o in response.get_json()["items"])
    fields = {e["name"]: [f["name"] for f in e["fields"]] for e in api.get("/api").get_json()[
        "entities"]}
    assert ("amount" in fields["order"]) == amount
    groups = api.get("/api/order/groups?by=status").get_json()
    assert sum(g["count"] for g in groups["groups"]) == len(listed)
    assert ("amount" in groups["summed"]) == amount
    ids = ",".join(str(i) for i in world["orders"].values())
    cursor = api.get("/api/order/changes").get_json()["cursor"]
    for order_id in world["orders"].values():  # everyone's orders change ...
        api_owner = world["api"]["owner"]
        api_owner.patch(f"/api/order/{order_id}", json={"comment": "touched"})
    seen = api.get(f"/api/order/changes?after={cursor - 3}&ids={ids}").get_json()["records"]
    assert sorted(r["number"] for r in seen) == listed  # ... each sees only its own
    hidden_filter = json.dumps({"field": "amount", "gt": 0})
    by_amount = api.get(f"/api/order?filter={hidden_filter}")
    assert by_amount.status_code == (200 if amount else 400)
    assert api.get("/api/order?sort=-amount").status_code == (200 if amount else 400)


GETS = [("owner", 200), ("anna", 404), ("lena", 404), ("vera", 200)]


@pytest.mark.parametrize(("who", "status"), GETS)
def test_a_record_outside_the_rows_is_not_there(world, who, status):
    api, boris_order = world["api"][who], world["orders"]["boris"]
    assert api.get(f"/api/order/{boris_order}").status_code == status
    if status == 404:
        assert api.patch(f"/api/order/{boris_order}", json={"comment": "x"}).status_code in (
            403, 404)
        batch = api.post("/api/order/batch", json={"items": [
            {"id": boris_order, "data": {"comment": "x"}}]}).get_json()["results"][0]
        assert batch["status"] == "rejected"
        assert world["api"]["owner"].get(f"/api/order/{boris_order}").get_json()["comment"] is None


WRITES = [  # who: create, update a visible order's tracking, delete
    ("owner", 201, 200, 204),
    ("anna", 201, 200, 403),
    ("lena", 403, 200, 403),
    ("vera", 403, 403, 403),
]


@pytest.mark.parametrize(("who", "create", "update", "delete"), WRITES)
def test_create_update_delete_per_role(world, shop, who, create, update, delete):
    api, order = world["api"][who], world["orders"]["anna"]
    created = api.post("/api/order", json={"customer": shop.id})
    assert created.status_code == create, created.get_json()
    assert api.patch(f"/api/order/{order}", json={"tracking": "T-1"}).status_code == update
    assert api.delete(f"/api/order/{order}").status_code == delete
    if delete == 403:
        assert "ask the owner" in api.delete(f"/api/order/{order}").get_json()["errors"][
            "_record"]


def test_fields_the_role_may_not_change(world):
    lena, order = world["api"]["lena"], world["orders"]["anna"]
    hidden = lena.patch(f"/api/order/{order}", json={"amount": "1"})
    assert hidden.status_code == 422
    assert "There is no field" in hidden.get_json()["errors"]["amount"]
    locked = lena.patch(f"/api/order/{order}", json={"number": "ORD-00077"})
    assert "given by growbase" in locked.get_json()["errors"]["number"]
    back = lena.patch(f"/api/order/{order}", json={"status": "new"})
    assert "only to: Awaiting supply, Ready to ship, Shipping, Delivered" in back.get_json()[
        "errors"]["status"]
    ok = lena.patch(f"/api/order/{order}", json={"status": "shipping", "courier": "cdek"})
    assert ok.status_code == 200 and ok.get_json()["status"] == "shipping"
    owner_view = world["api"]["owner"].get(f"/api/order/{order}").get_json()
    assert owner_view["number"] == "ORD-00001" and owner_view["amount"] == "100.00"


def test_a_manager_may_not_give_an_order_to_someone_else(world, shop):
    anna = world["api"]["anna"]
    boris = User.get(username="boris").id
    response = anna.post("/api/order", json={"customer": shop.id,
                                             "manager": boris})
    assert response.status_code == 422 and "your role" in response.get_json()["errors"][
        "_record"]
    order = world["orders"]["anna"]
    moved = anna.patch(f"/api/order/{order}", json={"manager": boris})
    assert moved.status_code == 422
    assert world["api"]["owner"].get(f"/api/order/{order}").get_json()["manager"]["title"] == "Анна"


EXPORTS = [("owner", "order", 202), ("anna", "order", 403), ("anna", "customer", 403),
           ("lena", "order", 403), ("vera", "order", 202), ("vera", "customer", 202)]


@pytest.mark.parametrize(("who", "entity", "status"), EXPORTS)
def test_exports_only_for_roles_allowed_them(world, who, entity, status):
    response = world["api"][who].post(f"/api/{entity}/export", json={"format": "csv"})
    assert response.status_code == status, response.get_json()


IMPORTS = [("owner", 202), ("anna", 202), ("lena", 403), ("vera", 403)]


@pytest.mark.parametrize(("who", "status"), IMPORTS)
def test_imports_only_for_roles_allowed_them(world, who, status):
    api = world["api"][who]
    sheet = xlsx_bytes([["Number", "Customer"], ["ORD-00050", "Иван Петров"]])
    response = api.client.post("/api/order/import", headers=api.headers,
                               data={"file": (sheet, "orders.xlsx")})
    assert response.status_code == status, response.get_json()


def test_an_export_in_the_worker_works_as_the_user_who_asked(world):
    """The job runs later, in the worker, but with the rights of who started it."""
    from growbase.designer.store import apply_definitions
    spec = json.loads((ROOT / "schemas" / "product.json").read_text())
    spec["permissions"]["accountant"]["fields"] = {"purchase_price": "hidden"}
    apply_definitions([spec], author="test")
    vera = world["api"]["vera"]
    job = vera.post("/api/product/export", json={}).get_json()
    run_queued_jobs()
    data = vera.get(f"/api/jobs/{job['id']}/file").data
    header = [cell.value for cell in load_workbook(io.BytesIO(data)).active[1]]
    assert "Price" in header and "Purchase price" not in header


def test_hidden_fields_stay_hidden_in_product_lists(world):
    for who, shown in (("owner", True), ("anna", False), ("lena", False), ("vera", True)):
        item = world["api"][who].get("/api/product").get_json()["items"][0]
        assert ("purchase_price" in item) == shown, who


@pytest.mark.parametrize("who", ["anna", "lena"])
def test_admin_pages_follow_the_same_rules(world, who):
    client = world["app"].test_client()
    assert log_in(client, who, f"{who}-password").status_code == 302
    page = client.get("/admin/records/order/").get_data(as_text=True)
    assert "ORD-00001" in page and "ORD-00002" not in page
    assert ("Amount" in page) == (who == "anna")
    assert ("Export what is shown" in page) is False
    other = client.get(f"/admin/records/order/edit/?id={world['orders']['boris']}")
    assert other.status_code == 302  # "record does not exist": back to the list
    if who == "lena":
        form = client.get(f"/admin/records/order/edit/?id={world['orders']['anna']}").get_data(
            as_text=True)
        assert 'name="amount"' not in form and 'name="tracking"' in form
        token = csrf_token(form)
        client.post(f"/admin/records/order/edit/?id={world['orders']['anna']}", data={
            "csrf_token": token, "tracking": "T-9", "gb_version": "1"})
        saved = world["api"]["owner"].get(f"/api/order/{world['orders']['anna']}").get_json()
        assert saved["tracking"] == "T-9" and saved["number"] == "ORD-00001"
        assert client.get("/admin/records/order/new/").status_code == 302


def test_a_change_of_permissions_is_on_record(world):
    from growbase.designer.store import apply_definitions
    from growbase.tables import Audit
    spec = json.loads((ROOT / "schemas" / "product.json").read_text())
    spec["permissions"]["manager"]["can"] = ["read", "export"]
    apply_definitions([spec], author="owner")
    logged = (Audit.select().where((Audit.action == "rights") & (Audit.entity == "product"))
              .order_by(Audit.id.desc()).get())
    before, after = logged.changes["permissions"]
    assert before["manager"]["can"] == ["read"] and after["manager"]["can"] == ["read", "export"]
    assert logged.username == "owner"
    assert world["api"]["anna"].post("/api/product/export", json={}).status_code == 202


def test_a_link_to_a_record_the_role_may_not_see_says_so_without_its_title(world, shop):
    """Not its internal number either: "#7" says nothing to a person (the API keeps the id)."""
    from growbase.designer.store import apply_definitions
    spec = json.loads((ROOT / "schemas" / "customer.json").read_text())
    spec["permissions"]["manager"]["rows"] = {"field": "city", "eq": "Москва"}
    spec["permissions"]["logistics"]["fields"] = {"name": "hidden"}
    apply_definitions([spec], author="test")
    order = world["orders"]["anna"]
    for who, title in (("anna", "(not available)"), ("lena", "(no title)")):
        shown = world["api"][who].get(f"/api/order/{order}").get_json()["customer"]
        assert shown == {"id": shop.id, "title": title}, who
    owner = world["api"]["owner"].get(f"/api/order/{order}").get_json()["customer"]
    assert owner["title"] == "Иван Петров"


def test_records_of_my_branch(app, world, shop, service):
    """A rows rule may ask for the acting user's branch: {"my": "branch"}."""
    from growbase.accounts import set_branch
    from growbase.designer.store import apply_definitions
    spec = json.loads((ROOT / "schemas" / "order.json").read_text())
    spec["fields"].append({"id": "f12", "name": "branch", "type": "choice",
                           "options": ["north", "south"]})
    spec["permissions"]["manager"]["rows"] = {"field": "branch", "eq": {"my": "branch"}}
    apply_definitions([spec], author="test")
    set_branch(User.get(username="anna"), "north")
    set_branch(User.get(username="boris"), "south")
    for branch in ("north", "south"):  # ORD-00004, ORD-00005
        service.create("order", {"customer": shop.id, "branch": branch})
    boris = Api(app.test_client(), create_token(User.get(username="boris"), "t"))
    assert numbers(world["api"]["anna"].get("/api/order")) == ["ORD-00004"]
    assert numbers(boris.get("/api/order")) == ["ORD-00005"]
    moved = world["api"]["anna"].post("/api/order", json={
        "customer": shop.id, "branch": "south"})
    assert moved.status_code == 422  # not into another branch either
    spec["permissions"]["manager"]["rows"] = {"field": "branch", "eq": {"my": "city"}}
    with pytest.raises(Exception, match="known of a user"):
        apply_definitions([spec], author="test")


def test_no_door_tells_logistics_a_hidden_value(world, shop):
    """Conflicts, refusals, counts, lookups and templates carry record values too: as
    logistics (amount and purchase price hidden), no reply holds either value."""
    from growbase.designer.store import apply_definitions
    spec = json.loads((ROOT / "schemas" / "order.json").read_text())
    spec["permissions"]["logistics"]["can"].append("delete")  # to reach the delete conflict
    apply_definitions([spec], author="test")
    owner, lena = world["api"]["owner"], world["api"]["lena"]
    order = world["orders"]["anna"]
    version = lena.get(f"/api/order/{order}").get_json()["_version"]
    line = owner.get(f"/api/order_line?order={order}").get_json()["items"][0]
    owner.patch(f"/api/order_line/{line['id']}", json={"unit_price": "98765.43"})  # the total
    owner.patch(f"/api/order/{order}", json={"comment": "seen by all"})
    product = owner.get("/api/product").get_json()["items"][0]
    owner.patch(f"/api/product/{product['id']}", json={"purchase_price": "35791"})
    cursor = lena.get("/api/order/changes").get_json()["cursor"]
    owner.post("/api/order", json={"customer": shop.id})  # lena's? no
    owner.post("/api/order", json={"customer": shop.id,
                                   "status": "confirmed"})  # lena's: confirmed
    replies = [
        lena.patch(f"/api/order/{order}", json={"amount": "1", "_version": version}),
        lena.patch(f"/api/order/{order}", json={"comment": "mine", "_version": version}),
        lena.post("/api/order/batch", json={"items": [
            {"id": order, "_version": version, "data": {"amount": "1", "comment": "x"}}]}),
        lena.delete(f"/api/order/{order}?_version=0"),
        lena.post("/api/order/delete", json={"items": [{"id": order, "_version": 0}]}),
        lena.get(f"/api/order/changes?after={cursor}&ids={order}"),
        lena.get(f"/api/order/{order}"),
        lena.get("/api/order/groups?by=status"),
        lena.get("/api/order/lookup/customer?q=Иван"),
        lena.get("/api/product"),
        lena.get(f"/api/product/{product['id']}"),
        lena.get(f"/api/order_line?order={order}"),  # the lines' prices and amounts
        lena.get(f"/api/customer/{shop.id}"),  # what the customer spent, summed from amounts
        lena.patch(f"/api/product/{product['id']}", json={"purchase_price": "1",
                                                          "_version": 0}),
    ]
    for reply in replies:
        text = reply.get_data(as_text=True)
        assert "98765" not in text and "98 765" not in text and "35791" not in text, text
    conflict = replies[1].get_json()
    assert replies[1].status_code == 409 and conflict["conflict"]["comment"]["theirs"] == \
        "seen by all" and "amount" not in conflict["conflict"]
    assert replies[3].status_code == 409 and "amount" not in replies[3].get_json()["conflict"]
    assert replies[5].get_json()["created"] == 1  # ORD-00012 only: the new one is not lena's
    client = world["app"].test_client()
    log_in(client, "anna", "anna-password")  # a manager may import orders, product price hidden
    template = load_workbook(io.BytesIO(client.get("/admin/transfer/template/product").data))
    labels = [c.value for c in next(template.worksheets[0].iter_rows(max_row=1))]
    assert "Name" in labels and "Purchase price" not in labels
