"""Formula fields as a user meets them: worked out on every save and for every record
already there, through links, read-only at every door, refused with the fix when wrong,
and never at the cost of values people typed."""

from decimal import Decimal

import pytest

from growbase.catalog import catalog
from growbase.definitions import DefinitionError
from growbase.designer.store import apply_definitions
from growbase.records import ValidationFailed

STARTER_SHOP = False  # these tests work on entities of their own (conftest.store)

CUSTOMER = {"entity": "client", "fields": [
    {"name": "name", "type": "text"}, {"name": "city", "type": "text"}]}
LINE = {"entity": "line", "fields": [
    {"name": "client", "type": "link", "to": "client"},
    {"name": "quantity", "type": "integer"},
    {"name": "unit_price", "type": "money", "currency": "EUR"},
    {"name": "amount", "type": "formula", "formula": "{quantity} * {unit_price}"},
    {"name": "with_tax", "type": "formula", "formula": "ROUND({amount} * 1.2, 2)"},
    {"name": "where", "type": "formula", "formula": "UPPER({client.city}) & \"!\""}]}



@pytest.fixture
def shop(db):
    apply_definitions([CUSTOMER, LINE])


def test_a_formula_is_worked_out_on_create_and_update_and_kept_like_money(shop, service):
    client = service.create("client", {"name": "Ann", "city": "Riga"})
    line = service.create("line", {"client": client.id, "quantity": "3", "unit_price": "19.99"})
    assert (line.amount, line.with_tax, line.where) == (Decimal("59.97"), Decimal("71.96"), "RIGA!")
    field = catalog().entity("line").by_name["amount"]
    assert field.type.name == "money" and field.get("currency") == "EUR"
    line = service.update("line", line.id, {"quantity": 4})
    assert line.amount == Decimal("79.96") and line.with_tax == Decimal("95.95")
    audit = service.changed_since(catalog().entity("line"), line, 1)
    assert audit["amount"]["theirs"] == "79.96"  # the history shows what the formula gave


def test_writing_a_computed_field_is_refused_naming_it(shop, service, api):
    with pytest.raises(ValidationFailed) as refused:
        service.create("line", {"quantity": 1, "amount": "5"})
    assert "cannot be written" in refused.value.errors["amount"]
    answer = api.post("/api/line", json={"quantity": 1, "amount": "5"})
    assert answer.status_code == 422 and "Amount is worked out" in answer.get_json()["errors"]["amount"]
    described = next(e for e in api.get("/api").get_json()["entities"] if e["name"] == "line")
    amount = next(f for f in described["fields"] if f["name"] == "amount")
    assert amount["read_only"] and amount["computed"] and amount["type"] == "formula"


def test_a_linked_record_change_reaches_every_lookup_in_the_same_transaction(shop, service):
    client = service.create("client", {"name": "Ann", "city": "Riga"})
    lines = service.create_many("line", [{"client": client.id, "quantity": i} for i in range(3)])
    service.update("client", client.id, {"city": "Tallinn"})
    model = catalog().entity("line").model
    assert {r.where for r in model.select()} == {"TALLINN!"}
    assert len(lines) == 3


def test_a_new_formula_fills_every_record_already_there(shop, service):
    service.create_many("line", [{"quantity": q, "unit_price": "2.50"} for q in (1, 2, None)])
    apply_definitions([dict(LINE, fields=LINE["fields"] + [
        {"name": "big", "type": "formula", "formula": "{amount} >= 5"}])])
    model = catalog().entity("line").model
    assert sorted((r.quantity or 0, r.big) for r in model.select()) == \
        [(0, None), (1, False), (2, True)]


def test_lists_filter_and_sort_by_a_formula(shop, service, api):
    service.create_many("line", [{"quantity": q, "unit_price": "10"} for q in (3, 1, 2)])
    found = api.get('/api/line?filter={"field":"amount","gt":15}&sort=-amount').get_json()
    assert [item["amount"] for item in found["items"]] == ["30.00", "20.00"]


