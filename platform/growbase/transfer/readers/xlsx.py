"""Office Open XML (.xlsx, .xlsm): which zip member holds each sheet, the cells the readers
give as empty though they are not (a formula's error, a formula never calculated) and the
merged ranges, all read from the XML in pieces; a big sheet's rows through openpyxl's
flat streaming reader."""

import re
import zipfile
from xml.etree import ElementTree

from ...i18n import gettext as _
from .cells import formula_error
from .extent import column_index

ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?'
                        rb'<v>([^<]*)</v>')
# a formula with no result saved: scripts (openpyxl, many exporters) write formulas without
# calculating them; a number-typed cell (no t, or t="n") cannot have an empty result
UNCALCULATED = re.compile(rb'<c r="([A-Z]+)(\d+)"(?:(?! t=)[^>])*(?: t="n"[^>]*)?>'
                          rb'(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>')
MERGED = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
OOXML = {"main": "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}",
         "r": "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}",
         "rels": "{http://schemas.openxmlformats.org/package/2006/relationships}"}


def parts(path):
    """{sheet name: the zip member holding its cells}, as the workbook maps them: Excel
    does not renumber its files when tabs are moved or deleted (the first tab may live
    in sheet3.xml). Empty for files not laid out as .xlsx."""
    if not zipfile.is_zipfile(path):
        return {}
    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(
        OOXML["rels"] + "Relationship")}
    found = {}
    for entry in book.iter(OOXML["main"] + "sheet"):
        target = targets.get(entry.get(OOXML["r"] + "id"), "")
        if target:
            found[entry.get("name")] = target[1:] if target.startswith("/") else f"xl/{target}"
    return found


def scan(path, part):
    """({(row, column): why it has no value}, merged ranges) of one sheet's XML member."""
    unread, merged, tail = {}, [], b""
    with zipfile.ZipFile(path) as archive, archive.open(part) as xml:
        while True:
            piece = xml.read(4 * 2**20)
            if not piece:
                break
            text, tail = tail + piece, (tail + piece)[-4096:]
            if b't="e"' in text:
                for column, row, value in ERROR_CELL.findall(text):
                    unread[int(row) - 1, column_index(column.decode())] = formula_error(
                        value.decode())
            if b"<f" in text:
                for column, row in UNCALCULATED.findall(text):
                    unread[int(row) - 1, column_index(column.decode())] = _(
                        "The cell holds a formula whose result was never saved in the "
                        "file; open the file in Excel or LibreOffice, save it, and upload "
                        "it again.")
            if b"<mergeCell " in text:
                for c1, r1, c2, r2 in MERGED.findall(text):
                    merged.append(((int(r1) - 1, column_index(c1.decode())),
                                   (int(r2) - 1, column_index(c2.decode()))))
    return unread, sorted(set(merged))


def streamed_rows(path, sheet):
    """A big sheet's rows through openpyxl's read-only reader, which keeps memory flat."""
    from openpyxl import load_workbook
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        cells = book[sheet]
        cells.reset_dimensions()  # a row is as wide as its cells, not as <dimension> says
        for row in cells.iter_rows(values_only=True):
            yield [None if value == "" else value for value in row]
    finally:
        book.close()
