"""Crafted spreadsheets that would make a reader allocate a grid of terabytes (calamine
aborts its whole process then) are refused with a message, through every door, and the
server and the worker keep answering."""

import io
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date

import pytest
import requests
from openpyxl import Workbook

from growbase.transfer import peek
from growbase.transfer.readers import Book, SheetProblem

from helpers import ROOT, Server, csrf_token, wait_for

ODS_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'office:version="1.2"><office:body><office:spreadsheet>'
               '<table:table table:name="Sheet1">{}</table:table></office:spreadsheet>'
               '</office:body></office:document-content>')
ODS_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')


def far_cell(path, corner):
    """A ~5 KB workbook: a real table and one cell far away (openpyxl writes the sheet's
    <dimension> to reach it, as the attack did)."""
    book = Workbook()
    book.active.append(["name", "phone"])
    book.active.append(["Иван", "+79123456789"])
    book.active[corner] = "boom"
    book.save(path)
    return path


def placeless(path, rows):
    """An .xlsx whose rows and cells do not name their places (the format allows it):
    `rows` blank rows, then one row with a value in its 30th cell."""
    book = Workbook()
    book.active.append(["name"])
    book.save(path)
    with zipfile.ZipFile(path) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    value = '<c t="inlineStr"><is><t>x</t></is></c>'
    data = ('<row>' + value + '</row>' + '<row/>' * rows + '<row>' + '<c/>' * 29 + value +
            '</row>').encode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb"<sheetData>.*</sheetData>|<sheetData\s*/>",
                                               b"<sheetData>" + data + b"</sheetData>",
                                               parts["xl/worksheets/sheet1.xml"], flags=re.S)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, content in parts.items():
            out.writestr(name, content)
    return path


def ods(path, rows_xml):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        out.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        out.writestr("content.xml", ODS_CONTENT.format(rows_xml))
    return path


def ods_cell(text, repeat=1):
    return (f'<table:table-cell office:value-type="string" table:number-columns-repeated='
            f'"{repeat}"><text:p>{text}</text:p></table:table-cell>')


def wide_csv(path, columns):
    path.write_text(",".join(f"c{i}" for i in range(columns)) + "\n1,2\n")
    return path


def crafted(tmp_path):
    """Each crafted file and the words its refusal must hold."""
    return [
        (far_cell(tmp_path / "xfd.xlsx", "XFD1048576"), "column XFD"),
        (far_cell(tmp_path / "zz.xlsx", "ZZ200000"), "ZZ200000"),
        (placeless(tmp_path / "placeless.xlsx", 300_000), "AD300002"),
        (ods(tmp_path / "repeated.ods", "<table:table-row>" + ods_cell("name") +
             '</table:table-row><table:table-row table:number-rows-repeated="200000">' +
             ods_cell("x", 490) + "</table:table-row>"), "RV200001"),
        (ods(tmp_path / "wide.ods", "<table:table-row>" + ods_cell("x", 16384) +
             "</table:table-row>"), "column XFD"),
        (wide_csv(tmp_path / "wide.csv", 1_000_000), "1000000 columns"),
    ]


def test_crafted_files_are_refused_before_any_reader_loads_them(tmp_path):
    for path, words in crafted(tmp_path):
        assert path.stat().st_size < 10_000 or path.suffix == ".csv", path
        with pytest.raises(SheetProblem) as refused:
            book = Book(path)
            list(book.rows())
        assert words in str(refused.value), (path.name, str(refused.value))
        assert "Delete" in str(refused.value) or "columns" in str(refused.value)
        with pytest.raises(SheetProblem) as previewed:  # the preview's child says the same
            peek.head(path)
        assert str(previewed.value) == str(refused.value)


def test_honest_files_still_read_with_their_places_and_dates(tmp_path):
    path = tmp_path / "fine.xlsx"
    book = Workbook()
    book.active.append(["name", "when"])
    book.active.append(["Иван", date(2026, 12, 6)])
    book.active["Z3"] = "far but honest"
    book.save(path)
    assert Book(path).height() == 3
    sheets, rows = peek.head(path)
    assert sheets == ["Sheet"] and rows == list(Book(path).rows())  # as the reader gives them
    assert rows[1][:2] == ["Иван", date(2026, 12, 6)]
    assert rows[2][25] == "far but honest"
    assert peek.head(placeless(tmp_path / "short.xlsx", 3))[1][-1][29] == "x"
    assert peek.head(ods(tmp_path / "fine.ods", "<table:table-row>" + ods_cell("name") +
                         "</table:table-row>"))[1] == [["name"]]


