"""Reports as the owner and staff meet them: counted and summed exactly by stage, by person
and by month, with totals and a drill-down to the records behind each figure, as JSON and
as an Excel file; only over what a role may see; refused with the fix when written wrong."""

import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from growbase.auth import create_token
from growbase.catalog import catalog
from growbase.designer.store import load_files
from growbase.reports.store import apply_reports
from growbase.definitions import DefinitionError
from growbase.tables import User
from helpers import ROOT, Api
from starter import add_line

DECEMBER, NOVEMBER = datetime(2026, 12, 3, 10), datetime(2026, 11, 28, 16)


@pytest.fixture
def sales(shop, service):
    """Five orders: Anna's 100 + 250 in December, 40 in November; one of nobody's (70,
    new) and a cancelled one (999) in December."""
    apply_reports(load_files(ROOT / "reports"))
    anna = User.get(username="anna").id

    def order(amount, status, at, manager=None):
        made = service.create("order", {"customer": shop.id, "status": "new", "ordered_at": at,
                                        "manager": manager})
        add_line(service, made.id, amount)
        if status != "new":
            service.update("order", made.id, {"status": status})
        return made
    for month, target in ((NOVEMBER, 100), (DECEMBER, 500)):
        service.create("sales_plan", {"month": month.date().replace(day=1), "manager": anna,
                                      "target": target})
    return [order(100, "confirmed", DECEMBER, anna), order(250, "ready_to_ship", DECEMBER, anna),
            order(40, "confirmed", NOVEMBER, anna), order(70, "new", DECEMBER),
            order(999, "cancelled", DECEMBER, anna)]


def as_role(app, username):
    return Api(app.test_client(), create_token(User.get(username=username), "t"))


def test_orders_by_stage_counts_and_sums_in_stage_order_with_a_total(sales, api):
    answer = api.get("/api/reports/orders_by_stage")
    assert answer.status_code == 200, answer.get_json()
    report = answer.get_json()
    assert [c["label"] for c in report["columns"]] == ["Status", "Count", "Amount: sum"]
    assert report["rows"] == [["New", 1, "70.00"], ["Confirmed", 2, "140.00"],
                              ["Ready to ship", 1, "250.00"], ["Cancelled", 1, "999.00"]]
    assert report["totals"] == ["Total", 5, "1459.00"]
    assert report["chart"] == "funnel" and report["columns"][2]["currency"] == "RUB"
    model = catalog().entity("order").model  # an order of older data, with no status at all
    model.update(status=None).where(model.id == sales[3].id).execute()
    report = api.get("/api/reports/orders_by_stage").get_json()
    assert report["rows"][-1] == ["(empty)", 1, "70.00"] and report["totals"] == ["Total", 5,
                                                                                 "1459.00"]


def test_a_russian_owner_reads_the_report_in_russian(sales, api, owner):
    User.update(locale="ru").where(User.id == owner.id).execute()
    report = api.get("/api/reports/sales_by_manager").get_json()
    assert [c["label"] for c in report["columns"]][:4] == [
        "Менеджер", "ноябрь 2026 · Сумма: сумма", "ноябрь 2026 · План", "ноябрь 2026 · Выполнено, %"]
    assert report["name"] == "Продажи по менеджерам по месяцам против плана"
    assert report["totals"][0] == "Итого"


def test_the_largest_few_say_their_total_is_of_every_group(sales, api):
    apply_reports([{"key": "top", "name": "Top", "entity": "order", "rows": [{"field": "status"}],
                    "measures": [{"agg": "sum", "field": "amount"}], "sort": "largest",
                    "limit": 2}])
    report = api.get("/api/reports/top").get_json()
    assert report["rows"] == [["Cancelled", "999.00"], ["Ready to ship", "250.00"]]
    assert report["totals"] == ["Total of all 4", "1459.00"]


