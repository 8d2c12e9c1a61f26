"""Exports as the accountant opens them, and the round trip back through import."""

import datetime
from decimal import Decimal

from openpyxl import load_workbook

from growbase.catalog import catalog
from growbase.transfer.exporter import export, template
from growbase.transfer.importer import Options, run_import
from starter import make_order


def orders(service):
    ivan = service.create("customer", {"name": "Иван Петров", "phone": "+79123456789"})
    make_order(service, ivan.id, amount="1500.50", status="confirmed",
               ordered_at=datetime.datetime(2026, 3, 1, 14, 30),
               deliver_by=datetime.date(2026, 3, 5))
    make_order(service, ivan.id, amount="99")
    return ivan


def test_xlsx_has_real_numbers_and_dates_labels_in_the_users_language(service, tmp_path):
    orders(service)
    path = tmp_path / "o.xlsx"
    count = export("order", path, condition={"field": "amount", "gt": 100}, sort="number",
                   columns=["number", "customer", "amount", "status", "ordered_at", "deliver_by"],
                   locale="ru")
    assert count == 1
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Номер", "Клиент", "Сумма", "Статус", "Дата заказа", "Доставить до",
                       "id", "_version")
    number, customer, amount, status, ordered, deliver, record_id, version = rows[1]
    assert (number, customer, status) == ("ORD-00001", "Иван Петров", "Подтверждён")
    assert Decimal(str(amount)) == Decimal("1500.50") and sheet["C2"].number_format == '#,##0.00 "₽"'
    assert ordered == datetime.datetime(2026, 3, 1, 14, 30) and sheet["E2"].number_format == "dd.mm.yyyy hh:mm"
    assert deliver == datetime.datetime(2026, 3, 5) and sheet["F2"].number_format == "dd.mm.yyyy"
    hidden = sheet.column_dimensions["G"]  # id and _version: columns G to H
    assert hidden.hidden and (hidden.min, hidden.max) == (7, 8)
    assert (record_id, version) == (1, 2)  # its line moved its amount: version 2


