"""My day (issue 20): a manager's tasks due today and overdue, logistics' orders to ship and
deliver today, as cards with tap-to-call links and buttons that move the stage — only to
stages the role may set, never over a colleague's newer change."""

import re
from datetime import timedelta

import pytest

from growbase.catalog import catalog
from growbase.dashboards.store import apply_dashboards
from growbase.designer.store import load_files
from growbase.reports.store import apply_reports
from growbase.tables import User, utcnow
from helpers import ROOT, csrf_token, log_in


@pytest.fixture
def day(shop, service):
    apply_reports(load_files(ROOT / "reports"))
    apply_dashboards(load_files(ROOT / "dashboards"))
    anna = User.get(username="anna").id
    now = utcnow().replace(hour=10, microsecond=0)
    tasks = {title: service.create("task", {"title": title, "due": due, "assignee": who,
                                            "state": "open"}).id
             for title, due, who in (("Call Ivan back", now - timedelta(days=1), anna),
                                     ("Send the proposal", now + timedelta(days=3), anna),
                                     ("Someone else's", now, None))}
    orders = {}
    for name, status, due, courier in (("ready", "ready_to_ship", 0, None),
                                       ("out", "shipping", 0, "own"),
                                       ("later", "ready_to_ship", 5, "cdek")):
        made = service.create("order", {"customer": shop.id, "phone": "+79123456789",
                                        "deliver_by": (now + timedelta(days=due)).date(),
                                        "courier": courier})
        service.update("order", made.id, {"status": "confirmed"})
        service.update("order", made.id, {"status": status})
        orders[name] = made.id
    return {"tasks": tasks, "orders": orders}


def signed_in(app, username):
    person = app.test_client()
    log_in(person, username, f"{username}-password")
    return person


def cards(html):
    """{record id: the card's markup (up to the next card)}."""
    parts = re.split(r'id="gb-card-(\d+)"', html)
    return {int(parts[i]): parts[i + 1] for i in range(1, len(parts), 2)}


def test_a_manager_sees_her_tasks_due_today_and_overdue_and_ticks_one_done(app, day):
    anna = signed_in(app, "anna")
    html = anna.get("/admin/today/").get_data(as_text=True)
    assert "My tasks today and overdue" in html and "My tasks ahead" not in html
    assert "Call Ivan back" in html and "Overdue" in html
    assert "Send the proposal" not in html and "Someone else" not in html
    done = day["tasks"]["Call Ivan back"]
    card = cards(html)[done]
    assert 'value="done"' in card and "→ Done" in card
    answer = anna.post("/admin/today/move", data={
        "csrf_token": csrf_token(html), "entity": "task", "id": done, "stage": "done",
        "version": re.search(r'name="version" value="(\d+)"', card).group(1)})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"#gb-card-{done}")
    assert catalog().entity("task").model.get_by_id(done).state == "done"
    after = anna.get("/admin/today/").get_data(as_text=True)
    assert "Call Ivan back" not in after and "Nothing here: all clear." in after


def test_logistics_sees_todays_shipments_and_deliveries_with_a_number_to_call(app, day):
    lena = signed_in(app, "lena")
    html = lena.get("/admin/today/").get_data(as_text=True)
    assert "To ship today" in html and "Out for delivery today" in html
    assert "Deliveries this week" not in html  # (not a list for today)
    found = cards(html)
    assert day["orders"]["ready"] in found and day["orders"]["out"] in found
    assert day["orders"]["later"] not in found
    assert 'href="tel:+79123456789"' in html
    # only the stages logistics may set are offered: not "cancelled", not back to "new"
    ready = found[day["orders"]["ready"]]
    assert 'value="shipping"' in ready and 'value="cancelled"' not in ready
    assert 'value="new"' not in ready


def test_a_move_that_cannot_be_made_is_refused_in_words(app, day):
    lena = signed_in(app, "lena")
    html = lena.get("/admin/today/").get_data(as_text=True)
    order = day["orders"]["ready"]

    def move(stage, **more):
        answer = lena.post("/admin/today/move", data=dict({
            "csrf_token": csrf_token(html), "entity": "order", "id": order, "stage": stage},
            **more), follow_redirects=True)
        return answer.get_data(as_text=True)

    def status():
        return catalog().entity("order").model.get_by_id(order).status

    assert "Status:" in move("cancelled")  # not a stage logistics may set (a crafted form)
    assert status() == "ready_to_ship"
    # shipping needs a courier first: the card asks for it, with its choices, then moves
    asked = cards(move("shipping"))[order]
    assert status() == "ready_to_ship"
    assert "Fill this in" in asked and 'name="set:courier"' in asked
    assert ">Own courier</option>" in asked and 'name="stage" value="shipping"' in asked
    assert cards(move("shipping", **{"set:courier": "nobody"}))[order].count("set:courier") == 1
    assert status() == "ready_to_ship"  # (a courier that is not one is asked again)
    move("shipping", **{"set:courier": "own"})
    assert status() == "shipping"
    assert catalog().entity("order").model.get_by_id(order).courier == "own"


def test_a_move_from_an_old_page_does_not_overwrite_a_colleague(app, day, service):
    lena = signed_in(app, "lena")
    html = lena.get("/admin/today/").get_data(as_text=True)
    order = day["orders"]["out"]
    version = re.search(r'name="version" value="(\d+)"', cards(html)[order]).group(1)
    service.update("order", order, {"status": "delivered"})  # a colleague, meanwhile
    answer = lena.post("/admin/today/move", data={
        "csrf_token": csrf_token(html), "entity": "order", "id": order,
        "stage": "ready_to_ship", "version": version}, follow_redirects=True)
    assert catalog().entity("order").model.get_by_id(order).status == "delivered"
    assert "Someone else changed this record" in answer.get_data(as_text=True)


def test_my_day_speaks_russian_and_needs_a_login(app, day):
    lena = signed_in(app, "lena")
    lena.post("/language/ru", data={"csrf_token": csrf_token(
        lena.get("/admin/").get_data(as_text=True))})
    html = lena.get("/admin/today/").get_data(as_text=True)
    assert "Мой день" in html and "Отгрузить сегодня" in html and "→ В доставке" in html
    stranger = app.test_client()
    assert stranger.get("/admin/today/").status_code in (302, 401)
    refused = stranger.post("/admin/today/move", data={"entity": "order", "id": 1,
                                                       "stage": "shipping"})
    assert refused.status_code in (302, 400, 401)


def test_only_a_date_people_set_makes_a_card_overdue(app, day, owner):
    """The owner's "stuck" list is sorted by when the order entered its stage: long ago, but
    not overdue — that stamp is the system's, not a date someone promised."""
    model = catalog().entity("order").model
    stuck = day["orders"]["later"]
    model.update(status_since=utcnow() - timedelta(days=9)).where(model.id == stuck).execute()
    html = signed_in(app, "owner").get("/admin/today/").get_data(as_text=True)
    assert "Orders stuck over 7 days" in html and stuck in cards(html)
    assert "Overdue" not in html