def test_sales_by_manager_by_month_against_plan_drill_down_to_their_orders(sales, api):
    report = api.get("/api/reports/sales_by_manager").get_json()
    assert [c["label"] for c in report["columns"]] == [
        "Manager", "November 2026 · Amount: sum", "November 2026 · Plan", "November 2026 · Plan done, %",
        "December 2026 · Amount: sum", "December 2026 · Plan", "December 2026 · Plan done, %",
        "Total · Amount: sum", "Total · Plan", "Total · Plan done, %"]
    figures = ["40.00", "100.00", "40.0", "350.00", "500.00", "70.0", "390.00", "600.00", "65.0"]
    assert report["rows"] == [["Анна"] + figures]  # the cancelled and the new one: out
    assert report["totals"] == ["Total"] + figures
    december = report["columns"][4]["filter"]
    behind = {"all": [report["filter"], report["row_filters"][0], december]}
    found = api.get("/api/order", query_string={"filter": json.dumps(behind)}).get_json()
    assert sorted(Decimal(o["amount"]) for o in found["items"]) == [Decimal(100), Decimal(250)]


def test_a_manager_sums_only_her_orders_and_logistics_is_told_what_it_may_not_see(
        sales, app, service):
    from growbase.auth import create_user
    create_user("boris", "boris-password", role="manager", full_name="Борис")
    boris = as_role(app, "boris").get("/api/reports/orders_by_stage").get_json()
    assert boris["totals"] == ["Total", 1, "70.00"]  # only the order of nobody's
    anna = as_role(app, "anna").get("/api/reports/orders_by_stage").get_json()
    assert anna["totals"] == ["Total", 5, "1459.00"]
    refused = as_role(app, "lena").get("/api/reports/sales_by_product")
    assert refused.status_code == 403
    assert "Amount" in refused.get_json()["errors"]["_report"]
    assert "999" not in refused.get_data(as_text=True)


def test_averages_and_weeks_quarters_are_worked_out_exactly_on_every_database(sales, service):
    from growbase.reports.engine import run
    from growbase.reports.report import Report
    spec = {"key": "weekly", "name": "Weekly", "entity": "order",
            "rows": [{"field": "ordered_at", "bucket": "week"}],
            "columns": [{"field": "ordered_at", "bucket": "quarter"}],
            "measures": [{"agg": "avg", "field": "amount"}, {"agg": "max", "field": "ordered_at"}]}
    apply_reports([spec])
    out = run(Report(spec), "en")
    weeks = [row[0] for row in out["rows"]]
    assert weeks == ["week of 23 Nov 2026", "week of 30 Nov 2026"]  # Mondays
    assert [c["label"] for c in out["columns"]][1:3] == ["Q4 2026 · Amount: average",
                                                          "Q4 2026 · Ordered at: largest"]
    # (100 + 250 + 70 + 999) / 4 = 354.75; with November's 40: 1459 / 5 = 291.80
    assert out["rows"][1][1] == "354.75" and out["totals"][1] == "291.80"
    assert out["totals"][2].startswith("2026-12-03T10:00")


def test_time_in_stage_counts_days_since_each_order_entered_its_status(sales, api):
    from datetime import timedelta
    from growbase.catalog import catalog
    from growbase.tables import utcnow
    model = catalog().entity("order").model
    for order, days in zip(sales, (10, 2, 4, 1)):
        model.update(status_since=utcnow() - timedelta(days=days)).where(
            model.id == order.id).execute()
    report = api.get("/api/reports/time_in_stage").get_json()
    assert report["rows"] == [["New", "1.0", "1.0", 1], ["Confirmed", "7.0", "10.0", 2],
                              ["Ready to ship", "2.0", "2.0", 1]]
    assert report["totals"] == ["Total", "4.3", "10.0", 4]  # (10 + 2 + 4 + 1) / 4 = 4.25


def test_the_excel_file_has_numbers_as_numbers_and_texts_that_never_run(sales, api, service):
    service.update("customer", sales[0].customer, {"name": "=HYPERLINK(\"x\")"})
    apply_reports([{"key": "by_customer", "name": "By customer", "entity": "order",
                    "rows": [{"field": "customer"}],
                    "measures": [{"agg": "sum", "field": "amount"}]}])
    answer = api.get("/api/reports/by_customer?format=xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Customer", "Amount: sum"]
    assert rows[1] == ["=HYPERLINK(\"x\")", 1459]
    assert sheet.cell(2, 1).data_type == "s" and sheet.cell(3, 1).font.b
    assert rows[2] == ["Total", 1459]