@pytest.mark.parametrize("formula, path, message", [
    ("{quantity} * * 2", "$.fields[3].formula", "Column 14"),
    ("{quantiti} * 2", "$.fields[3].formula", "Did you mean {quantity}?"),
    ("{unit_price} + {client.city}", "$.fields[3].formula", "Cannot add text to money (EUR)"),
    ("{with_tax} + 1", "$.fields[3].formula", "A circle: amount → with_tax → amount"),
])
def test_mistakes_are_refused_at_apply_with_the_place_and_the_fix(db, formula, path, message):
    fields = [dict(f, formula=formula) if f["name"] == "amount" else f for f in LINE["fields"]]
    with pytest.raises(DefinitionError) as refused:
        apply_definitions([CUSTOMER, dict(LINE, fields=fields)])
    assert any(p.endswith(path) and message in text for p, text in refused.value.problems), \
        refused.value.problems
    assert "line" not in catalog()  # nothing applied


def test_renaming_a_field_another_entity_reads_is_refused_there(shop):
    renamed = dict(CUSTOMER, fields=[{"name": "name", "type": "text"},
                                     {"name": "town", "type": "text"}])
    with pytest.raises(DefinitionError) as refused:
        apply_definitions([renamed])
    assert any(p.startswith("line: $.fields[5].formula") and "client.city" in text
               for p, text in refused.value.problems), refused.value.problems


def test_typed_values_are_kept_when_a_field_becomes_a_formula(db, service):
    typed = {"entity": "deal", "fields": [{"name": "qty", "type": "integer"},
                                          {"name": "total", "type": "integer"}]}
    apply_definitions([typed])
    service.create("deal", {"qty": 2, "total": 99})
    apply_definitions([dict(typed, fields=[typed["fields"][0], {
        "name": "total", "type": "formula", "formula": "{qty} * 10"}])])
    deal = catalog().entity("deal")
    field = deal.by_name["total"]
    (row,) = deal.model.select()
    assert row.total == 20
    backup = db.execute_sql(f'SELECT "{field.column}__v1" FROM "e_deal"').fetchone()[0]
    assert backup == 99  # what a person typed, kept beside the formula


def test_a_formula_is_hidden_from_a_role_that_may_not_see_what_it_reads(db, service):
    from growbase.acting import acting
    from growbase.auth import create_user
    from growbase.permissions import access
    rules = {"manager": {"can": ["read"], "fields": {"unit_price": "hidden"}},
             "logistics": {"can": ["read"], "fields": {"unit_price": "hidden",
                                                       "amount": "read_only"}}}
    apply_definitions([CUSTOMER, dict(LINE, permissions=rules)])
    line = catalog().entity("line")
    manager = access(line, "manager")
    assert not manager.shows("amount") and not manager.shows("with_tax")  # reads amount
    assert manager.shows("where") and manager.shows("quantity")
    assert access(line, "logistics").shows("amount")  # the owner said so
    service.create("line", {"quantity": 2, "unit_price": "5"})
    with acting(create_user("mia", "mia-password-1", role="manager")):
        from growbase.queries import to_json
        (shown,) = to_json(line, list(line.model.select()))
        assert "amount" not in shown and "unit_price" not in shown and shown["quantity"] == 2


def test_formulas_that_read_the_clock_move_on_without_a_save(db, service):
    from datetime import date, datetime
    from growbase.recompute import refresh_clock
    apply_definitions([{"entity": "job", "fields": [
        {"name": "due", "type": "date"},
        {"name": "late_by", "type": "formula", "formula": "MAX(DAYS(TODAY(), {due}), 0)"},
        {"name": "late", "type": "formula", "formula": "{late_by} > 0"}]}])
    service.create("job", {"due": date.today().isoformat()})
    job = catalog().entity("job")
    assert [(r.late_by, r.late) for r in job.model.select()] == [(0, False)]
    refresh_clock(now=datetime.combine(date.today(), datetime.min.time()).replace(
        year=date.today().year + 1))  # the worker's hourly look, a year on
    (row,) = job.model.select()
    assert row.late_by >= 365 and row.late is True


