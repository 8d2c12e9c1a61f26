"""The real thing: `python run.py` with its worker process, on SqliteHuey and on Redis."""

import time

import pytest
import requests

from helpers import Receiver, Server, wait_for

pytestmark = pytest.mark.slow  # worker and server processes of its own


@pytest.fixture
def gateway():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture(params=["sqlite", "redis"])
def shop(request, tmp_path, gateway):
    """The product with its worker; SMS go to a Twilio-like gateway on 127.0.0.1."""
    server = Server(data=tmp_path)
    server.env.update(GROWBASE_SMS_GATEWAY="twilio", GROWBASE_SMS_URL=gateway.url,
                      GROWBASE_SMS_LOGIN="AC1", GROWBASE_SMS_PASSWORD="t",
                      GROWBASE_SMS_FROM="+15005550006")
    if request.param == "redis":
        import redis
        redis.Redis.from_url("redis://127.0.0.1:6379/13").flushdb()
        server.env["HUEY_URL"] = "redis://127.0.0.1:6379/13"
    server.start(until=lambda health: health.get("worker") == "ok")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {server.token('olga')}"
    yield server, session
    server.stop()


def test_confirming_an_order_texts_the_customer_within_a_second(shop, gateway):
    server, api = shop
    customer = api.post(server.base + "/api/customer",
                        json={"name": "Иван", "phone": "+79123456789"}).json()
    order = api.post(server.base + "/api/order",
                     json={"customer": customer["id"]}).json()
    saved = time.time()
    assert api.patch(f"{server.base}/api/order/{order['id']}",
                     json={"status": "confirmed", "_version": 1}).status_code == 200
    sms = wait_for(lambda: api.get(server.base + "/api/outbox?rule=order_confirmed").json()["items"])
    assert time.time() - saved < 1.0, "the SMS took more than a second to reach the outbox"
    assert sms[0]["recipient"] == "+79123456789" and "ORD-00001" in sms[0]["body"]
    runs = wait_for(lambda: [r for r in api.get(server.base + "/api/automation-runs").json()["items"]
                             if r["rule"] == "order_confirmed" and r["status"] == "done"])
    assert [a["action"] for a in runs[0]["actions"]] == ["send_sms", "create_task"]
    tasks = api.get(server.base + "/api/task").json()["items"]
    assert tasks[0]["title"] == "Check stock for ORD-00001"
    wait_for(lambda: len(gateway.requests) == 2)  # "received" on creation, then "confirmed"
    bodies = sorted(gateway.form(i)["Body"] for i in range(2))
    assert "ORD-00001 подтверждён" in bodies[0] and "ORD-00001 получен" in bodies[1]
    sent = wait_for(lambda: [m for m in api.get(server.base + "/api/outbox?status=sent").json()
                             ["items"] if m["rule"] == "order_confirmed"])
    assert sent[0]["attempts"] == 1


def test_a_rule_added_while_running_fires_on_the_next_change(shop):
    server, api = shop
    server.run("automation", "apply", str(write_rule(server.data)))
    customer = api.post(server.base + "/api/customer",
                        json={"name": "Иван", "phone": "+79123456789"}).json()
    api.patch(f"{server.base}/api/customer/{customer['id']}", json={"city": "Казань"})
    mail = wait_for(lambda: api.get(server.base + "/api/outbox?channel=email").json()["items"])
    assert mail[0]["recipient"] == "crm@example.com" and mail[0]["body"] == "Иван moved to Казань"


def write_rule(folder):
    import json
    path = folder / "moved.json"
    path.write_text(json.dumps({
        "key": "customer_moved", "name": "Customer moved", "entity": "customer",
        "when": {"field_changed": {"field": "city"}},
        "then": [{"send_email": {"to": "crm@example.com", "subject": "Moved",
                                 "text": "{{ record.name }} moved to {{ record.city }}"}}]}))
    return path
