"""Line items: records that are parts of another (an order's lines) go and come with it."""

from decimal import Decimal

import pytest

from growbase.catalog import catalog
from growbase.designer.store import apply_definitions
from growbase.tables import Audit

STARTER_SHOP = False  # these tests work on entities of their own (conftest.store)

SHOP = [
    {"entity": "goods", "fields": [{"name": "name", "type": "text"},
                                   {"name": "price", "type": "money"},
                                   {"name": "received", "type": "integer"}]},
    {"entity": "bill", "fields": [
        {"name": "number", "type": "autonumber", "format": "B-{000}"},
        {"name": "note", "type": "text"}]},
    {"entity": "bill_line", "fields": [
        {"name": "bill", "type": "link", "to": "bill", "part_of": True},
        {"name": "goods", "type": "link", "to": "goods"},
        {"name": "quantity", "type": "integer"},
        {"name": "unit_price", "type": "money", "copy_from": "goods.price"},
        {"name": "amount", "type": "formula", "formula": "{quantity} * {unit_price}"}]}]
ROLLUPS = {
    "bill": [{"name": "total", "type": "rollup", "from": "bill_line.bill", "field": "amount",
              "agg": "sum"}],
    "goods": [{"name": "sold", "type": "rollup", "from": "bill_line.goods", "field": "quantity",
               "agg": "sum"},
              {"name": "stock", "type": "formula", "formula": "{received} - {sold}"}]}



@pytest.fixture
def shop(db):
    apply_definitions(SHOP)
    apply_definitions([dict(s, fields=s["fields"] + ROLLUPS[s["entity"]])
                       for s in SHOP if s["entity"] in ROLLUPS])


def test_an_order_takes_its_lines_when_deleted_and_the_stock_comes_back(shop, service):
    tea = service.create("goods", {"name": "Tea", "price": "4.50", "received": 10})
    bill = service.create("bill", {"note": "first"})
    service.create_many("bill_line", [{"bill": bill.id, "goods": tea.id, "quantity": q}
                                      for q in (2, 3)])
    goods = catalog().entity("goods").model
    assert goods.get_by_id(tea.id).stock == 5
    assert catalog().entity("bill").model.get_by_id(bill.id).total == Decimal("22.50")
    service.delete("bill", bill.id)  # no "still used by 2 lines": they go with it
    assert catalog().entity("bill_line").model.select().count() == 0
    assert goods.get_by_id(tea.id).stock == 10
    assert Audit.select().where((Audit.entity == "bill_line") &
                                (Audit.action == "delete")).count() == 2  # each in the history


def test_a_copy_of_an_order_has_its_own_number_and_copies_of_its_lines(shop, service, api):
    tea = service.create("goods", {"name": "Tea", "price": "4.50", "received": 10})
    bill = service.create("bill", {"note": "regular"})
    service.create_many("bill_line", [{"bill": bill.id, "goods": tea.id, "quantity": 2}])
    service.update("goods", tea.id, {"price": "5.00"})
    copy = service.copy("bill", bill.id)
    assert (copy.number, copy.note) == ("B-002", "regular")
    lines = catalog().entity("bill_line").model
    (line,) = lines.select().where(lines.bill == copy.id)
    assert (line.quantity, line.unit_price) == (2, Decimal("4.50"))  # the price it was sold at
    assert catalog().entity("bill").model.get_by_id(copy.id).total == Decimal("9.00")
    assert catalog().entity("goods").model.get_by_id(tea.id).stock == 6
    answer = api.post(f"/api/bill/{bill.id}/copy")
    assert answer.status_code == 201 and answer.get_json()["number"] == "B-003"


def test_an_orders_page_shows_its_lines_and_their_history(shop, service, client):
    from html import unescape
    tea = service.create("goods", {"name": "Tea", "price": "4.50", "received": 10})
    bill = service.create("bill", {"note": "first"})
    (line,) = service.create_many("bill_line", [{"bill": bill.id, "goods": tea.id, "quantity": 2}])
    service.update("bill_line", line.id, {"quantity": 5})
    page = unescape(client.get(f"/admin/records/bill/details/?id={bill.id}").get_data(as_text=True))
    assert f'src="/admin/grid/bill_line/part/bill/{bill.id}/"' in page  # its lines, as a grid
    assert f"Bill line #{line.id}:" in page and "Quantity" in page  # their history in its own
    frame = client.get(f"/admin/grid/bill_line/part/bill/{bill.id}/")
    assert frame.status_code == 200 and frame.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get(f"/admin/grid/bill_line/part/goods/{bill.id}/").status_code == 404
    assert client.get("/admin/records/bill/").headers["X-Frame-Options"] == "DENY"


