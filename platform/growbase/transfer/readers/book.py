"""One uploaded file, whatever its format: .xlsx/.xlsm/.xls/.ods through python-calamine
(ten times faster than openpyxl), .csv through delimited.py.

A sheet whose XML is very large is read with openpyxl's streaming reader instead:
calamine holds a whole sheet in memory (~1 KB a row), openpyxl keeps it flat. Every sheet
calamine would load whole is measured first (extent.py). Both readers give a formula's
error (#N/A) and a formula never calculated as an empty cell, so the file itself is
scanned for them and for merged cells (xlsx.py, ods.py, xls.py). Every failure becomes a
SheetProblem an owner can act on.
"""

import zipfile
from functools import cached_property
from pathlib import Path

from ...i18n import gettext as _
from . import delimited, ods, xls, xlsx
from .extent import MAX_BYTES, SheetProblem, ods_extents, xls_extents, xlsx_extent

OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
MAX_UNPACKED = 4 * 2**30  # what a 100 MB spreadsheet's XML may add up to
MAX_SWELL = 1000  # XML packs 10-100 times; a thousand times is a zip bomb
MAX_SHARED_TEXT = 256 * 2**20  # the shared strings, which calamine and openpyxl hold whole
STREAM_ABOVE = 64 * 1024 * 1024  # sheet XML: ~120,000 rows of 10 columns, ~250 MB in calamine
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")


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
        self.suffix = Path(self.name).suffix.lower()
        self.kind = "csv" if self.suffix in (".csv", ".txt") else "sheet"
        if self.kind == "sheet" and self.suffix not in SPREADSHEETS:
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
        if ole and self.suffix in (".xlsx", ".xlsm"):
            # Excel keeps a password-protected .xlsx inside an OLE2 container
            raise SheetProblem(_("The file is protected with a password; save a copy without "
                                 "one and upload that."))
        # calamine reads every sheet of these when it opens them: each is measured first
        if ole:
            self._extents = xls_extents(self.path)
        elif self.suffix == ".ods" and zipfile.is_zipfile(self.path):
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
            return delimited.rows(self.path, self.name)
        if self._streamed(sheet):
            return xlsx.streamed_rows(self.path, sheet)
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
        read from the file in pieces: the readers give formula errors and formulas never
        calculated as empty cells, and calamine would load the whole sheet just to list its
        merged cells."""
        sheet = sheet or self.sheets[0]
        if zipfile.is_zipfile(self.path) and self.suffix == ".ods":
            return ods.scan(self.path, sheet)
        if self.suffix == ".xls" and self._ole:
            return xls.scan(self.path, sheet)
        part = self._parts.get(sheet)
        return xlsx.scan(self.path, part) if part is not None else ({}, [])

    @cached_property
    def _parts(self):
        """{sheet name: the zip member holding its cells} of an .xlsx; empty otherwise."""
        return {} if self.kind == "csv" else xlsx.parts(self.path)

    def height(self, sheet=None):
        """How many rows the sheet has (for progress), header and blank rows included."""
        sheet = sheet or self.sheets[0]
        if self.kind == "csv":
            return delimited.height(self.path)
        found = self.extent(sheet)
        return found.rows if found is not None else self._sheet(sheet).height
