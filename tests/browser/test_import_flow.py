"""The import's "done when", in a browser: export the demo's customers, change phones and
break three rows, import the file back: the good rows update (no duplicates), the broken
ones come back in an error file, and a second run changes nothing. A big import shows
its progress bar moving."""


from openpyxl import Workbook, load_workbook

from helpers import ARTIFACTS


def open_excel_menu(page, entity):
    page.goto(f"/admin/records/{entity}/")
    page.click(".gb-transfer .dropdown-toggle")


def upload(page, entity, path):
    page.goto(f"/admin/transfer/import/{entity}/")
    page.set_input_files("input[type=file]", str(path))
    page.click(".gb-upload button[type=submit]")
    page.wait_for_selector("form.gb-mapping", timeout=90_000)  # read in a child process


def finished(page):
    """The job's summary, once the worker is done (however loaded the machine is)."""
    page.wait_for_selector(".gb-job-summary, .gb-job-error", timeout=180_000)
    failed = page.locator(".gb-job-error")
    assert failed.count() == 0, failed.inner_text()
    return page.inner_text(".gb-job-summary")


def test_export_change_and_import_back(page, tmp_path):
    open_excel_menu(page, "customer")
    page.click(".gb-export-xlsx")
    page.wait_for_selector(".gb-download", timeout=180_000)  # the worker's export job
    with page.expect_download(timeout=90_000) as download:
        page.click(".gb-download")
    path = tmp_path / "customers.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    phone, name, email = header.index("Phone") + 1, header.index("Name") + 1, header.index("Email") + 1
    rows = sheet.max_row - 1
    for row in range(2, 12):  # ten customers got new phones
        sheet.cell(row=row, column=phone).value = f"8 (999) 000-00-{row:02d}"
    sheet.cell(row=12, column=name).value = None  # three broken rows
    sheet.cell(row=13, column=email).value = "not-an-email"
    sheet.cell(row=14, column=phone).value = "12345"
    book.save(path)

    upload(page, "customer", path)
    assert page.locator(f"select[name=map-{name - 1}]").input_value() == "name"
    assert page.locator(f"select[name=map-{len(header) - 1}]").input_value() == "_version"
    page.screenshot(path=str(ARTIFACTS / "import-mapping.png"), full_page=True)
    page.click("button[value=import]")
    summary = finished(page)
    page.screenshot(path=str(ARTIFACTS / "import-result.png"), full_page=True)
    assert f"{rows} rows: 0 created, 10 updated, {rows - 13} unchanged, 3 rejected." in summary
    page.screenshot(path=str(ARTIFACTS / "import-result.png"), full_page=True)
    with page.expect_download() as errors:
        page.click(".gb-errors-file")
    errors.value.save_as(tmp_path / "errors.xlsx")
    rejected = list(load_workbook(tmp_path / "errors.xlsx").active.iter_rows(values_only=True))
    problems = [row[-1] for row in rejected[1:]]
    assert len(problems) == 3 and any("Not an email address" in p for p in problems)

    upload(page, "customer", path)  # the same file again
    page.click("button[value=import]")
    assert f"0 created, 0 updated, {rows - 3} unchanged, 3 rejected." in finished(page)
    page.goto("/admin/records/customer/")
    assert f"{rows}" in page.inner_text("body")  # no duplicates: still the same count


def test_a_big_import_moves_its_progress_bar(page, tmp_path):
    path = tmp_path / "new-clients.xlsx"
    book = Workbook()
    book.active.append(["Имя", "Телефон", "Город"])
    for i in range(16_000):
        book.active.append([f"Клиент {i}", f"+7 913 {i // 10000:03d}-{(i // 100) % 100:02d}-{i % 100:02d}",
                            "Казань"])
    book.save(path)
    widths = []  # every width the bar takes, as the page sets it (no sampling, no race)
    page.expose_function("gbBarWidth", lambda width: widths.append(width))
    page.add_init_script("""new MutationObserver(function () {
        var bar = document.getElementById("gb-job-bar");
        if (bar) window.gbBarWidth(parseFloat(bar.style.width) || 0);
      }).observe(document, {subtree: true, childList: true, attributes: true,
                            attributeFilter: ["style"]});""")
    upload(page, "customer", path)
    page.select_option("select[name=mode]", "insert")
    page.click("button[value=import]")
    page.wait_for_selector(".gb-job-summary", timeout=90_000)
    assert any(0 < w < 100 for w in widths), f"the bar never showed progress: {widths}"
    assert "16000 rows: 16000 created" in finished(page).replace(",", "").replace("\u202f", "")
