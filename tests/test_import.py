"""Importing spreadsheets: mapping, validation, upsert without duplicates, error files."""

import datetime
import re
import subprocess
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from growbase.catalog import catalog
from growbase.i18n import in_locale
from growbase.tables import AutomationRun, Event
from growbase.transfer.exporter import export
from growbase.transfer.importer import Options, run_import
from growbase.transfer.readers import SheetProblem
from growbase.transfer.workbooks import write_errors

from helpers import run_pending


def xlsx(path, rows, title="Sheet1", epoch=None):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    if epoch:
        book.epoch = epoch
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def customers():
    model = catalog().entity("customer").model
    return {c.phone: c for c in model.select()}


def test_upsert_by_phone_updates_creates_and_reads_people_formats(service, tmp_path):
    service.create("customer", {"name": "Иван Петров", "phone": "+79123456789", "city": "Тверь"})
    path = xlsx(tmp_path / "c.xlsx", [
        ["Клиенты на 01.11.2026"],  # a title above the table
        [],
        ["Имя", "Телефон", "E-mail", "Город", "Тип"],
        ["Иван Петров", "8 (912) 345-67-89", "ivan@example.com", "Казань", "Частное лицо"],
        ["Anna Smith", 79001234567, "anna@example.com", "Москва", "PERSON"],
    ])
    report = run_import(path, Options(entity="customer"))
    assert report.summary() == "2 rows: 1 created, 1 updated, 0 unchanged, 0 rejected.", report.problems
    found = customers()
    assert len(found) == 2  # Иван was found by his phone, not created twice
    assert found["+79123456789"].city == "Казань" and found["+79123456789"].email == "ivan@example.com"
    assert found["+79001234567"].kind == "person"
    again = run_import(path, Options(entity="customer"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)  # nothing to change


def test_bad_rows_come_back_in_an_error_file_and_the_good_ones_are_written(service, tmp_path):
    path = xlsx(tmp_path / "c.xlsx", [
        ["Name", "Phone", "Email", "Kind"],
        ["Good One", "+79123456789", "good@example.com", "person"],
        ["", "+79123456780", "x@example.com", "person"],
        ["Bad Phone", "12345", "bad@example.com", "person"],
        ["Twice", "+7 912 345-67-89", "twice@example.com", "person"],
        ["Bad Kind", "+79123456781", "kind@example.com", "robot"],
        ["=HYPERLINK(\"http://evil\")", "+79123456782", "not-an-email", "person"],
    ])
    book = load_workbook(path)
    book.active["A7"].data_type = "s"  # typed text that looks like a formula, not a formula
    book.save(path)
    report = run_import(path, Options(entity="customer", key="phone"))
    assert (report.created, report.rejected) == (1, 5)
    problems = {number: errors for number, _row, errors in report.problems}
    assert problems[3] == {"Name": "Fill this in."}
    assert "not exist" in problems[4]["Phone"] or "phone number" in problems[4]["Phone"]
    assert problems[5]["Phone"].startswith("The same Phone as row 2")
    assert "robot is not one of the choices" in problems[6]["Kind"]
    assert "Not an email address" in problems[7]["Email"]
    errors = load_workbook(write_errors(report, tmp_path / "errors.xlsx"))
    sheet = errors.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Phone", "Email", "Kind", "Row", "Problems")
    assert rows[1] == (None, "+79123456780", "x@example.com", "person", 3, "Name: Fill this in.")
    assert rows[5][0] == "=HYPERLINK(\"http://evil\")" and sheet["A6"].data_type == "s"
    assert "Email: Not an email address" in rows[5][5]
    assert sheet["C6"].fill.fgColor.rgb.endswith("FFC7CE")


def test_rejected_rows_past_those_kept_in_memory_still_reach_the_error_file(service, tmp_path,
                                                                             monkeypatch):
    """A million rejected rows (a required column left out) must not be held in memory."""
    from growbase.transfer import importer
    monkeypatch.setattr(importer, "KEPT", 3)
    path = xlsx(tmp_path / "c.xlsx", [["Name", "Phone"]] + [[f"Client {i}", f"+7912000{i:04d}"]
                                                           for i in range(2500)]
                + [["", f"+7913000{i:04d}"] for i in range(10)])  # in the last chunk
    report = run_import(path, Options(entity="customer", mode="insert"))
    assert (report.created, report.rejected, len(report.problems)) == (2500, 10, 3)
    sheet = load_workbook(write_errors(report, tmp_path / "errors.xlsx")).active
    rows = list(sheet.iter_rows(values_only=True))[1:]
    assert [row[2] for row in rows] == list(range(2502, 2512))  # every one, in order
    assert all(row[3] == "Name: Fill this in." for row in rows)
    assert sheet["A2"].comment.text == "Fill this in." and sheet["A5"].comment is None
    assert sheet["A5"].fill.fgColor.rgb.endswith("FFC7CE")  # marked all the same


def test_record_numbers_that_cannot_be_one_are_refused_by_row(service, tmp_path):
    """An export's id and version columns, edited by hand: nothing past what the database
    holds, nothing but whole numbers from 1."""
    path = xlsx(tmp_path / "ids.xlsx", [
        ["Name", "Phone", "id", "_version"], ["Ann", "+79120000001", 1e30, 1],
        ["Bob", "+79120000002", "12abc", 1], ["Cid", "+79120000003", 5, 1e30],
        ["Dan", "+79120000004", -3, None], ["Eve", "+79120000005", 2.5, None]])
    report = run_import(path, Options(entity="customer"))
    assert report.rejected == 5 and [list(p.values())[0] for _n, _r, p in report.problems] == [
        "Not a record number: 1e+30.", "Not a record number: 12abc.",
        "Not a record number: 1e+30.", "Not a record number: -3.", "Not a record number: 2.5."]


def test_a_blank_cell_leaves_the_value_unless_asked_to_clear_it(service, tmp_path):
    """A weekly file with gaps must not erase what it leaves out; a new record gets the
    field's default for a blank cell, as if the column were not there."""
    ivan = service.create("customer", {"name": "Иван", "phone": "+79123456789", "city": "Тверь",
                                       "notes": "VIP"})
    path = xlsx(tmp_path / "c.xlsx", [["Name", "Phone", "City", "Notes", "Kind"],
                                      ["Иван", "+79123456789", None, "  ", None],
                                      ["Анна", "+79123456780", "Москва", None, None]])
    report = run_import(path, Options(entity="customer", key="phone"))
    assert (report.unchanged, report.created) == (1, 1)
    found = customers()
    assert (found["+79123456789"].city, found["+79123456789"].notes) == ("Тверь", "VIP")
    assert found["+79123456780"].kind == "person"  # the default, not an empty value
    cleared = run_import(path, Options(entity="customer", key="phone", clear_blanks=True))
    assert (cleared.updated, cleared.rejected) == (2, 0)
    after = customers()["+79123456789"]
    assert (after.city, after.notes, after.kind, after.id) == (None, None, None, ivan.id)
    service.update("customer", ivan.id, {"city": "Тверь"})
    exported = tmp_path / "export.xlsx"  # an export of ours: every cell came from its record
    export("customer", exported, columns=["name", "phone", "city"])
    book = load_workbook(exported)
    (row,) = [r for r in book.active.iter_rows(min_row=2) if r[1].value == "+7 912 345-67-89"]
    row[2].value = None  # emptied on purpose
    book.save(exported)
    assert run_import(exported, Options(entity="customer")).updated == 1
    assert customers()["+79123456789"].city is None


def test_all_or_nothing_and_dry_run_write_nothing(service, tmp_path):
    path = xlsx(tmp_path / "c.xlsx", [["Name", "Phone"], ["A", "+79123456789"], ["", "+79123456788"]])
    strict = run_import(path, Options(entity="customer", all_or_nothing=True))
    assert strict.rejected == 1 and not strict.written and customers() == {}
    good = xlsx(tmp_path / "g.xlsx", [["Name", "Phone"], ["A", "+79123456789"]])
    dry = run_import(good, Options(entity="customer", dry_run=True))
    assert dry.created == 1 and dry.summary().startswith("Dry run, nothing written. 1 rows: 1 "
                                                         "would be created")
    assert customers() == {}
    assert Event.select().count() == 0


def test_orders_link_customers_by_phone_or_name_and_read_excel_types(service, tmp_path):
    ivan = service.create("customer", {"name": "Иван Петров", "phone": "+79123456789"})
    service.create("customer", {"name": "Двойник", "phone": "+79123456780"})
    service.create("customer", {"name": "Двойник", "phone": "+79123456781"})
    path = xlsx(tmp_path / "o.xlsx", [
        ["Клиент", "Статус", "Дата заказа", "Доставить до"],
        ["+7 912 345 67 89", "Подтверждён", datetime.datetime(2026, 3, 1, 14, 30),
         datetime.date(2026, 3, 5)],
        ["Иван Петров", "new", "01.03.2026 10:00", "05.03.2026"],
        ["Двойник", "new", None, None],
        [f"#{ivan.id}", "new", None, None],
    ], epoch=CALENDAR_MAC_1904)
    with in_locale("ru"):
        report = run_import(path, Options(entity="order", mode="insert", locale="ru"))
    assert (report.created, report.rejected) == (3, 1), report.problems
    (_n, _row, problem), = report.problems
    assert problem["Клиент"].startswith("«Двойник» подходит к 2 записям (Клиент)")  # in Russian
    model = catalog().entity("order").model
    first = model.get(model.number == "ORD-00001")  # numbered as they came
    assert first.customer == ivan.id and first.status == "confirmed"
    assert first.ordered_at == datetime.datetime(2026, 3, 1, 14, 30)
    assert first.deliver_by == datetime.date(2026, 3, 5)  # the 1904 date system read right
    assert model.get(model.number == "ORD-00002").ordered_at == datetime.datetime(2026, 3, 1, 10)
    path = xlsx(tmp_path / "p.xlsx", [["Артикул", "Название", "Цена"], ["TEA-001", "Сенча", 1500.5],
                                      ["TEA-002", "Улун", "12 900,50"]])
    with in_locale("ru"):
        report = run_import(path, Options(entity="product", key="sku", locale="ru"))
    prices = catalog().entity("product").model.select().order_by(catalog().entity("product").model.sku)
    assert [str(p.price) for p in prices] == ["1500.50", "12900.50"], report.problems


def test_imports_are_silent_unless_asked(service, shop, tmp_path):
    path = xlsx(tmp_path / "o.xlsx", [["Customer"], [shop.phone]])
    run_import(path, Options(entity="order", mode="insert"))
    run_pending()
    assert AutomationRun.select().where(AutomationRun.rule == "order_received").count() == 0
    path = xlsx(tmp_path / "o2.xlsx", [["Customer"], [shop.phone]])
    run_import(path, Options(entity="order", mode="insert", fire=True))
    run_pending()
    assert AutomationRun.select().where(AutomationRun.rule == "order_received").count() == 1


def test_columns_match_a_label_written_as_plain_text(store, tmp_path):
    from growbase.designer.store import apply_definitions
    apply_definitions([{"entity": "lead", "fields": [
        {"name": "name", "type": "text", "label": "Full name"},
        {"name": "mobile", "type": "phone", "label": "Mobile number"}]}])
    path = xlsx(tmp_path / "leads.xlsx", [["FULL NAME", "Mobile number:"], ["Ann", "+79123456789"]])
    report = run_import(path, Options(entity="lead", mode="insert"))
    assert report.created == 1 and report.mapping == {0: "name", 1: "mobile"}


def test_another_systems_id_column_does_not_pick_records_to_overwrite(service, tmp_path):
    """A first migration: the old CRM's export has its own ID column, 1, 2, 3 ..."""
    ours = service.create("customer", {"name": "Иван", "phone": "+79123456789"})
    path = xlsx(tmp_path / "crm.xlsx", [["ID", "Name", "Phone"], [ours.id, "Анна", "+79123456780"]])
    report = run_import(path, Options(entity="customer"))
    assert report.created == 1 and 0 not in report.mapping
    assert any("record numbers are read only from a file exported from here" in n
               for n in report.notes)
    assert customers()["+79123456789"].name == "Иван"  # not overwritten by Анна
    chosen = run_import(xlsx(tmp_path / "ours.xlsx", [["ID", "City"], [ours.id, "Тверь"]]),
                        Options(entity="customer", mapping={"ID": "id", "City": "city"}))
    assert chosen.updated == 1 and customers()["+79123456789"].city == "Тверь"  # on purpose


def test_a_file_whose_columns_match_no_field_says_so(service, tmp_path):
    path = xlsx(tmp_path / "c.xlsx", [["Клиент", "Тел."], ["Иван", "+79123456789"]])
    for mode in ("upsert", "insert"):
        with pytest.raises(SheetProblem, match="No column of the file matches a field of "
                                               "Customer. Name the columns as the fields are "
                                               "labelled \\(Name, Phone, Email, City\\)"):
            run_import(path, Options(entity="customer", mode=mode))


def test_a_chosen_mapping_is_remembered(service, tmp_path):
    path = xlsx(tmp_path / "c.xlsx", [["ФИО", "Мобильный", "Комментарий"],
                                      ["Иван", "+79123456789", "звонить вечером"]])
    report = run_import(path, Options(entity="customer", mapping={
        "ФИО": "name", "Мобильный": "phone", "Комментарий": "notes"}))
    assert report.created == 1
    again = run_import(xlsx(tmp_path / "d.xlsx", [["ФИО", "Мобильный"], ["Анна", "+79123456780"]]),
                       Options(entity="customer"))
    assert again.created == 1 and sorted(again.mapping.values()) == ["name", "phone"]


def test_csv_from_russian_excel_semicolons_and_cp1251(service, tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes("Имя;Телефон;Город\r\nИван;8 912 345-67-89;Казань\r\n".encode("cp1251"))
    report = run_import(path, Options(entity="customer"))
    assert report.created == 1 and customers()["+79123456789"].city == "Казань"


def test_excel_unicode_text_and_a_cell_too_long_for_its_field(service, tmp_path):
    """Excel's "Unicode text" is UTF-16 with tabs; a 200,000-character cell is its row's
    problem, not a reader's crash."""
    path = tmp_path / "c.txt"
    path.write_bytes("Имя\tТелефон\tГород\r\nИван\t8 912 345-67-89\tКазань\r\n"
                     "Анна\t8 912 345-67-80\t".encode("utf-16") + "я".encode("utf-16-le") * 200000)
    report = run_import(path, Options(entity="customer"))
    assert (report.created, report.rejected) == (1, 1)
    assert customers()["+79123456789"].city == "Казань"
    assert report.problems[0][2] == {"Город": "Too long: 200000 characters, at most 1000 allowed."}


@pytest.mark.parametrize("name, content, words", [
    ("c.csv", bytes(range(256)) * 4, "is not a text table"),
    ("c.xlsx", b"", "The file is empty"),
    ("c.xlsx", b"PK\x03\x04 this is not really a zip", "could not be read as a spreadsheet"),
    ("c.pdf", b"%PDF-1.4", "is not a spreadsheet"),
    ("c.xlsx", b"Name,Phone\nA,1\n", "could not be read as a spreadsheet"),
    # what Excel writes for a password-protected workbook: an OLE2 container, not a zip
    ("c.xlsx", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504 + b"EncryptedPackage",
     "protected with a password"),
])
def test_files_that_are_not_tables_are_refused_plainly(service, tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SheetProblem, match=words):
        run_import(path, Options(entity="customer"))


def test_sheets_without_a_usable_header_are_refused(service, tmp_path):
    with pytest.raises(SheetProblem, match="No header row"):
        run_import(xlsx(tmp_path / "e.xlsx", []), Options(entity="customer"))
    book = Workbook()
    book.active.append(["Name", None, "City"])
    book.active.merge_cells("A1:B1")
    book.active.append(["Иван", "+79123456789", "Казань"])
    book.save(tmp_path / "m.xlsx")
    with pytest.raises(SheetProblem, match="header cells are merged"):
        run_import(tmp_path / "m.xlsx", Options(entity="customer"))
    with pytest.raises(SheetProblem, match="Choose the field that finds existing records"):
        run_import(xlsx(tmp_path / "n.xlsx", [["Name", "City"], ["A", "B"]]),
                   Options(entity="customer"))
    assert customers() == {}


def test_duplicate_headers_are_named_not_guessed(service, tmp_path):
    path = xlsx(tmp_path / "c.xlsx", [["Name", "Phone", "Телефон"], ["A", "+79123456789", "+79000000000"]])
    report = run_import(path, Options(entity="customer"))
    assert any("\"Телефон\" is not imported: \"Phone\" already fills phone" in n for n in report.notes)
    assert list(customers()) == ["+79123456789"]


def test_cli_import_shows_progress_and_writes_the_error_file(store, run, tmp_path):
    path = xlsx(tmp_path / "c.xlsx", [["Name", "Phone"], ["A", "+79123456789"], ["", "+79123456788"]])
    done = run("import", str(path), "--entity", "customer", ok=False)
    assert done.returncode == 1, done.stderr
    assert "2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected." in done.stdout
    assert "row 3: Name: Fill this in." in done.stdout
    assert "2/2 rows" in done.stderr
    assert (tmp_path / "c.errors.xlsx").exists()
    job = re.search(r"undo-import (\d+)", done.stdout).group(1)
    assert "Deleted 1 created records" in run("undo-import", job).stdout
    assert customers() == {}


def test_cli_import_that_cannot_run_exits_2_with_one_line(store, run, tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    broken = run("import", str(tmp_path / "broken.xlsx"), "--entity", "customer", ok=False)
    assert broken.returncode == 2 and "Traceback" not in broken.stderr
    assert broken.stderr.strip().splitlines()[-1].startswith("error: broken.xlsx could not be read")
    path = xlsx(tmp_path / "c.xlsx", [["Name", "Phone"], ["A", "+79123456789"]])
    misspelt = run("import", str(path), "--entity", "custmer", ok=False)
    assert misspelt.returncode == 2 and "Traceback" not in misspelt.stderr
    assert 'error: There is no entity "custmer".' in misspelt.stderr
    assert customers() == {}


def test_undo_an_import_takes_back_only_what_it_did(service, tmp_path):
    from growbase.records import SYSTEM
    from growbase.tables import Audit, Job
    from growbase.transfer.importer import importer_actor
    from growbase.transfer.undo import undo_import
    kept = service.create("customer", {"name": "Иван", "phone": "+79123456789", "city": "Тверь"})
    path = xlsx(tmp_path / "c.xlsx", [["Name", "Phone", "City"], ["Иван", "+79123456789", "Казань"],
                                      ["Анна", "+79123456780", "Москва"], ["Олег", "+79123456781", "Сочи"],
                                      ["Ада", "+79123456782", "Уфа"]])
    job = Job.create(kind="import", entity="customer", status="running", filename="c.xlsx")
    report = run_import(path, Options(entity="customer"), importer_actor(None, "c.xlsx", job.id))
    Job.update(status="done", result={"written": True}).where(Job.id == job.id).execute()
    assert (report.created, report.updated) == (3, 1)
    found = customers()
    service.update("customer", found["+79123456781"].id, {"city": "Ялта"})  # changed since
    service.delete("customer", found["+79123456782"].id)  # and deleted since
    done = undo_import(job.id, SYSTEM)
    assert (done["deleted"], done["restored"]) == (1, 1)
    assert done["left"] == ["Олег was changed after the import; it is kept."]  # (by its title)
    after = customers()
    assert after["+79123456789"].city == "Тверь" and after["+79123456789"].id == kept.id
    assert "+79123456780" not in after and after["+79123456781"].city == "Ялта"
    assert Audit.select().where(Audit.action == "delete").count() == 2  # the undo is audited
    with pytest.raises(ValueError, match="undone already"):
        undo_import(job.id, SYSTEM)


def test_formulas_never_calculated_are_refused_not_imported_empty(service, tmp_path):
    """Scripts write formulas without their results; the cell must not update a record to
    empty. Opening and saving the file in LibreOffice, as the message says, fixes it."""
    ivan = service.create("customer", {"name": "Иван", "phone": "+79123456789", "city": "Казань"})
    path = xlsx(tmp_path / "script.xlsx", [["Name", "Phone", "City"],
                                          ["Иван", "+79123456789", '=UPPER("Kazan")'],
                                          ["Анна", "+79123456780", "Moscow"]])
    report = run_import(path, Options(entity="customer", key="phone"))
    assert (report.created, report.rejected) == (1, 1)
    (number, _row, problem), = report.problems
    assert number == 2 and "formula whose result was never saved" in problem["City"]
    assert customers()["+79123456789"].city == "Казань"  # kept, not emptied
    (tmp_path / "saved").mkdir()
    again = run_import(libreoffice(path, "xlsx", tmp_path / "saved"),
                       Options(entity="customer", key="phone"))
    assert (again.updated, again.rejected) == (1, 0)
    assert customers()["+79123456789"].city == "KAZAN" and ivan.id


def test_cells_are_checked_on_the_tab_imported_wherever_excel_keeps_it(service, tmp_path):
    """Excel does not renumber its files when tabs move: the first tab may be sheet2.xml."""
    book = Workbook()
    book.active.title = "Old"
    book.active.append(["Name", "Phone", "City"])
    book.active.append(["Олег", "+79123456781", "Sochi"])
    clients = book.create_sheet("Clients")
    for row in (["Name", "Phone", "City"], ["Иван", "+79123456789", "=NA()"],
                ["Анна", "+79123456780", "Moscow"]):
        clients.append(row)
    book.save(tmp_path / "built.xlsx")
    # as Excel may leave it: the first tab's cells in sheet2.xml
    with zipfile.ZipFile(tmp_path / "built.xlsx") as source, \
            zipfile.ZipFile(tmp_path / "moved.xlsx", "w") as moved:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'r:id="rId1"', b'r:id="@"').replace(
                    b'r:id="rId2"', b'r:id="rId1"').replace(b'r:id="@"', b'r:id="rId2"')
            moved.writestr(item, data)
    report = run_import(tmp_path / "moved.xlsx", Options(entity="customer"))
    assert report.header == ["Name", "Phone", "City"] and (report.created, report.rejected) == (1, 1)
    assert "never saved" in report.problems[0][2]["City"] and report.problems[0][0] == 2
    assert customers()["+79123456780"].city == "Moscow"


def test_a_hidden_first_sheet_is_passed_over_for_the_one_people_see(service, tmp_path):
    book = Workbook()
    book.active.title = "lists"
    book.active.append(["Москва", "Казань"])
    book.active.sheet_state = "hidden"
    clients = book.create_sheet("Clients")
    clients.append(["Name", "Phone"])
    clients.append(["Анна", "+79123456780"])
    book.active = 1
    book.save(tmp_path / "hidden.xlsx")
    report = run_import(tmp_path / "hidden.xlsx", Options(entity="customer"))
    assert report.created == 1 and "+79123456780" in customers()
    from growbase.transfer.importer import preview
    assert preview(tmp_path / "hidden.xlsx", "customer")["sheets"] == ["Clients", "lists"]


def libreoffice(source, to, folder):
    subprocess.run(["libreoffice", "--headless", "--convert-to", to, "--outdir", str(folder),
                    str(source)], check=True, capture_output=True, timeout=120)
    return folder / f"{source.stem}.{to}"


@pytest.mark.parametrize("to", ["ods", "xlsx", "xls"])
def test_error_cells_and_merged_headers_in_each_spreadsheet_format(service, tmp_path, to):
    """LibreOffice saves .ods unless told otherwise (its cells have no addresses); old
    Excel files are binary. The readers give a formula's error as an empty cell in all."""
    source = tmp_path / "clients.csv"
    source.write_text("Name,Phone,City,Notes\nIvan,79123456789,=NA(),\n"
                      "Anna,+7 912 345-67-80,Moscow,=2*3\n,,,\n,,,\nOleg,89123456781,=1/0,\n")
    report = run_import(libreoffice(source, to, tmp_path), Options(entity="customer"))
    assert (report.created, report.rejected) == (1, 2)
    assert [(number, problem["City"]) for number, _row, problem in report.problems] == [
        (2, "The cell shows #N/A, an error of its formula; put the value itself there."),
        (6, "The cell shows #DIV/0!, an error of its formula; put the value itself there.")]
    assert customers()["+79123456780"].notes == "6"  # a formula's value, as LibreOffice computed it
    book = Workbook()
    book.active.append(["Name", None, "City"])
    book.active.append(["Ivan", "+79123456789", "Kazan"])
    book.active.merge_cells("A1:B1")
    book.save(tmp_path / "merged.xlsx")
    (tmp_path / "lo").mkdir()
    with pytest.raises(SheetProblem, match="header cells are merged"):
        run_import(libreoffice(tmp_path / "merged.xlsx", to, tmp_path / "lo"),
                   Options(entity="customer"))


def test_rich_text_and_unnamed_columns(service, tmp_path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    book = Workbook()
    book.active.append(["Name", "Phone", None])
    book.active.append([CellRichText("Иван ", TextBlock(InlineFont(b=True), "Петров")),
                        "+79123456789", "a value under no header"])
    book.save(tmp_path / "r.xlsx")
    report = run_import(tmp_path / "r.xlsx", Options(entity="customer"))
    assert report.created == 1 and customers()["+79123456789"].name == "Иван Петров"
    assert any("no name in the header row" in note for note in report.notes)


def test_a_zip_bomb_dressed_as_a_spreadsheet_is_refused_before_reading(service, tmp_path):
    path = xlsx(tmp_path / "c.xlsx", [["Name", "Phone"], ["Иван", "+79123456789"]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * (50 * 2**20) + b"</sst>")
    with pytest.raises(SheetProblem, match="c.xlsx unpacks to 50 MB, far more than a table "
                                           "of its size should"):
        run_import(path, Options(entity="customer"))
    assert customers() == {}


def test_an_oversized_file_is_refused_before_reading(service, tmp_path, monkeypatch):
    from growbase.transfer.readers import book
    monkeypatch.setattr(book, "MAX_BYTES", 1024)
    path = tmp_path / "big.csv"
    path.write_text("Name,Phone\n" + "Иван,+79123456789\n" * 200)
    with pytest.raises(SheetProblem, match="the limit is 0 MB. Split it into parts"):
        run_import(path, Options(entity="customer"))
    assert customers() == {}


def test_a_long_file_goes_in_chunks_each_record_as_its_audit_says(service, tmp_path):
    """Past a chunk (2,000 rows) and a statement (500 rows): each record must still be the
    one its audit entry and event describe, and an e-mail used again a chunk later is
    that row's problem."""
    from growbase.tables import Audit
    rows = [["Name", "Phone", "E-mail"]] + [
        [f"Client {i}", f"+7912{i:07d}", f"c{i}@example.com"] for i in range(4500)]
    rows[4201][2] = "c7@example.com"  # client 4200 repeats client 7's e-mail
    report = run_import(xlsx(tmp_path / "long.xlsx", rows), Options(entity="customer"))
    assert (report.created, report.rejected) == (4499, 1)
    (number, _cells, problem), = report.problems
    assert number == 4202 and "already used" in problem["E-mail"]
    found = customers()
    assert len(found) == 4499 and "+79120004200" not in found
    for client in (0, 499, 500, 1999, 2000, 4499):
        record = found[f"+7912{client:07d}"]
        audit = Audit.get((Audit.entity == "customer") & (Audit.record_id == record.id))
        event = Event.get((Event.entity == "customer") & (Event.record_id == record.id))
        assert record.name == f"Client {client}" == audit.changes["name"][1] == event.after["name"]
