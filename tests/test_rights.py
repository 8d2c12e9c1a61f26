"""The owner changes who may do what in the browser; a bad rule is refused and nothing
changes; nobody else may."""

from growbase.auth import create_token
from growbase.catalog import catalog
from growbase.tables import Audit, User
from helpers import Api, csrf_token, log_in


def form_of(client, entity, rules):
    """What the page's form sends for these rules."""
    data = {"csrf_token": csrf_token(client.get(f"/admin/permissions/{entity}/").get_data(
        as_text=True)), "restricted": "1"}
    for role, rule in rules.items():
        data.update({f"{role}.can.{a}": "1" for a in rule.get("can", [])})
        data[f"{role}.rows"] = rule.get("rows", "")
        data.update({f"{role}.field.{f}": v for f, v in rule.get("fields", {}).items()})
    return data


def test_the_owner_lets_managers_export_orders(app, client, shop):
    anna = Api(app.test_client(), create_token(User.get(username="anna"), "t"))
    assert anna.post("/api/order/export", json={}).status_code == 403
    page = client.get("/admin/permissions/order/").get_data(as_text=True)
    assert 'name="manager.can.import" value="1" checked' in page
    rules = {"manager": {"can": ["read", "create", "update", "import", "export"],
                         "rows": '{"field": "manager", "eq": {"me": true}}'},
             "logistics": {"can": ["read"], "fields": {"amount": "hidden"}},
             "accountant": {"can": ["read", "export"]}}
    done = client.post("/admin/permissions/order/", data=form_of(client, "order", rules),
                       follow_redirects=True)
    assert "Saved" in done.get_data(as_text=True)
    assert anna.post("/api/order/export", json={}).status_code == 202
    saved = catalog().entity("order").spec["permissions"]
    assert saved["logistics"] == {"can": ["read"], "fields": {"amount": "hidden"}}
    logged = Audit.select().where(Audit.action == "rights").order_by(Audit.id.desc()).get()
    assert logged.username == "owner" and logged.entity == "order"


def test_a_broken_rule_saves_nothing(client, shop):
    version = catalog().entity("order").version
    rules = {"manager": {"can": ["read"], "rows": '{"field": "nope", "eq": 1}'},
             "logistics": {"can": ["read"], "rows": "{oops"}}
    for role in ("manager", "logistics"):
        sent = form_of(client, "order", {role: rules[role]})
        page = client.post("/admin/permissions/order/", data=sent).get_data(as_text=True)
        assert "Nothing was saved" in page
    assert catalog().entity("order").version == version


def test_opening_an_entity_to_every_role(app, client, shop):
    data = {"csrf_token": csrf_token(client.get("/admin/permissions/product/").get_data(
        as_text=True))}
    client.post("/admin/permissions/product/", data=data)
    assert "permissions" not in catalog().entity("product").spec
    lena = Api(app.test_client(), create_token(User.get(username="lena"), "t"))
    assert lena.post("/api/product/export", json={}).status_code == 202


def test_only_the_owner_changes_permissions(app, shop):
    manager = app.test_client()
    log_in(manager, "anna", "anna-password")
    assert manager.get("/admin/permissions/").status_code == 404
    assert manager.post("/admin/permissions/order/", data={}).status_code in (400, 404)
