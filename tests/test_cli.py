"""`python run.py ...` as an owner or a script uses it, against the test database."""

import json

import pytest

from helpers import ROOT

pytestmark = pytest.mark.slow  # each test runs `python run.py` in processes of its own


def test_help_lists_the_commands(run):
    out = run("--help").stdout
    for command in ("serve", "worker", "user", "token", "schema", "automation", "import"):
        assert command in out


def test_schema_apply_export_history(run, tmp_path):
    first = run("schema", "apply", str(ROOT / "schemas")).stdout
    assert "create table for order" in first
    spec = json.loads((ROOT / "schemas" / "product.json").read_text())
    spec["fields"].append({"name": "weight_g", "type": "integer", "label": {"en": "Weight, g"}})
    path = tmp_path / "product.json"
    path.write_text(json.dumps(spec))
    planned = run("schema", "apply", str(path), "--dry-run").stdout
    assert "Dry run: nothing was changed" in planned and "add field weight_g" in planned
    assert run("schema", "history", "product").stdout.startswith("v1")
    assert "add field weight_g" in run("schema", "apply", str(path)).stdout
    history = run("schema", "history", "product").stdout.splitlines()
    assert history[0].startswith("v2") and history[1].startswith("v1")
    run("schema", "export", str(tmp_path / "out"))
    exported = json.loads((tmp_path / "out" / "product.json").read_text())
    assert exported["fields"][-1]["name"] == "weight_g"


def test_bad_definition_file_is_refused_with_reasons(run, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"entity": "x", "fields": [{"name": "a", "type": "nope"}]}))
    result = run("schema", "apply", str(path), ok=False)
    assert result.returncode == 2
    assert "$.fields[0].type" in result.stdout and "Unknown field type" in result.stdout


def test_user_and_token_create(run, app):
    run("schema", "apply", str(ROOT / "schemas"))
    assert "Created olga (manager)" in run("user", "create", "olga", "--role", "manager").stdout
    token = run("token", "create", "olga").stdout.strip().splitlines()[-1]
    response = app.test_client().get("/api/order", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    refused = run("user", "create", "bob", "--role", "wizard", ok=False)
    assert "Unknown role wizard" in refused.stderr


def test_a_change_from_another_process_is_seen_without_restart(run, api, tmp_path):
    assert api.get("/api/supplier").status_code == 404
    path = tmp_path / "supplier.json"
    path.write_text(json.dumps({"entity": "supplier", "fields": [{"name": "name", "type": "text"}]}))
    run("schema", "apply", str(path))
    created = api.post("/api/supplier", json={"name": "Чайная ферма"})
    assert created.status_code == 201


def test_user_password_sets_a_new_one(run, app):
    run("schema", "apply", str(ROOT / "schemas"))
    run("user", "create", "olga", "--role", "owner", "--password", "first-password")
    assert "New password for olga: second-password" in run(
        "user", "password", "olga", "--password", "second-password").stdout
    from helpers import log_in
    assert log_in(app.test_client(), "olga", "second-password").status_code == 302
    assert "at least 8" in run("user", "password", "olga", "--password", "short", ok=False).stderr


def test_removing_a_choice_records_hold_waits_for_yes(run, service, tmp_path):
    spec = json.loads((ROOT / "schemas" / "order.json").read_text())
    customer = service.create("customer", {"name": "Ivan", "phone": "89123456789"})
    service.create("order", {"customer": customer.id,
                             "status": "cancelled"})
    status = next(f for f in spec["fields"] if f["name"] == "status")
    status["options"] = [o for o in status["options"] if o["value"] != "cancelled"]
    path = tmp_path / "order.json"
    path.write_text(json.dumps(spec))
    refused = run("schema", "apply", str(path), ok=False)  # the checks still name it
    assert "$.checks[1].when.all[0].not_in: Status: cancelled is not one of the choices" in refused.stdout
    spec["checks"] = json.loads(json.dumps(spec["checks"]).replace(', "cancelled"', ""))
    path.write_text(json.dumps(spec))
    refused = run("schema", "apply", str(path), ok=False)
    assert refused.returncode != 0
    assert "remove choice cancelled of status: 1 records keep it" in refused.stdout
    assert "removed choices stay on their records" in refused.stderr
    assert "remove choice cancelled" in run("schema", "apply", str(path), "--yes").stdout
