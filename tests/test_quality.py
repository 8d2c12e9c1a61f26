"""Data-quality checks: each entity's checks counted over the rows the caller may see, a
score of the records with no critical problem, worklists a fix makes shorter at once,
each person's own problems, the day's figures kept for the trend, and the worklists in
a workbook; a wrong check is refused at apply with its place and the fix."""

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from growbase.automation.clock import tick
from growbase.catalog import catalog
from growbase.dashboards.store import apply_dashboards
from growbase.definitions import DefinitionError
from growbase.designer.store import apply_definitions, load_files
from growbase.quality.trend import keep_today
from growbase.reports.store import apply_reports
from growbase.tables import Notification, QualityDay, User, utcnow
from helpers import ROOT, run_pending
from test_automation_clock import MONDAY
from test_dashboards import as_user, widget_of
from test_designer import field, messages, order_spec, save  # noqa: F401 (a fixture)


def check_of(answer, key):
    return next(c for c in answer["checks"] if c["key"] == key)


@pytest.fixture
def work(shop, service):
    anna = User.get(username="anna").id
    yesterday = utcnow() - timedelta(days=1)
    late = service.create("task", {"title": "Call back", "due": yesterday, "assignee": anna})
    stray = service.create("task", {"title": "Nobody's", "due": yesterday})
    service.create("task", {"title": "Later", "due": utcnow() + timedelta(days=2),
                            "assignee": anna})
    hers = service.create("order", {"customer": shop.id, "manager": anna})
    service.update("order", hers.id, {"status": "confirmed"})
    others = service.create("order", {"customer": shop.id, "manager": None})
    service.update("order", others.id, {"status": "confirmed"})
    return {"anna": anna, "late": late, "stray": stray, "hers": hers, "others": others}


def test_the_owner_sees_every_check_counted_with_the_score(work, api):
    answer = api.get("/api/quality").get_json()
    assert {"score", "checks"} <= set(answer)
    overdue = check_of(answer, "overdue")
    assert overdue["entity"] == "task" and overdue["criticality"] == "critical"
    assert overdue["count"] == 2 and overdue["label"] == "Overdue task"
    assert check_of(answer, "no_assignee")["count"] == 1
    assert check_of(answer, "in_work_without_task")["count"] == 2
    assert check_of(answer, "no_city")["count"] == 1  # the starter shop's customer
    # 3 tasks + 2 orders + 1 customer; the two overdue tasks are critical
    assert answer["records"] == 6 and answer["score"] == pytest.approx(66.7)
    assert answer["levels"]["critical"] == 2 and answer["levels"]["warning"] == 4
    assert [c["criticality"] for c in answer["checks"]] == sorted(
        (c["criticality"] for c in answer["checks"]),
        key=["critical", "warning", "info"].index)  # worst first
    assert "/admin/grid/task/?filter=" in overdue["grid"]


def test_a_fix_takes_the_record_off_the_worklist_at_once(work, api, service):
    service.update("task", work["late"].id, {"state": "done"})
    service.create("task", {"title": "Pack", "order": work["hers"].id, "assignee": work["anna"]})
    answer = api.get("/api/quality").get_json()
    assert check_of(answer, "overdue")["count"] == 1
    assert check_of(answer, "in_work_without_task")["count"] == 1
    assert answer["score"] == pytest.approx(85.7)  # 7 records, 1 critical


def test_a_manager_counts_only_their_rows_and_sees_their_own_problems(work, app):
    anna = as_user(app, "anna")
    answer = anna.get("/api/quality").get_json()
    orders = check_of(answer, "in_work_without_task")
    assert orders["count"] == 2  # her order and the one with no manager: both hers to see
    assert orders["mine"] == 1 and "manager" in orders["mine_grid"]
    assert check_of(answer, "overdue")["mine"] == 1 and answer["mine"] >= 2
    assert "trend" not in answer  # the business's figures are the owner's
    lena = as_user(app, "lena").get("/api/quality").get_json()
    assert check_of(lena, "in_work_without_task")["count"] == 2  # confirmed: logistics sees
    assert "mine" not in check_of(lena, "no_assignee")  # no person to ask about


def test_a_check_reading_a_hidden_field_is_left_out_for_that_role(work, app):
    spec = next(s for s in load_files(ROOT / "schemas") if s["entity"] == "order")
    spec["checks"].append({"key": "free_order", "label": "Nothing to pay",
                           "criticality": "critical", "when": {"field": "amount", "eq": 0}})
    apply_definitions([spec], author="test")
    owner_keys = [c["key"] for c in as_user(app, "anna").get("/api/quality").get_json()["checks"]]
    assert "free_order" in owner_keys
    lena = as_user(app, "lena").get("/api/quality").get_json()
    assert "free_order" not in [c["key"] for c in lena["checks"]]  # amount is hidden from her


