"""Export what the user sees (filter, search, sort, columns) to .xlsx or .csv, streamed:
rows are read a page at a time and written by openpyxl's write-only workbook, so
memory does not grow with the number of rows.

Numbers, money and dates are real Excel values with number formats; choices, links
and users are the words a person reads, in the user's language. Each row carries its
id and version in hidden columns, so the file can be edited and imported back (a row
changed in the system meanwhile is flagged, not overwritten).
"""

import csv
import io
import uuid
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from peewee import CharField, DateField, DateTimeField, Field, IntegerField, TextField

from ..fields.base import FieldType

from ..catalog import catalog
from ..db import database, is_postgres
from ..i18n import gettext as _
from ..i18n import in_locale
from ..permissions import access
from ..queries import matching
from ..records.parts import line_order, parts
from .workbooks import csv_text, sheet_title

PAGE = 2000
ID_COLUMNS = ("id", "_version")


def columns_of(entity, names=None):
    """The fields to export: those named (in that order), or every listed field; never one
    hidden from the acting role."""
    rights = access(entity)
    if names:
        unknown = [n for n in names if n not in entity.by_name or entity.by_name[n].retired
                   or not rights.shows(n)]
        if unknown:
            raise ValueError(_("%(entity)s has no field %(names)s.", entity=entity.label(),
                               names=", ".join(unknown)))
        return [entity.by_name[n] for n in names]
    return [f for f in entity.active_fields if not f.get("hidden") and rights.shows(f.name)]


def reader(column):
    """The column's conversion from what the driver gives, or None where it is nothing
    (whole numbers and text): peewee's row wrapper cost half of a CSV export."""
    plain = column.python_value.__func__ is Field.python_value and isinstance(
        column, (IntegerField, CharField, TextField))
    if plain:
        return None
    iso = {DateTimeField: datetime.fromisoformat, DateField: date.fromisoformat}.get(type(column))
    return iso_reader(iso, column.python_value) if iso else column.python_value


def iso_reader(parse, fallback):
    """SQLite gives dates as ISO text; peewee tries strptime formats one by one, ten times
    slower than fromisoformat. Anything else goes the usual way."""
    def read(value):
        if type(value) is str:
            try:
                return parse(value)
            except ValueError:
                pass
        return fallback(value)
    return read


def pages(entity, fields, condition=None, search=None, sort=None):
    """The matching rows as tuples (id, version, *fields), a page at a time, with the
    titles of the records each page links to: {field name: {id: title}}."""
    model = entity.model
    columns = [model.id, model.gb_version, *[getattr(model, f.name) for f in fields]]
    query = matching(entity, condition, search, sort).select(*columns)
    readers = [(index, reader(column)) for index, column in enumerate(columns)
               if reader(column) is not None]
    for rows in streamed(*query.sql()):
        if readers:
            rows = [list(row) for row in rows]
            for row in rows:
                for index, read in readers:
                    if row[index] is not None:
                        row[index] = read(row[index])
        linked = {}
        for index, field in enumerate(fields, start=2):
            if field.type.references:
                linked[field.name] = field.type.titles(
                    field, {row[index] for row in rows if row[index] is not None})
        yield rows, linked


def streamed(sql, params):
    """The query's rows, PAGE at a time, from one cursor (one snapshot): paging by OFFSET
    re-read, and for an unindexed sort re-sorted, every row before each page. PostgreSQL's
    driver would fetch the whole result at once, so there it is a cursor on the server."""
    if not is_postgres():
        cursor = database.execute_sql(sql, params)
        while rows := cursor.fetchmany(PAGE):
            yield rows
        return
    name = f"export_{uuid.uuid4().hex}"
    with database.atomic():  # the cursor lives as long as the transaction, closed with it
        database.execute_sql(f"DECLARE {name} NO SCROLL CURSOR FOR {sql}", params)
        while rows := database.execute_sql(f"FETCH {PAGE} FROM {name}").fetchall():
            yield rows


def converters(fields, locale):
    """One function per column turning a page's stored values into cell values, a column
    at a time: choices, stages and users looked up once per distinct value, links from
    the page's titles, plain text as it is."""
    return [_converter(field, locale) for field in fields]


