"""How far a sheet's cells reach, read from the file before any reader loads it.

WARNING: calamine builds a dense grid from the first used cell to the last (32 bytes a
cell) and, when that allocation fails, Rust aborts the whole process: a 5 KB workbook
with one cell at XFD1048576 asks for terabytes and kills the server or the worker. A
sheet that spans far more cells than its XML could hold is refused here, with a message;
a big but honest one is read streamed instead of through the grid.
"""

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import xlrd

from ...errors import GrowbaseError
from ...i18n import gettext as _

MAX_BYTES = 100 * 1024 * 1024  # an upload: a bigger table is split into parts
MAX_COLUMNS = 1000  # a table to import is a few dozen columns; Excel stops at 16,384
FLOOR = 2_000_000  # cells any sheet may span, whatever its size (64 MB of grid)
PER_BYTE = 2  # beyond that, cells a byte of XML may span: a real cell takes 10 bytes or more
GRID_MAX = 12_000_000  # cells calamine's grid may hold (~400 MB); beyond, read streamed
PIECE = 4 * 2**20

ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")  # some writers prefix (<x:row>)
TAG = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*?)(/?)>')
REF = re.compile(rb'\br="([A-Z]*)(\d*)"')
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"  # OpenDocument's names
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def column_index(letters):
    """"A" -> 0, "AB" -> 27."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def column_letters(count):
    """27 -> "AA": the name of the count-th column."""
    letters = ""
    while count:
        count, rest = divmod(count - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class SheetProblem(GrowbaseError, ValueError):
    """The file cannot be read as a table; the message says why and what to do."""


@dataclass
class Extent:
    """The rows and columns a sheet's cells reach (counted from A1), and the bytes of the
    XML that holds them."""
    rows: int
    columns: int
    size: int

    @property
    def cells(self):
        return self.rows * self.columns

    @property
    def gridded(self):
        """May calamine build its grid for this sheet?"""
        return self.cells <= GRID_MAX

    def check(self, sheet, streamable):
        """Refuse a sheet no reader should be asked to load, saying what to do; only an
        .xlsx sheet can be read streamed when calamine's grid would be too big."""
        corner = f"{column_letters(self.columns)}{self.rows}"
        if self.columns > MAX_COLUMNS:
            raise SheetProblem(_(
                "Sheet \"%(sheet)s\" has cells as far right as column %(corner)s; a table to "
                "import has at most %(max)s columns. Delete the columns to the right of your "
                "table (or copy the table to a new sheet), save, and upload it again.",
                sheet=sheet, corner=column_letters(self.columns), max=MAX_COLUMNS))
        if self.cells > max(FLOOR, self.size * PER_BYTE):
            raise SheetProblem(_(
                "Sheet \"%(sheet)s\" reaches cell %(corner)s but holds far fewer cells than "
                "that: something stray sits far from the table. Delete the rows below and the "
                "columns to the right of your table (Ctrl+End shows the last cell), save, and "
                "upload it again.", sheet=sheet, corner=corner))
        if not (streamable or self.gridded):
            raise SheetProblem(_(
                "Sheet \"%(sheet)s\" is too big to read in this format (it reaches cell "
                "%(corner)s); save it as .xlsx and upload that, or split it into parts.",
                sheet=sheet, corner=corner))


def xlsx_extent(archive, part):
    """The extent of one .xlsx sheet, its XML read in pieces. Rows and cells usually name
    their place (r="B7"): then counting is left to bytes.count and the regex engine (a
    300,000-row sheet in about a second). A writer that leaves places out has each tag
    walked, counting places as calamine does."""
    rows = columns = size = 0
    counts = [0, 0, 0, 0]  # row tags, rows naming their place, cell tags, cells naming theirs
    carry, forms = b"", None
    with archive.open(part) as xml:
        for piece in iter(lambda: xml.read(PIECE), b""):
            size += len(piece)
            text = carry + piece
            cut = text.rfind(b">") + 1  # no tag is split between two pieces
            text, carry = text[:cut], text[cut:]
            if forms is None:
                found = ROOT.search(text)
                forms = _tag_forms((found.group(1) or b"") if found else b"")
            numbers = forms["row_ref"].findall(text)
            counts[0] += sum(text.count(form) for form in forms["row"])
            counts[1] += len(numbers)
            counts[2] += sum(text.count(form) for form in forms["cell"])
            counts[3] += text.count(forms["cell_ref"])
            rows = max(rows, max(map(int, numbers), default=0))
            wide = set(forms["wide"].findall(text))  # columns AA and beyond, cells with a value
            columns = max(columns, max((column_index(w.decode()) + 1 for w in wide), default=0))
    if counts[0] != counts[1] or counts[2] != counts[3]:
        return _walked_extent(archive, part, size)
    return Extent(rows, max(columns, 26 if counts[2] else 0), size)


