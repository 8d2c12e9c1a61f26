"""A report as an .xlsx file for the accountant: its table with real numbers and dates in
the user's formats, totals in bold; texts never become formulas."""

from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook

from ..transfer.workbooks import BOLD, cell, sheet_title
from .engine import tallies_of

READ = {"integer": int, "date": date.fromisoformat, "datetime": datetime.fromisoformat}


def value_of(column, value):
    """A JSON value of the table back to what a spreadsheet cell holds."""
    if value is None or column["kind"] == "group" or isinstance(value, int):
        return value
    return READ.get(column["type"], Decimal)(value)


def write_report(report, result, path, locale):
    formats = [t.number_format(locale) for t in tallies_of(report, locale)]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(result["name"]))
    columns = result["columns"]
    sheet.append([cell(sheet, c["label"], font=BOLD) for c in columns])

    def line(values, **style):
        out = []
        for column, value in zip(columns, values):
            made = cell(sheet, value_of(column, value), **style)
            if column["kind"] != "group":
                made.number_format = formats[column["measure"]]
            out.append(made)
        return out
    for values in result["rows"]:
        sheet.append(line(values))
    sheet.append(line(result["totals"], font=BOLD))
    book.save(path)