def _converter(field, locale):
    kind, name = type(field.type), field.name
    if field.type.references:
        def convert(column, linked):
            titles = linked.get(name) or {}
            return [None if v is None else titles.get(v, f"#{v}") for v in column]
    elif kind.cell is FieldType.cell and kind.display is FieldType.display:
        def convert(column, linked):
            return [v if v is None or type(v) is str else str(v) for v in column]
    else:
        cell, memo = field.type.cell, {} if field.type.filter_key else None

        def one(value):
            if memo is None or isinstance(value, list):  # several choices: not a dict key
                return cell(value, field, locale)
            if value not in memo:
                memo[value] = cell(value, field, locale)
            return memo[value]

        def convert(column, linked):
            return [None if v is None else one(v) for v in column]
    return convert


def cell_rows(convert, rows, linked):
    """The page as rows of cell values (id and version left out)."""
    columns = list(zip(*rows))[2:] if rows else []
    return zip(*[c(column, linked) for c, column in zip(convert, columns)])


def export(entity_name, path, fmt=None, condition=None, search=None, sort=None, columns=None,
           locale="en", progress=None):
    """Write the file (.csv or .xlsx, by `fmt` or the file's name); return the rows written."""
    fmt = fmt or ("csv" if str(path).lower().endswith(".csv") else "xlsx")
    entity = catalog().entity(entity_name)
    fields = columns_of(entity, columns)
    header = [f.label(locale) for f in fields]
    write = write_csv if fmt == "csv" else write_xlsx
    with in_locale(locale):
        return write(path, entity, fields, header, pages(entity, fields, condition, search, sort),
                     locale, progress)


def write_xlsx(path, entity, fields, header, source, locale, progress):
    """XlsxWriter in constant-memory mode: each row goes to disk as it is written, and it
    writes twice as fast as openpyxl's write-only mode. Strings are always strings. The
    lines of the records written (an order's) follow on a sheet of their own."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False})
    written = []
    done = write_sheet(book, entity.plural(locale), fields, header, source, locale, progress,
                       written)
    for child, link in parts(entity):
        if access(child).can("read"):
            lines = columns_of(child)
            write_sheet(book, child.plural(locale), lines, [f.label(locale) for f in lines],
                        lines_of(child, lines, link, written), locale)
    book.close()
    return done


def lines_of(child, fields, link, ids):
    """The pages of `child` records whose `link` holds one of `ids`, 500 ids a query, each
    record's lines together and in their order."""
    sort = ",".join([link.name, line_order(child) or "id", "id"])
    for start in range(0, len(ids), 500):
        yield from pages(child, fields, {"field": link.name, "in": ids[start:start + 500]},
                         sort=sort)


def write_sheet(book, title, fields, header, source, locale, progress=None, written=None):
    """One sheet: the header, the rows a page at a time, the id and version hidden at the
    end; `written` collects the ids."""
    sheet = book.add_worksheet(sheet_title(title))
    formats = [book.add_format({"num_format": f.type.number_format(f, locale)})
               if f.type.number_format(f, locale) else None for f in fields]
    sheet.write_row(0, 0, header + list(ID_COLUMNS), book.add_format({"bold": True}))
    sheet.freeze_panes(1, 0)
    for index, title in enumerate(header):
        sheet.set_column(index, index, max(10, min(40, len(title) + 4)))
    sheet.set_column(len(fields), len(fields) + 1, None, None, {"hidden": True})
    done, convert, number = 0, converters(fields, locale), 0
    write_string, write_number, write_datetime = (sheet.write_string, sheet.write_number,
                                                  sheet.write_datetime)
    for rows, linked in source:
        for row, cells in zip(rows, cell_rows(convert, rows, linked)):
            number += 1
            for column, value in enumerate(cells):
                if value is None:
                    continue
                if type(value) is str:
                    write_string(number, column, value)
                elif isinstance(value, (date, datetime)):
                    write_datetime(number, column, value, formats[column])
                elif isinstance(value, bool):
                    write_string(number, column, str(value))
                else:
                    write_number(number, column, value, formats[column])
            write_number(number, len(fields), row[0])
            write_number(number, len(fields) + 1, row[1])
        if written is not None:
            written.extend(row[0] for row in rows)
        done += len(rows)
        if progress:
            progress(done)
    return done