def test_an_export_of_orders_carries_their_lines_on_a_sheet_of_their_own(shop, service, tmp_path):
    from openpyxl import load_workbook
    from growbase.transfer.exporter import export
    tea = service.create("goods", {"name": "Tea", "price": "4.50", "received": 10})
    kept, left = (service.create("bill", {"note": n}) for n in ("kept", "left out"))
    service.create_many("bill_line", [{"bill": b.id, "goods": tea.id, "quantity": q}
                                      for b, q in ((kept, 2), (left, 7), (kept, 3))])
    path = tmp_path / "bills.xlsx"
    export("bill", path, "xlsx", condition={"field": "note", "eq": "kept"})
    book = load_workbook(path)
    assert book.sheetnames == ["Bill", "Bill line"]  # (no plural given: the label)
    lines = [[c.value for c in row] for row in book["Bill line"].iter_rows()]
    header = lines[0]
    quantities = [row[header.index("Quantity")] for row in lines[1:]]
    assert quantities == [2, 3]  # only the exported order's lines, in their order


def test_an_import_of_lines_changes_each_order_once_however_many_chunks(shop, service, tmp_path,
                                                                       monkeypatch):
    from growbase.tables import Event
    from growbase.transfer import importer
    tea = service.create("goods", {"name": "Tea", "price": "4.50", "received": 10})
    bills = [service.create("bill", {"note": n}) for n in ("one", "two")]
    path = tmp_path / "lines.csv"
    path.write_text("Bill,Goods,Quantity\n" + "".join(
        f"{bills[i % 2].number},Tea,{i + 1}\n" for i in range(6)))
    monkeypatch.setattr(importer, "CHUNK", 2)  # three chunks, each with lines of both
    report = importer.run_import(str(path), importer.Options(entity="bill_line", mode="insert"))
    assert (report.created, report.rejected) == (6, 0)
    model = catalog().entity("bill").model
    assert [model.get_by_id(b.id).total for b in bills] == [Decimal("40.50"), Decimal("54.00")]
    assert catalog().entity("goods").model.get_by_id(tea.id).stock == 10 - 21
    for bill in bills:  # one history line and one event each: 0 -> the import's total
        changes = [a.changes for a in Audit.select().where(
            (Audit.entity == "bill") & (Audit.record_id == bill.id)).order_by(Audit.id)][1:]
        assert changes == [{"total": ["0.00", str(model.get_by_id(bill.id).total)]}]
        assert Event.select().where((Event.entity == "bill") & (Event.record_id == bill.id) &
                                    (Event.kind == "updated")).count() == 1


def test_a_rollup_added_or_changed_later_counts_what_is_there(db, service):
    apply_definitions(SHOP)
    tea = service.create("goods", {"name": "Tea", "price": "2", "received": 10})
    bills = [service.create("bill", {}) for _ in range(3)]
    service.create_many("bill_line", [{"bill": b.id, "goods": tea.id, "quantity": q}
                                      for b, q in ((bills[0], 1), (bills[0], 5), (bills[1], 2))])
    bill = next(s for s in SHOP if s["entity"] == "bill")
    total = {"name": "total", "type": "rollup", "from": "bill_line.bill", "field": "amount",
             "agg": "sum"}
    apply_definitions([dict(bill, fields=bill["fields"] + [total])])
    model = catalog().entity("bill").model
    assert [model.get_by_id(b.id).total for b in bills] == [Decimal("12.00"), Decimal("4.00"), 0]
    big = dict(total, where={"field": "quantity", "gte": 5})  # only the big lines now
    apply_definitions([dict(bill, fields=bill["fields"] + [big])])
    assert [model.get_by_id(b.id).total for b in bills] == [Decimal("10.00"), 0, 0]


def test_a_rollup_whose_condition_holds_quote_marks_is_worked_out_as_written(db, service):
    """A rollup's condition is the owner's text, quote marks and all: it reaches SQL as
    a value, never as SQL."""
    box = {"entity": "box", "fields": [{"name": "name", "type": "text"}]}
    apply_definitions([box, {"entity": "tag", "fields": [
        {"name": "box", "type": "link", "to": "box"}, {"name": "label", "type": "text"}]}])
    made = service.create("box", {"name": "A"})
    service.create_many("tag", [{"box": made.id, "label": label}
                                for label in ("$gb$ odd'; --", "plain", "$gb$ odd'; --")])
    apply_definitions([dict(box, fields=box["fields"] + [
        {"name": "odd", "type": "rollup", "from": "tag.box", "agg": "count",
         "where": {"field": "label", "eq": "$gb$ odd'; --"}}])])
    assert catalog().entity("box").model.get_by_id(made.id).odd == 2
