"""The data-quality worklists as an .xlsx file for managers to work through: a first sheet
of every check with its count and fix, then a sheet per check with a problem listing its
records (the caller's rows only), whose they are and the values the check looks at."""

from openpyxl import Workbook

from ..catalog import catalog
from ..conditions import fields_in
from ..i18n import gettext as _
from ..queries import matching
from ..records import titles
from ..transfer.workbooks import BOLD, cell, sheet_title

ROWS_PER_CHECK = 10_000


def worklist(sheet, check, locale):
    entity = catalog().entity(check["entity"])
    found = entity.checks[[c.key for c in entity.checks].index(check["key"])]
    fields = [entity.by_name[n] for n in sorted(fields_in(found.when, entity))
              if n != found.who]
    who = entity.by_name[found.who] if found.who else None
    rows = list(matching(entity, found.when).limit(ROWS_PER_CHECK))
    named = titles(entity, [row.id for row in rows])
    people = who.type.titles(who, {getattr(r, who.name) for r in rows} - {None}) if who else {}
    sheet.append([cell(sheet, text, font=BOLD) for text in
                  [_("No."), entity.label(locale)] + ([who.label(locale)] if who else []) +
                  [f.label(locale) for f in fields]])
    for row in rows:
        whose = [people.get(getattr(row, who.name), "")] if who else []
        sheet.append([cell(sheet, value) for value in
                      [row.id, named.get(row.id, f"#{row.id}")] + whose +
                      [f.type.cell(getattr(row, f.name), f, locale) for f in fields]])


def write_quality(result, path, locale):
    book = Workbook(write_only=True)
    first = book.create_sheet(sheet_title(_("Data quality")))
    first.append([cell(first, text, font=BOLD) for text in (
        _("Check"), _("Records"), _("Criticality"), _("Problems"), _("What to do"))])
    for check in result["checks"]:
        first.append([cell(first, value) for value in (
            check["label"], check["entity_label"], _(check["criticality"]), check["count"],
            check["fix"])])
    used = set()
    for check in result["checks"]:
        if check["count"]:
            title = sheet_title(check["label"])
            while title in used:
                title = sheet_title(f"{title[:27]} {len(used)}")
            used.add(title)
            worklist(book.create_sheet(title), check, locale)
    book.save(path)