@pytest.mark.parametrize("check, path, words", [
    ({"when": {"field": "colour", "is_empty": True}}, "$.checks[0].when.field", "No field"),
    ({"when": {"field": "status", "changed_to": "new"}}, "$.checks[0].when.changed_to",
     "needs a change"),
    ({"when": {"field": "city", "is_empty": True}, "who": "tracking"}, "$.checks[0].who",
     "person field"),
    ({"when": {"field": "city", "is_empty": True}, "criticality": "urgent"},
     "$.checks[0].criticality", "critical"),
])
def test_a_wrong_check_is_refused_with_its_place_and_the_fix(store, check, path, words):
    spec = next(s for s in load_files(ROOT / "schemas") if s["entity"] == "order")
    spec["checks"] = [dict({"key": "k", "label": "L", "criticality": "warning"}, **check)]
    with pytest.raises(DefinitionError) as refused:
        apply_definitions([spec], author="test")
    found = dict(refused.value.problems)
    assert f"order: {path}" in found and words in found[f"order: {path}"], found


def test_two_checks_with_one_key_are_refused(store):
    spec = next(s for s in load_files(ROOT / "schemas") if s["entity"] == "task")
    spec["checks"].append(dict(spec["checks"][0]))
    with pytest.raises(DefinitionError) as refused:
        apply_definitions([spec], author="test")
    assert "task: $.checks[2].key" in dict(refused.value.problems)


@pytest.mark.usefixtures("messages")  # the designer rewrites a copy of the message templates
def test_renamed_fields_are_followed_into_the_checks_in_the_designer(api, shop):
    spec = order_spec()
    field(spec, "courier")["name"] = "carrier"
    field(spec, "manager")["name"] = "seller"
    saved = save(api, spec)
    assert saved.status_code == 200, saved.get_json()
    check = next(c for c in catalog().entity("order").checks if c.key == "shipped_without_courier")
    assert check.who == "seller"
    assert {"field": "carrier", "is_empty": True} in check.when["all"]
    spec = order_spec()
    spec["fields"] = [f for f in spec["fields"] if f["name"] != "deliver_by"]
    assert save(api, spec).status_code == 200  # the check on it goes with the field
    assert "no_deliver_by" not in [c.key for c in catalog().entity("order").checks]


def test_the_days_figures_are_kept_for_the_trend(work, api):
    keep_today()
    day = QualityDay.get(QualityDay.day == utcnow().date())
    assert day.critical == 2 and day.score == pytest.approx(66.7)
    answer = api.get("/api/quality").get_json()
    assert answer["trend"][-1]["day"] == utcnow().date().isoformat()
    assert answer["trend"][-1]["critical"] == 2


def test_the_worklists_come_as_a_workbook_with_no_formula_in_it(work, api, service):
    service.create("customer", {"name": "=HYPERLINK(\"http://x\",\"y\")"})
    reply = api.get("/api/quality?format=xlsx")
    assert reply.status_code == 200
    book = load_workbook(BytesIO(reply.data))
    summary = list(book.worksheets[0].iter_rows(values_only=True))
    assert summary[0][:4] == ("Check", "Records", "Criticality", "Problems")
    assert ("Overdue task", "Tasks", "critical", 2) == summary[1][:4]
    cities = book["No city"]
    names = [row[1] for row in cities.iter_rows(min_row=2, values_only=True)]
    assert "=HYPERLINK(\"http://x\",\"y\")" in names
    assert all(c.data_type != "f" for row in cities.iter_rows() for c in row)
    assert api.get("/api/quality?format=pdf").status_code == 400


def test_the_owner_gets_the_weekly_digest_with_the_score_and_the_worst_checks(work, owner, api):
    tick(MONDAY - timedelta(hours=2))
    run_pending()  # the rules' own work first: confirmed orders got their tasks
    assert tick(MONDAY - timedelta(hours=1)) == 1  # Monday 7:00
    run_pending()
    digest, = [n.text for n in Notification.select().where(Notification.user == owner.id)
               if n.text.startswith("Data quality")]
    now = api.get("/api/quality").get_json()
    assert digest.startswith(f"Data quality: {now['score']}% of records have no critical "
                             f"problem ({now['levels']['critical']} critical, "
                             f"{now['levels']['warning']} warnings). Worst: Overdue task "
                             "(Tasks): 2; ")


def test_the_dashboards_show_the_score_to_the_owner_and_her_problems_to_a_manager(work, api, app):
    apply_reports(load_files(ROOT / "reports"))
    apply_dashboards(load_files(ROOT / "dashboards"))
    score = widget_of(api, "Data quality")
    assert score["quality"]["score"] == pytest.approx(66.7) and score["page"] == "/admin/quality/"
    mine = widget_of(as_user(app, "anna"), "My problems")["quality"]
    assert mine["mine"] == 3  # her overdue task; her order: no task, no delivery date
    assert {c["key"] for c in mine["checks"] if c.get("mine")} == {
        "overdue", "in_work_without_task", "no_deliver_by"}