def write_csv(path, entity, fields, header, source, locale, progress):
    """CSV as Excel in the user's locale opens it: UTF-8 with BOM; in Russian, ';' between
    values and ',' before decimals. Formula-like text gets a leading '."""
    delimiter, comma = (";", True) if locale == "ru" else (",", False)
    done, convert, writers = 0, converters(fields, locale), plain_writers(comma)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        page = io.StringIO()  # written to the file a page at a time, not a row at a time
        out = csv.writer(page, delimiter=delimiter)
        out.writerow([csv_text(title) for title in header] + list(ID_COLUMNS))
        for rows, linked in source:
            out.writerows((*[writers[type(v)](v) if type(v) in writers else v for v in cells],
                           row[0], row[1])
                          for row, cells in zip(rows, cell_rows(convert, rows, linked)))
            handle.write(page.getvalue())
            page.seek(0)
            page.truncate()
            done += len(rows)
            if progress:
                progress(done)
        handle.write(page.getvalue())  # the header alone, when nothing matched
    return done


def plain_writers(comma):
    """{type: the CSV text of a cell of that type}, in the locale's spelling (None and
    whole numbers the csv module writes itself)."""
    number = (lambda v: str(v).replace(".", ",")) if comma else str
    return {str: csv_text, Decimal: number, float: number,
            datetime: lambda v: v.strftime("%d.%m.%Y %H:%M" if comma else "%Y-%m-%d %H:%M"),
            date: lambda v: v.strftime("%d.%m.%Y" if comma else "%Y-%m-%d")}


NOTE = "↳ "  # the template's notes row starts each cell with this; imports skip the row


def text(sheet, row, column, value):
    """A cell holding text as text: a label like "=SUM(...)" is never a formula."""
    made = sheet.cell(row=row, column=column, value=value)
    made.data_type = "s"
    return made


def template(entity_name, path, locale="en"):
    """An empty sheet to fill in: the labels of the fields the acting role may fill, a notes
    row saying how to write each (required ones marked), and drop-down lists for choices,
    stages and yes/no."""
    with in_locale(locale):
        return _template(entity_name, path, locale)


def _template(entity_name, path, locale):
    from openpyxl.comments import Comment
    from openpyxl.worksheet.datavalidation import DataValidation
    entity = catalog().entity(entity_name)
    rights = access(entity)  # the columns the acting role may fill in
    fields = [f for f in entity.active_fields if not f.get("hidden") and not f.read_only
              and rights.shows(f.name) and f.name not in rights.read_only]
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(entity.plural(locale))
    lists = book.create_sheet("lists")
    lists.sheet_state = "hidden"
    bold = Font(bold=True)
    for column, field in enumerate(fields, start=1):
        letter = get_column_letter(column)
        head = text(sheet, 1, column, field.label(locale))
        head.font = bold
        note = field.type.hint(field, locale)
        if field.get("required"):
            note = _("required") + "; " + note
        sheet.cell(row=2, column=column, value=NOTE + note).font = Font(italic=True, color="808080")
        if field.help(locale):
            head.comment = Comment(field.help(locale), "growbase")
        sheet.column_dimensions[letter].width = max(14, min(40, len(note) + 4))
        options = [label for _value, label in field.type.filter_options(field, locale) or []] \
            if not field.type.references else []
        if options:
            for row, label in enumerate(options, start=1):
                text(lists, row, column, label)
            rule = DataValidation(type="list", allow_blank=True,
                                  formula1=f"lists!${letter}$1:${letter}${len(options)}")
            rule.error = _("Pick one of the list.")
            sheet.add_data_validation(rule)
            rule.add(f"{letter}3:{letter}10000")
    sheet.freeze_panes = "A3"
    book.save(path)
    return path