def test_an_export_carries_formulas_and_its_import_leaves_them_be(shop, service, tmp_path):
    from openpyxl import load_workbook
    from growbase.transfer.exporter import export
    from growbase.transfer.importer import Options, run_import
    service.create_many("line", [{"quantity": 2, "unit_price": "3"}])
    path = tmp_path / "lines.xlsx"
    export("line", path, "xlsx")
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("Amount") + 1).value == 6  # a number for the accountant
    sheet.cell(2, header.index("Quantity") + 1).value = 5
    sheet.cell(2, header.index("Amount") + 1).value = 999  # typed over: not imported
    sheet.parent.save(path)
    report = run_import(path, Options(entity="line"))
    assert report.updated == 1 and any("Amount" in note and "formula" in note
                                       for note in report.notes), report.notes
    (row,) = catalog().entity("line").model.select()
    assert (row.quantity, row.amount) == (5, Decimal("15.00"))


def test_autonumbers_are_given_by_every_door_once_and_never_again(db, service, api):
    from growbase.records import ValidationFailed as Refused
    ticket = {"entity": "ticket", "fields": [
        {"name": "number", "type": "autonumber", "format": "T-{YYYY}-{0000}"},
        {"name": "topic", "type": "text", "required": True},
        {"name": "label", "type": "formula", "formula": "{number} & \": \" & {topic}"}]}
    apply_definitions([ticket])
    year = __import__("datetime").date.today().year
    first = service.create("ticket", {"topic": "Printer"})
    assert first.number == f"T-{year}-0001" and first.label == f"T-{year}-0001: Printer"
    with pytest.raises(Refused):
        service.create("ticket", {})  # refused: takes no number
    many = service.create_many("ticket", [{"topic": "A"}, {"topic": "B"}])
    assert [t.number for t in many] == [f"T-{year}-0002", f"T-{year}-0003"]
    service.delete("ticket", many[1].id)
    answer = api.post("/api/ticket", json={"topic": "C"})
    assert answer.get_json()["number"] == f"T-{year}-0004"  # a deleted one's is not reused
    typed = api.post("/api/ticket", json={"topic": "D", "number": "T-1"})
    assert typed.status_code == 422 and "given by growbase" in typed.get_json()["errors"]["number"]


def test_a_typed_number_column_becomes_an_autonumber_keeping_its_numbers(db, service):
    typed = {"entity": "bill", "fields": [{"name": "number", "type": "text"},
                                          {"name": "sum", "type": "integer"}]}
    apply_definitions([typed])
    service.create_many("bill", [{"number": "B-0041", "sum": 1}, {"sum": 2},
                                 {"number": "B-0007", "sum": 3}])
    apply_definitions([dict(typed, fields=[{"name": "number", "type": "autonumber",
                                            "format": "B-{0000}"}, typed["fields"][1]])])
    bill = catalog().entity("bill")
    assert sorted(r.number for r in bill.model.select()) == ["B-0007", "B-0041", "B-0042"]
    assert service.create("bill", {"sum": 4}).number == "B-0043"


