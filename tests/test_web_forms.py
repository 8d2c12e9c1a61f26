"""Web forms: a page anyone fills in (no login), with the fields' masks, a consent box,
a hidden field robots fill, a limit per address; sent twice it makes one record; what
it sends is taken like a website's JSON (the customer found by phone, or made)."""

import re

import pytest

from growbase.catalog import catalog
from growbase.designer.store import load_files
from growbase.intake.store import apply_intakes
from growbase.tables import IntakeEntry, Notification

from helpers import ROOT, run_pending


@pytest.fixture
def form(shop, app):
    from growbase.automation.rules import apply_rules
    apply_intakes(load_files(ROOT / "intake"))
    apply_rules(load_files(ROOT / "automations"))
    return app.test_client()


def model(name):
    return catalog().entity(name).model


def submission(page):
    return re.search(r'name="submission" value="(\w+)"', page.text).group(1)


def filled(page, **values):
    data = {"submission": submission(page), "name": "Grace Smith", "phone": "8 912 555 01 02",
            "question": "Do you deliver to Kazan?", "consent": "1"}
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def test_a_visitor_asks_for_a_call_back_and_the_team_hears(form):
    page = form.get("/f/callback?lang=ru")
    assert page.status_code == 200 and "Заказать обратный звонок" in page.text
    assert 'data-mask="+{7} (000) 000-00-00"' in page.text and 'name="consent"' in page.text
    assert "frame-ancestors *" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    sent = form.post("/f/callback?lang=ru", data=filled(page))
    assert sent.status_code == 200 and "Спасибо! Мы скоро вам перезвоним." in sent.text
    task = model("task").get()
    customer = model("customer").get_by_id(task.customer)
    assert (customer.name, customer.phone, customer.source) == ("Grace Smith", "+79125550102",
                                                                 "website")
    assert task.kind == "call" and task.details == "Do you deliver to Kazan?"
    assert task.title.startswith("Перезвонить: Grace Smith")
    assert IntakeEntry.get().payload["consent"] is True
    run_pending()
    assert Notification.select().where(Notification.text.contains("Grace Smith")).exists()


def test_sent_twice_it_makes_one_record(form):
    page = form.get("/f/callback")
    data = filled(page)
    assert "Thank you" in form.post("/f/callback", data=data).text
    assert "Thank you" in form.post("/f/callback", data=data).text
    assert model("task").select().count() == 1


def test_a_known_phone_finds_the_customer(form, shop):
    page = form.get("/f/callback")
    form.post("/f/callback", data=filled(page, name="Ivan", phone="+7 (912) 345-67-89"))
    assert model("task").get().customer == shop.id
    assert model("customer").select().count() == 1


@pytest.mark.parametrize("values, field, words", [
    ({"name": ""}, "name", "Fill this in."),
    ({"consent": None}, "consent", "Tick the box"),
    ({"phone": "12"}, "phone", "not a phone number"),
])
def test_what_is_missing_or_wrong_is_said_beside_it_and_nothing_is_made(form, values, field,
                                                                          words):
    page = form.get("/f/callback")
    sent = form.post("/f/callback", data=filled(page, **values))
    assert sent.status_code == 422 and words in sent.text
    assert "Grace Smith" in sent.text or values.get("name") == ""  # what was typed stays
    assert model("task").select().count() == 0 and IntakeEntry.select().count() == 0


def test_a_robot_is_thanked_and_ignored_and_a_flood_is_slowed(form):
    page = form.get("/f/callback")
    robot = form.post("/f/callback", data=filled(page, website_url="http://spam.example"))
    assert robot.status_code == 200 and "Thank you" in robot.text
    assert model("task").select().count() == 0
    for n in range(10):
        form.post("/f/callback", data=filled(form.get("/f/callback"), phone=f"+7912000{n:04d}"))
    flood = form.post("/f/callback", data=filled(form.get("/f/callback"), phone="+79121110000"))
    assert flood.status_code == 429 and "try again in a few minutes" in flood.text
    assert model("task").select().count() == 10


def test_only_intakes_with_a_form_have_a_page(form):
    assert form.get("/f/shop_order").status_code == 404
    assert form.get("/f/nope").status_code == 404


def test_a_form_may_ask_only_what_its_intake_reads(store):
    from growbase.definitions import DefinitionError
    spec = load_files(ROOT / "intake" / "callback.json")[0]
    spec["form"]["fields"].append("address")
    with pytest.raises(DefinitionError) as refused:
        apply_intakes([spec])
    assert "$.form.fields[4]" in str(refused.value) and "address" in str(refused.value)


def test_the_owner_finds_the_form_address_and_the_snippet(client, form):
    page = client.get("/admin/intake/callback")
    assert "http://localhost/f/callback" in page.text and "&lt;iframe src=" in page.text
    assert "Web form" not in client.get("/admin/intake/shop_order").text