def test_a_reader_that_dies_takes_only_its_child_with_it(tmp_path, monkeypatch):
    """Whatever a file does to the reader, the web process answers with a message."""
    path = far_cell(tmp_path / "fine.xlsx", "C3")
    monkeypatch.setattr(peek, "MEMORY", 20 * 2**20)  # too little for Python itself to start
    with pytest.raises(SheetProblem, match="could not be read"):
        peek.head(path)


def finished(server, auth, job_id):
    """The job as the API tells it, once the worker is done with it."""
    def ended():
        job = requests.get(f"{server.base}/api/jobs/{job_id}", headers=auth).json()
        return job if job["status"] not in ("queued", "running") else None
    return wait_for(ended, timeout=60)


@pytest.mark.slow
def test_page_api_and_cli_refuse_them_and_server_and_worker_keep_answering(tmp_path):
    (tmp_path / "server").mkdir()
    server = Server(data=tmp_path / "server")
    server.start(until=lambda health: health.get("worker") == "ok")
    try:
        token = server.token()
        auth = {"Authorization": f"Bearer {token}"}
        session = requests.Session()
        login = session.get(server.base + "/login").text
        session.post(server.base + "/login", data={
            "username": "bench", "password": "long-password", "csrf_token": csrf_token(login)})
        for path, words in crafted(tmp_path):
            content = path.read_bytes()
            # the page: the upload is kept, its preview refused on the page
            form = session.get(server.base + "/admin/transfer/import/customer/").text
            sent = session.post(server.base + "/admin/transfer/import/customer/",
                                data={"csrf_token": csrf_token(form)},
                                files={"file": (path.name, content)})
            assert sent.ok and words in sent.text, (path.name, sent.status_code)
            # the API: the worker's job fails with the reason
            job = requests.post(server.base + "/api/customer/import", headers=auth,
                                files={"file": (path.name, io.BytesIO(content))}).json()
            done = finished(server, auth, job["id"])
            assert done["status"] == "failed" and words in done["error"], (path.name, done)
            # the CLI: exit 2 and one line
            cli = subprocess.run(
                [sys.executable, str(ROOT / "run.py"),
                 "import", "--entity", "customer", str(path)], env=server.env,
                capture_output=True, text=True)
            assert cli.returncode == 2 and words in cli.stderr + cli.stdout, (path.name, cli)
        assert requests.get(server.base + "/healthz").json()["status"] == "ok"
        fine = io.BytesIO()
        book = Workbook()
        book.active.append(["Name", "Phone"])
        book.active.append(["Иван", "+79123456789"])
        book.save(fine)
        job = requests.post(server.base + "/api/customer/import", headers=auth,
                            data={"key": "phone"},
                            files={"file": ("fine.xlsx", io.BytesIO(fine.getvalue()))}).json()
        done = finished(server, auth, job["id"])
        assert done["status"] == "done", done  # the worker that refused them still works
    finally:
        server.stop()


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="needs LibreOffice (.ci/run "
                    "installs it) to write a real .xls")
def test_an_old_excel_file_with_a_far_cell_is_refused_too(tmp_path):
    """.xls is read whole by calamine when opened: its sheets are measured (xlrd) first."""
    source = far_cell(tmp_path / "far.xlsx", "IV65000")  # Excel 97's last column
    subprocess.run(["libreoffice", "--headless", "--convert-to", "xls", "--outdir",
                    str(tmp_path / "lo"), str(source)], check=True, capture_output=True,
                   timeout=120)
    with pytest.raises(SheetProblem, match="IV65000"):
        Book(tmp_path / "lo" / "far.xls")
    fine = far_cell(tmp_path / "fine.xlsx", "C3")
    subprocess.run(["libreoffice", "--headless", "--convert-to", "xls", "--outdir",
                    str(tmp_path / "lo"), str(fine)], check=True, capture_output=True,
                   timeout=120)
    assert list(Book(tmp_path / "lo" / "fine.xls").rows())[1][:2] == ["Иван", "+79123456789"]