def test_a_long_export_keeps_its_order_and_links_across_pages(service, tmp_path):
    """Past a page (2,000 rows) the rows come from one cursor (a server-side one on
    PostgreSQL): every record once, in the chosen order, linked titles on each page."""
    ivan = service.create("customer", {"name": "Иван Петров", "phone": "+79123456789"})
    service.save_batch("order", [{"id": None, "data": {
        "customer": ivan.id, "tracking": f"T{(i * 7919) % 4500:05d}"}}
        for i in range(4500)])
    count = export("order", tmp_path / "o.csv", sort="-tracking",
                   columns=["tracking", "number", "customer"])
    lines = (tmp_path / "o.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert count == len(lines) == 4500
    assert [line.split(",")[0] for line in lines] == [f"T{i:05d}" for i in reversed(range(4500))]
    assert {line.split(",")[2] for line in lines} == {"Иван Петров"}


def test_an_export_with_nothing_matching_still_has_its_header(service, tmp_path):
    orders(service)
    assert export("order", tmp_path / "o.csv", condition={"field": "amount", "gt": 10 ** 6},
                  columns=["number", "amount"]) == 0
    assert (tmp_path / "o.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "Number,Amount,id,_version"]


def test_every_listed_column_exports_including_several_choices(service, tmp_path):
    service.create("customer", {"name": "Иван", "phone": "+79123456789", "tags": ["vip", "problem"]})
    export("customer", tmp_path / "c.xlsx", locale="ru")
    rows = list(load_workbook(tmp_path / "c.xlsx").active.iter_rows(values_only=True))
    tags = rows[0].index("Метки")
    assert rows[1][tags] == "VIP, Проблемный" and rows[1][rows[0].index("Имя")] == "Иван"


def test_formula_text_is_neutralised_in_xlsx_and_csv(service, tmp_path):
    service.create("customer", {"name": "=HYPERLINK(\"http://evil\",\"x\")", "phone": "+79123456789",
                                "city": "+1 trick"})
    export("customer", tmp_path / "c.xlsx", columns=["name", "city"])
    sheet = load_workbook(tmp_path / "c.xlsx").active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")
    export("customer", tmp_path / "c.csv", columns=["name", "city"], locale="ru")
    text = (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Имя;Город;id;_version"
    assert "'=HYPERLINK" in text and ";'+1 trick;" in text


def test_csv_in_russian_uses_semicolons_and_decimal_commas(service, tmp_path):
    orders(service)
    export("order", tmp_path / "o.csv", sort="number", columns=["number", "amount", "deliver_by"],
           locale="ru")
    raw = (tmp_path / "o.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    assert raw.decode("utf-8-sig").splitlines()[1] == "ORD-00001;1500,50;05.03.2026;1;2"


def test_round_trip_updates_the_rows_and_flags_what_changed_meanwhile(service, tmp_path):
    ivan = service.create("customer", {"name": "Иван", "phone": "+79123456789"})
    anna = service.create("customer", {"name": "Анна", "phone": "+79123456780"})
    path = tmp_path / "c.xlsx"
    export("customer", path, sort="id", columns=["name", "phone", "city"])
    book = load_workbook(path)
    sheet = book.active
    sheet["C2"] = "Казань"  # Иван's city, edited in the file
    sheet["C3"] = "Тверь"  # Анна's city, edited in the file ...
    book.save(path)
    service.update("customer", anna.id, {"city": "Самара"})  # ... and in the system meanwhile
    report = run_import(path, Options(entity="customer"))
    assert (report.updated, report.rejected, report.created) == (1, 1, 0)
    (_n, _row, problem), = report.problems
    assert "Самара" in problem["City"] and "since your copy was made" in problem["City"]
    model = catalog().entity("customer").model
    assert model.get_by_id(ivan.id).city == "Казань" and model.get_by_id(anna.id).city == "Самара"
    mine = run_import(path, Options(entity="customer", on_conflict="mine"))
    assert mine.updated == 1 and model.get_by_id(anna.id).city == "Тверь"
    assert model.select().count() == 2  # never a duplicate


def test_import_template_has_notes_lists_and_imports_back(service, tmp_path):
    path = template("customer", tmp_path / "t.xlsx", locale="ru")
    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Имя", "Телефон", "Эл. почта"]
    assert sheet["A2"].value == "↳ обязательно; текст"
    assert "+7 912 345-67-89" in sheet["B2"].value
    kind = header.index("Тип") + 1
    lists = [dv for dv in sheet.data_validations.dataValidation]
    assert any(f"{chr(64 + kind)}3" in str(dv.sqref) for dv in lists)
    assert book["lists"].sheet_state == "hidden"
    sheet["A3"], sheet["B3"], sheet.cell(row=3, column=kind).value = "Иван", "89123456789", "Компания"
    sheet.cell(row=3, column=header.index("ИНН") + 1).value = "7707083893"
    book.save(path)
    report = run_import(path, Options(entity="customer"))
    assert (report.created, report.rejected) == (1, 0), report.problems
    assert catalog().entity("customer").model.get().kind == "company"


def test_users_and_links_come_back_as_they_were_exported(service, tmp_path, owner):
    from growbase.tables import User
    ivan = service.create("customer", {"name": "Иван", "phone": "+79123456789",
                                       "manager": owner.id})
    order = service.create("order", {"customer": ivan.id})
    service.create("task", {"title": "Call", "order": order.id, "assignee": owner.id})
    for entity in ("customer", "task"):
        export(entity, tmp_path / f"{entity}.xlsx")
        report = run_import(tmp_path / f"{entity}.xlsx", Options(entity=entity))
        assert (report.rejected, report.unchanged) == (0, 1), report.problems
    assert User.get_by_id(owner.id).full_name == "Olga Owner"  # exported by this name


def test_links_to_namesakes_come_back_as_they_were_exported(service, tmp_path):
    """Two customers called Иван Петров: an order export names both alike, and the orders
    still come back, each linked as it was; where the link changed since, it is refused."""
    first, second = (service.create("customer", {"name": "Иван Петров", "phone": phone})
                     for phone in ("+79123456789", "+79123456780"))
    orders = {number: service.create("order", {"customer": customer.id})
              for number, customer in (("ORD-00001", first), ("ORD-00002", second),
                                       ("ORD-00003", first))}  # numbered in this order
    export("order", tmp_path / "o.xlsx")
    book = load_workbook(tmp_path / "o.xlsx")
    header = [c.value for c in book.active[1]]
    (edited,) = [row for row in book.active.iter_rows(min_row=2) if row[0].value == "ORD-00002"]
    edited[header.index("Status")].value = "Confirmed"
    book.save(tmp_path / "o.xlsx")
    report = run_import(tmp_path / "o.xlsx", Options(entity="order"))
    assert (report.updated, report.unchanged, report.rejected) == (1, 2, 0), report.problems
    model = catalog().entity("order").model
    assert [model.get(model.number == n).customer for n in ("ORD-00001", "ORD-00002")] == [
        first.id, second.id]
    anna = service.create("customer", {"name": "Анна", "phone": "+79123456781"})
    service.update("order", orders["ORD-00003"].id, {"customer": anna.id})
    again = run_import(tmp_path / "o.xlsx", Options(entity="order", on_conflict="mine"))
    (_number, row, problem), = again.problems
    assert row[0] == "ORD-00003" and "2 records of Customer match" in problem["Customer"]


def test_a_plural_excel_cannot_name_a_sheet_with_still_exports(service, tmp_path):
    from growbase.designer.store import apply_definitions
    apply_definitions([{"entity": "deal", "label": {"en": "Deal"},
                        "plural": {"en": "Deals / sales [2026]: what's open?"},
                        "fields": [{"name": "title", "type": "text"}]}])
    service.create("deal", {"title": "Поставка"})
    export("deal", tmp_path / "d.xlsx")
    assert load_workbook(tmp_path / "d.xlsx").sheetnames == ["Deals sales 2026 what's open"]
    template("deal", tmp_path / "t.xlsx")
    assert load_workbook(tmp_path / "t.xlsx").sheetnames[0] == "Deals sales 2026 what's open"


def test_cli_export_mistakes_are_one_line_each(store, run, tmp_path):
    for args, said in [(["custmer", str(tmp_path / "c.xlsx")], 'There is no entity "custmer"'),
                       (["customer", str(tmp_path / "c.pdf")], "must end in .xlsx or .csv"),
                       (["customer", str(tmp_path / "no" / "c.xlsx")], "cannot write"),
                       (["customer", str(tmp_path / "c.csv"), "--filter", "{status"],
                        "error: Expecting property name")]:
        done = run("export", *args, ok=False)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert said in done.stderr.strip().splitlines()[-1], (args, done.stderr)


def test_the_template_keeps_labels_and_choices_that_look_like_formulas_as_text(service, tmp_path):
    from growbase.designer.store import apply_definitions
    apply_definitions([{"entity": "deal", "fields": [
        {"name": "title", "type": "text", "label": {"en": "=HYPERLINK(\"http://x\")"}},
        {"name": "stage", "type": "choice", "options": [
            {"value": "a", "label": {"en": "+1 call"}}, {"value": "b", "label": {"en": "-"}}]}]}])
    book = load_workbook(template("deal", tmp_path / "t.xlsx"))
    head = book.worksheets[0]["A1"]
    assert head.value == "=HYPERLINK(\"http://x\")" and head.data_type == "s"
    assert [(c.value, c.data_type) for c in book["lists"]["B"]] == [("+1 call", "s"), ("-", "s")]


def test_cli_export_takes_entity_as_import_does_and_keeps_the_positional_form(
        service, run, tmp_path):
    service.create("customer", {"name": "Иван Петров"})
    run("export", "--entity", "customer", str(tmp_path / "a.xlsx"))
    run("export", "customer", str(tmp_path / "b.csv"))
    assert "Иван Петров" in (tmp_path / "b.csv").read_text(encoding="utf-8-sig")
    assert load_workbook(tmp_path / "a.xlsx").worksheets[0]["A2"].value == "Иван Петров"
    lost = run("export", "--entity", "customer", ok=False)
    assert lost.returncode == 2 and "run.py export --entity ENTITY FILE" in lost.stderr
