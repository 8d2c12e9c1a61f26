"""Reading spreadsheets: .xlsx/.xlsm/.xls/.ods through python-calamine (ten times faster
than openpyxl), .csv through the csv module (encoding and delimiter guessed).

A sheet whose XML is very large is read with openpyxl's streaming reader instead:
calamine holds a whole sheet in memory (~1 KB a row), openpyxl keeps it flat.
Both give a formula's error (#N/A) and a formula never calculated as an empty cell, so
the file itself is scanned for them and for merged cells (scan(): the XML of .xlsx and
.ods, xlrd for .xls). Every failure becomes a SheetProblem an owner can act on.
"""

import codecs
import csv
import re
import zipfile
from functools import cached_property
from pathlib import Path
from xml.etree import ElementTree

from ..i18n import gettext as _
from .extent import (MAX_COLUMNS, TABLE, SheetProblem, column_index, ods_extents, xls_extents,
                     xlsx_extent)

ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?'
                        rb'<v>([^<]*)</v>')
# a formula with no result saved: scripts (openpyxl, many exporters) write formulas without
# calculating them; a number-typed cell (no t, or t="n") cannot have an empty result
UNCALCULATED = re.compile(rb'<c r="([A-Z]+)(\d+)"(?:(?! t=)[^>])*(?: t="n"[^>]*)?>'
                          rb'(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>')
CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
OOXML = {"main": "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}",
         "r": "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}",
         "rels": "{http://schemas.openxmlformats.org/package/2006/relationships}"}
MERGED = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
MAX_BYTES = 100 * 1024 * 1024
MAX_UNPACKED = 4 * 2**30  # what a 100 MB spreadsheet's XML may add up to
MAX_SWELL = 1000  # XML packs 10-100 times; a thousand times is a zip bomb
MAX_SHARED_TEXT = 256 * 2**20  # the shared strings, which calamine and openpyxl hold whole
STREAM_ABOVE = 64 * 1024 * 1024  # sheet XML: ~120,000 rows of 10 columns, ~250 MB in calamine
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))
csv.field_size_limit(MAX_BYTES)  # one long cell is the text field's to refuse, with a message