def test_record_facts_are_fields_anyone_can_add(db, service, owner):
    from growbase.records import Actor
    note = {"entity": "note", "fields": [{"name": "text", "type": "text"}]}
    apply_definitions([note])
    old = service.create("note", {"text": "before the facts"})
    apply_definitions([dict(note, fields=note["fields"] + [
        {"name": "made", "type": "created_at"}, {"name": "by", "type": "created_by"},
        {"name": "changed", "type": "updated_at"}, {"name": "changed_by", "type": "updated_by"}])])
    entity = catalog().entity("note")
    (row,) = entity.model.select()
    assert row.made == old.gb_created_at and row.changed == old.gb_updated_at  # filled in
    olga = type(service)(actor=Actor(owner.id, "owner", "test", trusted=True))
    fresh = olga.create("note", {"text": "new"})
    assert (fresh.by, fresh.changed_by) == (owner.id, owner.id)
    assert entity.by_name["made"].type.name == "datetime"
    edited = service.update("note", old.id, {"text": "after"})
    assert edited.changed >= edited.made and edited.changed_by is None  # the system changed it


TICKET = {"entity": "ticket", "fields": [
    {"name": "title", "type": "text"},
    {"name": "stage", "type": "status", "options": ["open", "waiting", "closed"]}]}


def test_a_stage_start_moves_only_with_its_stage_and_is_found_in_the_history(db, service):
    from datetime import datetime, timedelta
    from growbase.tables import Audit
    apply_definitions([TICKET])
    moved, still = (service.create("ticket", {"title": t, "stage": "open"}) for t in "ab")
    service.update("ticket", moved.id, {"stage": "waiting"})
    long_ago = datetime(2026, 1, 5, 9, 30)
    Audit.update(at=long_ago).where((Audit.entity == "ticket") & (Audit.record_id == moved.id) &
                                    (Audit.action == "update")).execute()
    apply_definitions([dict(TICKET, fields=TICKET["fields"] + [
        {"name": "since", "type": "stage_since", "of": "stage"}])])
    model = catalog().entity("ticket").model
    assert model.get_by_id(moved.id).since == long_ago  # when the history saw it move
    assert model.get_by_id(still.id).since == model.get_by_id(still.id).gb_created_at
    renamed = service.update("ticket", moved.id, {"title": "renamed"})
    assert renamed.since == long_ago  # another field's change does not move it
    closed = service.update("ticket", moved.id, {"stage": "closed"})
    assert closed.since == closed.gb_updated_at > long_ago
    fresh = service.create("ticket", {"title": "c", "stage": "open"})
    assert fresh.since == fresh.gb_created_at
    stuck = {"field": "since", "lt": {"ago": "7d"}}  # "in its stage for more than 7 days"
    model.update(since=datetime.utcnow() - timedelta(days=9)).where(model.id == still.id).execute()
    from growbase.queries import select
    assert [r.id for r in select(catalog().entity("ticket"), stuck)[2]] == [still.id]
    with pytest.raises(ValidationFailed):
        service.update("ticket", still.id, {"since": "2026-01-01T00:00:00"})


def test_a_stage_start_of_a_field_that_is_no_stage_is_refused(db):
    with pytest.raises(DefinitionError) as refused:
        apply_definitions([dict(TICKET, fields=TICKET["fields"] + [
            {"name": "since", "type": "stage_since", "of": "title"}])])
    assert any(path.endswith("fields[2].of") and "stage" in text
               for path, text in refused.value.problems), refused.value.problems


ORDER = {"entity": "sale", "fields": [
    {"name": "client", "type": "link", "to": "client"},
    {"name": "total", "type": "rollup", "from": "line.sale", "field": "amount", "agg": "sum"},
    {"name": "lines", "type": "rollup", "from": "line.sale", "agg": "count"},
    {"name": "big_lines", "type": "rollup", "from": "line.sale", "agg": "count",
     "where": {"field": "quantity", "gte": 10}},
    {"name": "average", "type": "rollup", "from": "line.sale", "field": "amount", "agg": "avg"},
    {"name": "last_qty", "type": "rollup", "from": "line.sale", "field": "quantity", "agg": "latest"},
    {"name": "with_vat", "type": "formula", "formula": "{total} * 1.2"}]}