def _tag_forms(prefix):
    """How rows and cells are spelt in a sheet whose elements carry `prefix`."""
    row, cell = b"<" + prefix + b"row", b"<" + prefix + b"c"
    return {"row": (row + b" ", row + b">", row + b"/>"),
            "row_ref": re.compile(re.escape(row) + rb' r="(\d+)"'),
            "cell": (cell + b" ", cell + b">", cell + b"/>"), "cell_ref": cell + b' r="',
            "wide": re.compile(re.escape(cell) + rb' r="([A-Z]{2,3})\d+"[^>]*(?<!/)>')}


def _walked_extent(archive, part, size):
    """The extent of a sheet whose rows or cells do not all name their place: a row
    without one follows the previous row, a cell without one the previous cell."""
    row = column = rows = columns = 0
    carry = b""
    with archive.open(part) as xml:
        for piece in iter(lambda: xml.read(PIECE), b""):
            text = carry + piece
            cut = text.rfind(b">") + 1
            text, carry = text[:cut], text[cut:]
            for tag, attributes, empty in TAG.findall(text):
                ref = REF.search(attributes)
                if tag == b"row":
                    row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                    column = 0
                    continue
                column = column_index(ref.group(1).decode()) + 1 if ref and ref.group(1) \
                    else column + 1
                if ref and ref.group(2):
                    row = max(row, int(ref.group(2)))
                rows = max(rows, row)
                if not empty:
                    columns = max(columns, column)
    return Extent(rows, columns, size)


def ods_extents(path):
    """The extent of each sheet of an OpenDocument file: cells with a value, repeats
    counted (LibreOffice ends every sheet with empty cells repeated to its edge)."""
    extents, row = {}, 0
    with zipfile.ZipFile(path) as archive:
        size = archive.getinfo("content.xml").file_size
        with archive.open("content.xml") as xml:
            name, rows, columns = None, 0, 0
            for event, element in ElementTree.iterparse(xml, ("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == TABLE + "table":
                        name, row, rows, columns = element.get(TABLE + "name"), 0, 0, 0
                    continue
                if tag == TABLE + "table-row":
                    down = int(element.get(TABLE + "number-rows-repeated", 1))
                    reach = 0
                    for cell in element:
                        across = int(cell.get(TABLE + "number-columns-repeated", 1))
                        reach += across
                        if cell.get(OFFICE + "value-type") or len(cell):
                            columns = max(columns, reach)
                            rows = max(rows, row + down)
                    row += down
                    element.clear()
                elif tag == TABLE + "table":
                    extents[name] = Extent(rows, columns, size)
                    element.clear()
    return extents


def xls_extents(path):
    """The extent of each sheet of an Excel 97-2003 file, through xlrd (rows kept ragged,
    so a far cell costs one row, not a grid)."""
    try:
        book = xlrd.open_workbook(str(path), on_demand=True, ragged_rows=True)
    except Exception:  # what xlrd cannot read is left to calamine's judgement
        return {}
    size, extents = Path(path).stat().st_size, {}
    try:
        for name in book.sheet_names():
            cells = book.sheet_by_name(name)
            extents[name] = Extent(cells.nrows, max(map(cells.row_len, range(cells.nrows)),
                                                    default=0), size)
            book.unload_sheet(name)
    except Exception:
        return {}
    finally:
        book.release_resources()
    return extents
