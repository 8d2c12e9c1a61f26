"""Export what the user sees (filter, search, sort, columns) to .xlsx or .csv, streamed:
rows are read a page at a time and written by openpyxl's write-only workbook, so
memory does not grow with the number of rows.

Numbers, money and dates are real Excel values with number formats; choices, links
and users are the words a person reads, in the user's language. Each row carries its
id and version in hidden columns, so the file can be edited and imported back (a row
changed in the system meanwhile is flagged, not overwritten).
"""

import csv

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..catalog import catalog
from ..i18n import gettext as _
from ..i18n import in_locale
from ..queries import link_titles, matching
from .workbooks import cell, csv_text

PAGE = 2000
ID_COLUMNS = ("id", "_version")


def columns_of(entity, names=None):
    """The fields to export: those named (in that order), or every listed field."""
    if names:
        unknown = [n for n in names if n not in entity.by_name or entity.by_name[n].retired]
        if unknown:
            raise ValueError(_("%(entity)s has no field %(names)s.", entity=entity.label(),
                               names=", ".join(unknown)))
        return [entity.by_name[n] for n in names]
    return [f for f in entity.active_fields if not f.get("hidden")]


def pages(entity, condition=None, search=None, sort=None):
    """The matching rows, a page at a time, with the link titles of each page."""
    query, offset = matching(entity, condition, search, sort), 0
    while True:
        rows = list(query.limit(PAGE).offset(offset))
        if not rows:
            return
        yield rows, link_titles(entity, rows)
        offset += len(rows)
        if len(rows) < PAGE:
            return


def values(fields, row, linked, locale):
    out = []
    for field in fields:
        value = getattr(row, field.name)
        if field.name in linked and value is not None:
            out.append(linked[field.name].get(value, f"#{value}"))
        else:
            out.append(field.type.cell(value, field, locale))
    return out


def export(entity_name, path, fmt=None, condition=None, search=None, sort=None, columns=None,
           locale="en", progress=None):
    """Write the file (.csv or .xlsx, by `fmt` or the file's name); return the rows written."""
    fmt = fmt or ("csv" if str(path).lower().endswith(".csv") else "xlsx")
    entity = catalog().entity(entity_name)
    fields = columns_of(entity, columns)
    header = [f.label(locale) for f in fields]
    write = write_csv if fmt == "csv" else write_xlsx
    with in_locale(locale):
        return write(path, entity, fields, header, pages(entity, condition, search, sort),
                     locale, progress)


def write_xlsx(path, entity, fields, header, source, locale, progress):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(entity.plural(locale)[:31])
    formats = [f.type.number_format(f, locale) for f in fields]
    for index in range(len(fields) + 1, len(fields) + 3):  # the round-trip columns
        sheet.column_dimensions[get_column_letter(index)].hidden = True
    for index, field in enumerate(fields, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(header[index - 1]) + 4))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([cell(sheet, title, font=bold) for title in header + list(ID_COLUMNS)])
    done = 0
    for rows, linked in source:
        for row in rows:
            made = []
            for value, number_format in zip(values(fields, row, linked, locale), formats):
                made.append(cell(sheet, value, number_format=number_format)
                            if number_format and value is not None else cell(sheet, value))
            sheet.append(made + [row.id, row.gb_version])
        done += len(rows)
        if progress:
            progress(done)
    book.save(path)
    return done


def write_csv(path, entity, fields, header, source, locale, progress):
    """CSV as Excel in the user's locale opens it: UTF-8 with BOM; in Russian, ';' between
    values and ',' before decimals. Formula-like text gets a leading '."""
    delimiter, comma = (";", True) if locale == "ru" else (",", False)
    done = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, delimiter=delimiter)
        out.writerow([csv_text(title) for title in header] + list(ID_COLUMNS))
        for rows, linked in source:
            for row in rows:
                out.writerow([plain(v, comma) for v in values(fields, row, linked, locale)]
                             + [row.id, row.gb_version])
            done += len(rows)
            if progress:
                progress(done)
    return done


def plain(value, comma):
    from datetime import date, datetime
    from decimal import Decimal
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M" if comma else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y" if comma else "%Y-%m-%d")
    if isinstance(value, (Decimal, float)):
        return str(value).replace(".", ",") if comma else str(value)
    return csv_text(value)


NOTE = "↳ "  # the template's notes row starts each cell with this; imports skip the row


def template(entity_name, path, locale="en"):
    """An empty sheet to fill in: field labels, a notes row saying how to write each
    (required ones marked), and drop-down lists for choices, stages and yes/no."""
    with in_locale(locale):
        return _template(entity_name, path, locale)


def _template(entity_name, path, locale):
    from openpyxl.comments import Comment
    from openpyxl.worksheet.datavalidation import DataValidation
    entity = catalog().entity(entity_name)
    fields = [f for f in entity.active_fields if not f.get("hidden") and not f.get("read_only")]
    book = Workbook()
    sheet = book.active
    sheet.title = entity.plural(locale)[:31]
    lists = book.create_sheet("lists")
    lists.sheet_state = "hidden"
    bold = Font(bold=True)
    for column, field in enumerate(fields, start=1):
        letter = get_column_letter(column)
        head = sheet.cell(row=1, column=column, value=field.label(locale))
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
                lists.cell(row=row, column=column, value=label)
            rule = DataValidation(type="list", allow_blank=True,
                                  formula1=f"lists!${letter}$1:${letter}${len(options)}")
            rule.error = _("Pick one of the list.")
            sheet.add_data_validation(rule)
            rule.add(f"{letter}3:{letter}10000")
    sheet.freeze_panes = "A3"
    book.save(path)
    return path
