"""Writing xlsx files that are safe to open: text that Excel would run as a formula
(=, +, -, @ at the start) is stored as text, never as a formula."""

import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from ..i18n import gettext as _

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BAD = PatternFill("solid", fgColor="FFC7CE")
BOLD = Font(bold=True)


def sheet_title(text):
    """A name Excel accepts for a sheet: at most 31 characters, none of []:*?/\\, no
    apostrophe at either end (an entity's plural, which names the sheet, may hold any)."""
    return re.sub(r"\s*[\[\]:*?/\\]+\s*", " ", text).strip(" '")[:31].strip(" '") or "Sheet1"


def cell(sheet, value, **style):
    """A write-only cell; a string never becomes a formula."""
    made = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        made.data_type = "s"
    for name, setting in style.items():
        setattr(made, name, setting)
    return made


def csv_text(value):
    """A CSV value a spreadsheet will not run: a leading ' before formula characters."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_errors(report, path):
    """The rejected rows as they were, each bad cell marked, and a column saying why;
    fix them and import the file again. Streamed: the bad cells of the rows the report
    keeps in memory carry a comment too (openpyxl holds every comment until it saves)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Rejected rows"))
    header = list(report.header)
    problems_title = _("Problems")
    sheet.append([cell(sheet, title, font=BOLD) for title in header + [_("Row"), problems_title]])
    for index, (number, row, problems) in enumerate(report.every_problem()):
        values = list(row) + [None] * (len(header) - len(row))
        cells = []
        for title, value in zip(header, values):
            marked = title in problems
            made = cell(sheet, value, fill=BAD) if marked else cell(sheet, value)
            if marked and index < len(report.problems):
                made.comment = Comment(problems[title], "growbase")
            cells.append(made)
        sheet.append(cells + [number, cell(sheet, "; ".join(
            f"{column}: {message}" for column, message in problems.items()))])
    book.save(path)
    return path