SOLD_LINE = dict(LINE, fields=LINE["fields"] + [{"name": "sale", "type": "link", "to": "sale"}])
CLIENT_SPENT = dict(CUSTOMER, fields=CUSTOMER["fields"] + [
    {"name": "spent", "type": "rollup", "from": "sale.client", "field": "total", "agg": "sum"}])


@pytest.fixture
def sales(db):
    apply_definitions([CUSTOMER, ORDER, SOLD_LINE])
    apply_definitions([CLIENT_SPENT])


def totals(sale_id):
    row = catalog().entity("sale").model.get_by_id(sale_id)
    return row.total, row.lines, row.big_lines, row.average, row.last_qty, row.with_vat


def test_rollups_follow_every_line_written_moved_or_deleted(sales, service):
    from growbase.tables import Audit, Event
    ann = service.create("client", {"name": "Ann"})
    one, two = (service.create("sale", {"client": ann.id}) for _ in range(2))
    assert totals(one.id) == (0, 0, 0, None, None, 0)
    lines = service.create_many("line", [{"sale": one.id, "quantity": q, "unit_price": "2.50"}
                                         for q in (2, 10)])
    assert totals(one.id) == (Decimal("30.00"), 2, 1, Decimal("15.0000"), 10, Decimal("36.00"))
    service.update("line", lines[1].id, {"sale": two.id})  # moved: both sales change
    assert totals(one.id)[:3] == (Decimal("5.00"), 1, 0) and totals(two.id)[:2] == (Decimal("25.00"), 1)
    service.delete("line", lines[0].id)
    assert totals(one.id)[:2] == (0, 0)
    spent = catalog().entity("client").model.get_by_id(ann.id).spent
    assert spent == Decimal("25.00")  # a rollup over rollups, through the lookup chain
    history = [a.changes for a in Audit.select().where((Audit.entity == "sale") &
                                                       (Audit.record_id == one.id))]
    assert {"total": [None, "30.00"]} != history[-1] and "total" in history[-1]
    assert Event.select().where((Event.entity == "sale") & (Event.record_id == two.id) &
                                (Event.kind == "updated")).exists()  # automations hear it


def test_a_rollup_over_recent_lines_counts_from_the_hour_of_each_save(db, service, monkeypatch):
    from growbase.fields import temporal
    apply_definitions([CUSTOMER, ORDER, dict(SOLD_LINE, fields=SOLD_LINE["fields"] + [
        {"name": "at", "type": "datetime", "default": "now"}])])
    apply_definitions([dict(ORDER, fields=ORDER["fields"] + [
        {"name": "fresh", "type": "rollup", "from": "line.sale", "agg": "count",
         "where": {"field": "at", "gt": {"ago": "1d"}}}])])
    sale = service.create("sale", {})
    service.create("line", {"sale": sale.id, "quantity": 1})
    assert catalog().entity("sale").model.get_by_id(sale.id).fresh == 1
    later, days = temporal.relative, temporal.timedelta(days=2)  # two days on, for the rollup
    monkeypatch.setattr(temporal, "relative", lambda spec, now: later(spec, now + days))
    service.create("line", {"sale": sale.id, "quantity": 1, "at": temporal.datetime.now() + days})
    assert catalog().entity("sale").model.get_by_id(sale.id).fresh == 1  # the first is old now


def test_a_rollup_from_an_entity_that_does_not_link_here_is_refused(db):
    wrong = dict(ORDER, fields=ORDER["fields"][:1] + [
        {"name": "total", "type": "rollup", "from": "client.name", "field": "name", "agg": "sum"}])
    with pytest.raises(DefinitionError) as refused:
        apply_definitions([CUSTOMER, wrong])
    assert any("is not a link from client to sale" in text for _p, text in refused.value.problems)