def unquoted(text):
    """Undo an export's guard: "'+7 912 ..." was written so that no spreadsheet runs it."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def formula_error(shown):
    return _("The cell shows %(error)s, an error of its formula; put the value itself there.",
             error=shown)


def as_typed(cell):
    """A cell as a person typed it: Excel keeps 42 as 42.0."""
    return int(cell) if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15 \
        else cell


def blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


class Book:
    """One uploaded file: its sheet names and, per sheet, its rows as Python values."""

    def __init__(self, path, name=None):
        self.path = Path(path)
        self.name = name or self.path.name
        size = self.path.stat().st_size
        if size == 0:
            raise SheetProblem(_("The file is empty."))
        if size > MAX_BYTES:
            raise SheetProblem(_("The file is %(mb)s MB; the limit is %(max)s MB. Split it into "
                                 "parts.", mb=size // 2**20, max=MAX_BYTES // 2**20))
        self._check_unpacked()
        suffix = Path(self.name).suffix.lower()
        self.kind = "csv" if suffix in (".csv", ".txt") else "sheet"
        if self.kind == "sheet" and suffix not in SPREADSHEETS:
            raise SheetProblem(_("%(name)s is not a spreadsheet; upload an .xlsx, .ods or .csv "
                                 "file.", name=self.name))
        self._loaded, self._extents = {}, {}
        self.sheets = ["CSV"] if self.kind == "csv" else self._open_workbook()

    def _check_unpacked(self):
        """A spreadsheet is a zip of XML: refuse one that would unpack to far more than a
        table of its size does (a zip bomb would exhaust memory), or whose shared texts,
        which both readers hold whole, would not fit."""
        if not zipfile.is_zipfile(self.path):
            return
        with zipfile.ZipFile(self.path) as archive:
            members = archive.infolist()
        unpacked = sum(member.file_size for member in members)
        swollen = any(member.file_size > MAX_SWELL * max(member.compress_size, 1)
                      for member in members)
        texts = sum(m.file_size for m in members if m.filename.endswith("sharedStrings.xml"))
        if unpacked > MAX_UNPACKED or swollen or texts > MAX_SHARED_TEXT:
            raise SheetProblem(_("%(name)s unpacks to %(mb)s MB, far more than a table of its "
                                 "size should: it may be damaged. Open it in Excel or "
                                 "LibreOffice, save it again, or split it into parts.",
                                 name=self.name, mb=unpacked // 2**20))

    def _open_workbook(self):
        import python_calamine
        with open(self.path, "rb") as head:
            self._ole = ole = head.read(8) == OLE2
        if ole and Path(self.name).suffix.lower() in (".xlsx", ".xlsm"):
            # Excel keeps a password-protected .xlsx inside an OLE2 container
            raise SheetProblem(_("The file is protected with a password; save a copy without "
                                 "one and upload that."))
        # calamine reads every sheet of these when it opens them: each is measured first
        if ole:
            self._extents = xls_extents(self.path)
        elif Path(self.name).suffix.lower() == ".ods" and zipfile.is_zipfile(self.path):
            self._extents = ods_extents(self.path)
        for sheet, found in self._extents.items():
            found.check(sheet, streamable=False)
        try:
            self.workbook = python_calamine.CalamineWorkbook.from_path(str(self.path))
        except python_calamine.PasswordError:
            raise SheetProblem(_("The file is protected with a password; save a copy without "
                                 "one and upload that.")) from None
        except Exception:
            raise SheetProblem(_("%(name)s could not be read as a spreadsheet: it is damaged, or "
                                 "not really an Excel file. Open it in Excel or LibreOffice and "
                                 "save it again as .xlsx.", name=self.name)) from None
        tables = [sheet for sheet in self.workbook.sheets_metadata
                  if str(sheet.typ).endswith("WorkSheet")]
        if not tables:
            raise SheetProblem(_("The file has no sheets with a table."))
        # the sheets a person sees come first: the first of them is read unless one is chosen
        shown = [sheet.name for sheet in tables if str(sheet.visible).endswith(".Visible")]
        return shown + [sheet.name for sheet in tables if sheet.name not in shown]

    def rows(self, sheet=None):
        """The sheet's rows, each a list of values (str, int/float, date, datetime, bool);
        empty cells are None."""
        sheet = sheet or self.sheets[0]
        if sheet not in self.sheets:
            raise SheetProblem(_("There is no sheet \"%(sheet)s\"; the file has: %(names)s.",
                                 sheet=sheet, names=", ".join(self.sheets)))
        if self.kind == "csv":
            return self._csv_rows()
        if self._streamed(sheet):
            return self._streamed_rows(sheet)
        return self._calamine_rows(self._sheet(sheet))

    def extent(self, sheet):
        """How far the sheet's cells reach, found without loading it; a sheet no reader
        should load is refused (SheetProblem)."""
        if sheet not in self._extents and sheet in self._parts:
            with zipfile.ZipFile(self.path) as archive:
                self._extents[sheet] = xlsx_extent(archive, self._parts[sheet])
            self._extents[sheet].check(sheet, streamable=True)
        return self._extents.get(sheet)  # None: laid out some other way, calamine judges

    def _streamed(self, sheet):
        """Read with openpyxl's flat reader: a big sheet, or one whose grid would not fit."""
        found = self.extent(sheet)
        return sheet in self._parts and (found.size > STREAM_ABOVE or not found.gridded)

    def _sheet(self, sheet):
        """calamine's copy of a sheet, loaded once (it holds every cell in memory)."""
        if sheet not in self._loaded:
            self._loaded = {sheet: self.workbook.get_sheet_by_name(sheet)}
        return self._loaded[sheet]

    @staticmethod
    def _calamine_rows(data):
        """calamine starts at the first used cell; pad so indexes are the sheet's own."""
        (top, left) = data.start or (0, 0)
        for _row in range(top):
            yield []
        for row in data.iter_rows():
            yield [None] * left + [None if value == "" else value for value in row]

    def scan(self, sheet=None):
        """(cells without a value {(row, column): why}, merged ranges [((r1, c1), (r2, c2))]),
        read from the sheet's XML in pieces: the readers give formula errors and formulas
        never calculated as empty cells, and calamine would load the whole sheet just to
        list its merged cells."""
        sheet = sheet or self.sheets[0]
        unread, merged = {}, []
        suffix = Path(self.name).suffix.lower()
        if zipfile.is_zipfile(self.path) and suffix == ".ods":
            return self._ods_scan(sheet)
        if suffix == ".xls" and self._ole:
            return self._xls_scan(sheet)
        part = self._parts.get(sheet)
        if part is None:
            return unread, merged
        tail = b""
        with zipfile.ZipFile(self.path) as archive, archive.open(part) as xml:
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

    def _ods_scan(self, sheet):
        """scan() for OpenDocument (LibreOffice's own format): cells have no addresses
        there, so positions are counted along the rows, repeats included."""
        def count(element, name):
            return int(element.get(TABLE + name, 1))
        unread, merged, row, column, inside, open_ = {}, [], 0, 0, False, []
        with zipfile.ZipFile(self.path) as archive, archive.open("content.xml") as xml:
            for event, element in ElementTree.iterparse(xml, ("start", "end")):
                tag = element.tag
                if event == "start":
                    open_.append(element)
                    if tag == TABLE + "table":
                        inside = element.get(TABLE + "name") == sheet
                    elif tag == TABLE + "table-row":
                        column = 0
                    continue
                open_.pop()
                if tag == TABLE + "table-row":
                    row += count(element, "number-rows-repeated") if inside else 0
                    open_[-1].remove(element)  # read: out of memory
                elif inside and tag in (TABLE + "table-cell", TABLE + "covered-table-cell"):
                    if element.get(CALCEXT + "value-type") == "error":
                        unread[row, column] = formula_error("".join(element.itertext()).strip())
                    across = count(element, "number-columns-spanned")
                    down = count(element, "number-rows-spanned")
                    if across > 1 or down > 1:
                        merged.append(((row, column), (row + down - 1, column + across - 1)))
                    column += count(element, "number-columns-repeated")
        return unread, merged

    def _xls_scan(self, sheet):
        """scan() for Excel 97-2003 files, through xlrd: calamine gives their formula
        errors as empty cells too, and the file has no XML to look in."""
        import xlrd
        try:
            book = xlrd.open_workbook(str(self.path), formatting_info=True, on_demand=True)
            cells = book.sheet_by_name(sheet)
        except Exception:  # calamine read it: what xlrd cannot is left unscanned
            return {}, []
        try:
            unread = {(row, column): formula_error(xlrd.error_text_from_code.get(
                      cells.cell_value(row, column), "#ERROR"))
                      for row in range(cells.nrows) for column in range(cells.ncols)
                      if cells.cell_type(row, column) == xlrd.XL_CELL_ERROR}
            merged = [((top, left), (bottom - 1, right - 1))
                      for top, bottom, left, right in cells.merged_cells]
        finally:
            book.release_resources()
        return unread, merged

    @cached_property
    def _parts(self):
        """{sheet name: the zip member holding its cells}, as the workbook maps them: Excel
        does not renumber its files when tabs are moved or deleted (the first tab may live
        in sheet3.xml). Empty for CSV and for files not laid out as .xlsx."""
        if self.kind == "csv" or not zipfile.is_zipfile(self.path):
            return {}
        try:
            with zipfile.ZipFile(self.path) as archive:
                book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
                rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        except (KeyError, ElementTree.ParseError):
            return {}
        targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(
            OOXML["rels"] + "Relationship")}
        parts = {}
        for entry in book.iter(OOXML["main"] + "sheet"):
            target = targets.get(entry.get(OOXML["r"] + "id"), "")
            if target:
                parts[entry.get("name")] = target[1:] if target.startswith("/") else f"xl/{target}"
        return parts

    def height(self, sheet=None):
        """How many rows the sheet has (for progress), header and blank rows included."""
        sheet = sheet or self.sheets[0]
        if self.kind == "csv":
            lines, last = 0, b"\n"
            with open(self.path, "rb") as raw:
                for piece in iter(lambda: raw.read(2**20), b""):
                    lines, last = lines + piece.count(b"\n"), piece[-1:]
            return lines + (last != b"\n")  # the last line may have no line end
        found = self.extent(sheet)
        return found.rows if found is not None else self._sheet(sheet).height

    def _streamed_rows(self, sheet):
        from openpyxl import load_workbook
        book = load_workbook(self.path, read_only=True, data_only=True)
        try:
            cells = book[sheet]
            cells.reset_dimensions()  # a row is as wide as its cells, not as <dimension> says
            for row in cells.iter_rows(values_only=True):
                yield [None if value == "" else value for value in row]
        finally:
            book.close()

    def _csv_rows(self):
        """The rows, read as a stream: a million-row CSV is not held as one string."""
        with open(self.path, encoding=self._csv_encoding(), newline="") as stream:
            try:
                dialect = csv.Sniffer().sniff(stream.read(20000).replace("\x00", ""),
                                              delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            stream.seek(0)
            # NUL: no one's text, and PostgreSQL refuses it
            reader = csv.reader((line.replace("\x00", "") for line in stream), dialect)
            try:
                for row in reader:
                    if len(row) > MAX_COLUMNS:
                        raise SheetProblem(_(
                            "Line %(line)s of %(name)s has %(count)s columns; a table to import "
                            "has at most %(max)s. Check that the file is a table (one record "
                            "a line), or delete the extra columns.", line=reader.line_num,
                            name=self.name, count=len(row),
                            max=MAX_COLUMNS))
                    yield [None if blank(value) else unquoted(value.strip()) for value in row]
            except csv.Error:
                raise SheetProblem(_("Line %(line)s of %(name)s could not be read as CSV; open "
                                     "the file in Excel or LibreOffice and save it as .xlsx.",
                                     line=reader.line_num, name=self.name)) from None

    def _csv_encoding(self):
        """By the byte-order mark (Excel's "Unicode text" is UTF-16), else UTF-8 if the
        whole file decodes so, else cp1251 (Excel in Russia saves CSV so): decoded a
        megabyte at a time, to decide, not to keep."""
        with open(self.path, "rb") as raw:
            head = raw.read(4)
        guesses = [encoding for bom, encoding in BOMS if head.startswith(bom)] or \
            ["utf-8", "cp1251"]
        for encoding in guesses:
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                with open(self.path, "rb") as raw:
                    for piece in iter(lambda: raw.read(2**20), b""):
                        decoder.decode(piece)
                    decoder.decode(b"", final=True)
                return encoding
            except UnicodeDecodeError:
                continue
        raise SheetProblem(_("%(name)s is not a text table; upload an .xlsx file, or save "
                             "the table as CSV (UTF-8).", name=self.name))