@pytest.mark.parametrize("change, path, words", [
    ({"rows": [{"field": "manger"}]}, "$.rows[0].field", "Did you mean \"manager\""),
    ({"measures": [{"agg": "sum", "field": "comment"}]}, "$.measures[0].agg", "cannot be added up"),
    ({"rows": [{"field": "status", "bucket": "month"}]}, "$.rows[0].bucket", "is not a date"),
    ({"filter": {"field": "amount", "gt": "lots"}}, "$.filter.gt", ""),
    ({"chart": "donut"}, "$.chart", ""),
])
def test_a_report_written_wrong_is_refused_with_its_place_and_the_fix(store, change, path, words):
    spec = dict({"key": "bad", "name": "Bad", "entity": "order"}, **change)
    with pytest.raises(DefinitionError) as refused:
        apply_reports([spec])
    assert any(p == f"bad: {path}" and words in text for p, text in refused.value.problems), \
        refused.value.problems


def test_the_cli_applies_exports_and_prints_a_report(sales, run, tmp_path):
    (tmp_path / "r.json").write_text(json.dumps({
        "key": "by_status", "name": "By status", "entity": "order",
        "rows": [{"field": "status"}]}))
    assert "Applied: by_status" in run("report", "apply", str(tmp_path / "r.json")).stdout
    printed = run("report", "show", "orders_by_stage").stdout.splitlines()
    assert printed[0] == "Status\tCount\tAmount: sum" and printed[-1] == "Total\t5\t1459.00"
    wrong = run("report", "apply", str(ROOT / "schemas" / "order.json"), ok=False)
    assert wrong.returncode == 2 and "$" in wrong.stdout
    assert run("report", "show", "nope", ok=False).returncode == 1


def test_the_builder_previews_unsaved_and_only_the_owner_builds(sales, api, app):
    offered = api.get("/api/reports/builder").get_json()["entities"]
    order = next(e for e in offered if e["name"] == "order")
    fields = {f["name"]: f for f in order["fields"]}
    assert fields["amount"]["summable"] and fields["ordered_at"]["dated"]
    assert fields["manager"]["groupable"] and not fields["comment"]["groupable"]
    spec = {"name": "Unsaved", "entity": "order", "rows": [{"field": "manager"}],
            "measures": [{"agg": "sum", "field": "amount"}], "filter": {"all": [
                {"field": "ordered_at", "gte": {"month": 0}}, {"field": "ordered_at", "lt": {"month": 1}}]}}
    shown = api.post("/api/reports/preview", json=spec)
    assert shown.status_code == 200 and shown.get_json()["columns"][0]["label"] == "Manager"
    assert api.get("/api/reports/preview").status_code == 404  # nothing was saved
    wrong = api.post("/api/reports/preview", json=dict(spec, measures=[
        {"agg": "sum", "field": "comment"}]))
    assert wrong.status_code == 422 and "cannot be added up" in wrong.get_json()["errors"][
        "$.measures[0].agg"]
    changes = api.post("/api/reports/preview", json=dict(spec, filter={
        "field": "status", "changed_to": "new"}))
    assert "needs a change" in changes.get_json()["errors"]["$.filter.changed_to"]
    anna = as_role(app, "anna")
    assert anna.post("/api/reports/preview", json=spec).status_code == 403
    assert anna.get("/api/reports/builder").status_code == 403


def test_expected_payments_by_week_and_what_came_in_this_month_by_method(sales, api, service):
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    hers, later, november, _nobodys, cancelled = sales
    service.update("order", hers.id, {"payment": "card", "pay_by": monday + timedelta(days=1)})
    service.update("order", later.id, {"payment": "cash", "pay_by": monday + timedelta(days=8)})
    service.update("order", november.id, {"payment": "card", "pay_by": monday, "paid_on": today})
    service.update("order", cancelled.id, {"payment": "card", "pay_by": monday})  # not coming
    expected = api.get("/api/reports/expected_payments").get_json()
    assert [c["label"] for c in expected["columns"]] == ["Payment expected (week)", "Cash", "Card",
                                                         "Total"]
    assert [row[1:] for row in expected["rows"]] == [[None, "100.00", "100.00"],
                                                     ["250.00", None, "250.00"]]
    assert expected["totals"] == ["Total", "250.00", "100.00", "350.00"]  # paid and cancelled out
    paid = api.get("/api/reports/payments_by_method").get_json()
    assert paid["rows"] == [["Card", "40.00", 1]] and paid["chart"] == "pie"