def test_a_circle_through_a_link_and_a_rollup_is_refused(sales):
    looping = dict(SOLD_LINE, fields=SOLD_LINE["fields"] + [
        {"name": "share", "type": "formula", "formula": "{sale.total} / 2"}])
    looping["fields"] = [dict(f, formula="{quantity} * {unit_price} + {share}")
                         if f["name"] == "amount" else f for f in looping["fields"]]
    with pytest.raises(DefinitionError) as refused:
        apply_definitions([looping])
    assert any("A circle" in text for _p, text in refused.value.problems), refused.value.problems


def test_confirming_an_order_lowers_the_stock_of_its_products(db, service):
    from growbase.tables import Event
    apply_definitions([{"entity": "item", "fields": [
        {"name": "name", "type": "text"}, {"name": "received", "type": "integer"},
        {"name": "stock", "type": "formula", "formula": "{received} - 0"}]},
        {"entity": "deal", "fields": [{"name": "stage", "type": "status",
                                        "options": ["new", "confirmed"], "default": "new"}]},
        {"entity": "deal_line", "fields": [
            {"name": "deal", "type": "link", "to": "deal"},
            {"name": "item", "type": "link", "to": "item"},
            {"name": "quantity", "type": "integer"},
            {"name": "stage", "type": "formula", "formula": "{deal.stage}"}]}])
    item = catalog().entity("item")
    apply_definitions([dict(item.spec, fields=[f for f in item.spec["fields"] if f["name"] != "stock"] + [
        {"name": "sold", "type": "rollup", "from": "deal_line.item", "field": "quantity",
         "agg": "sum", "where": {"field": "stage", "eq": "confirmed"}},
        {"name": "stock", "type": "formula", "formula": "{received} - {sold}"}])])
    chair = service.create("item", {"name": "Chair", "received": 10})
    deal = service.create("deal", {})
    service.create_many("deal_line", [{"deal": deal.id, "item": chair.id, "quantity": 3},
                                      {"deal": deal.id, "item": chair.id, "quantity": 4}])
    stock = lambda: catalog().entity("item").model.get_by_id(chair.id).stock  # noqa: E731
    assert stock() == 10  # not confirmed yet
    service.update("deal", deal.id, {"stage": "confirmed"})
    assert stock() == 3
    event = Event.select().where((Event.entity == "item") & (Event.record_id == chair.id)).order_by(
        Event.id.desc()).get()
    assert "stock" in event.changed and event.after["stock"] == 3  # a rule can watch it


def test_picking_a_product_copies_its_price_which_then_stays(db, service):
    apply_definitions([{"entity": "goods", "fields": [
        {"name": "name", "type": "text"}, {"name": "price", "type": "money"}]},
        {"entity": "row", "fields": [
            {"name": "goods", "type": "link", "to": "goods"},
            {"name": "quantity", "type": "integer"},
            {"name": "unit_price", "type": "money", "copy_from": "goods.price"},
            {"name": "amount", "type": "formula", "formula": "{quantity} * {unit_price}"}]}])
    tea, cup = (service.create("goods", {"name": n, "price": p}) for n, p in (("Tea", "4.50"),
                                                                             ("Cup", "12")))
    row = service.create("row", {"goods": tea.id, "quantity": 2})
    assert (row.unit_price, row.amount) == (Decimal("4.50"), Decimal("9.00"))
    given = service.create("row", {"goods": tea.id, "quantity": 1, "unit_price": "4"})
    assert given.unit_price == Decimal("4.00")  # a price given wins
    service.update("goods", tea.id, {"price": "5.00"})
    assert catalog().entity("row").model.get_by_id(row.id).unit_price == Decimal("4.50")
    row = service.update("row", row.id, {"goods": cup.id})  # another product: its price
    assert (row.unit_price, row.amount) == (Decimal("12.00"), Decimal("24.00"))
    with pytest.raises(DefinitionError) as refused:
        apply_definitions([{"entity": "row2", "fields": [
            {"name": "goods", "type": "link", "to": "goods"},
            {"name": "price", "type": "text", "copy_from": "goods.price"}]}])
    assert "no field \"price\" of the same kind" in str(refused.value.problems)
