"""Import a sheet into an entity: map columns, check every row, upsert, report.

Rows go through the record service in chunks (one transaction each, or one for the
whole file when the owner asks for all or nothing); a dry run is the same work rolled
back, so its report is exactly what a real run would do. Imports are silent unless
asked: ten thousand rows must not send ten thousand SMS by surprise.
"""

import gc
import pickle
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field as dataclass_field
from itertools import chain, islice

from ..catalog import catalog
from ..db import database
from ..i18n import gettext as _
from ..records import SYSTEM, Actor, RecordService
from ..tables import ImportMapping
from . import peek
from .columns import apply_choices, auto_map, header_row
from .exporter import NOTE
from .rows import RowsPass
from .readers import Book, SheetProblem, as_typed, blank

CHUNK = 2000
KEPT = 1000  # rejected rows kept in memory (shown, commented in the error file)
MODES = ("insert", "update", "upsert")


class Rollback(Exception):
    """Leave the import's transaction without keeping anything (dry run, all or nothing)."""


@dataclass
class Options:
    entity: str
    sheet: str | None = None
    mapping: dict | None = None  # {column title: field name, or "" to leave it out}
    key: str | None = None  # the field that finds existing records (phone, email, number)
    mode: str = "upsert"
    all_or_nothing: bool = False
    fire: bool = False  # run automations for the imported rows
    clear_blanks: bool = False  # a blank cell empties the field (an export's always does)
    dry_run: bool = False
    on_conflict: str = "flag"  # a row changed since its export: flag it, or "mine"
    locale: str | None = None  # how the file writes numbers and dates (the user's by default)


@dataclass
class Report:
    total: int = 0
    expected: int = 0  # rows in the sheet below the header (blank ones included)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    written: bool = False
    dry_run: bool = False
    header: list = dataclass_field(default_factory=list)
    mapping: dict = dataclass_field(default_factory=dict)  # {column index: field name}
    notes: list = dataclass_field(default_factory=list)
    # the first KEPT rejected rows [(row number, cells, {column: msg})]; the rest on disk
    problems: list = dataclass_field(default_factory=list)

    def __post_init__(self):
        self.spilled = None  # (not a field: asdict() leaves it out)

    @property
    def done(self):
        return self.created + self.updated + self.unchanged + self.rejected

    def reject(self, number, row, problems):
        """A million rejected rows must not be a million rows in memory."""
        self.rejected += 1
        if len(self.problems) < KEPT:
            self.problems.append((number, row, problems))
            return
        if self.spilled is None:
            self.spilled = tempfile.TemporaryFile()
        pickle.dump((number, row, problems), self.spilled)

    def every_problem(self):
        """All the rejected rows, in order: those kept, then those on disk."""
        yield from self.problems
        if self.spilled is not None:
            self.spilled.seek(0)
            while True:
                try:
                    yield pickle.load(self.spilled)  # (written by this process, above)
                except EOFError:
                    return

    def summary(self):
        counts = dict(rows=self.total, created=self.created, updated=self.updated,
                      unchanged=self.unchanged, rejected=self.rejected)
        if self.dry_run:
            return _("Dry run, nothing written. %(rows)s rows: %(created)s would be created, "
                     "%(updated)s updated, %(unchanged)s unchanged, %(rejected)s rejected.",
                     **counts)
        return _("%(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s "
                 "unchanged, %(rejected)s rejected.", **counts)


def run_import(path, options, actor=SYSTEM, filename=None, progress=None, conclude=None):
    """Import the file; return the Report. Raises SheetProblem when it cannot start.
    Cells are read as options.locale writes them; messages speak the caller's language.
    `conclude(report)` runs in the transaction that writes the rows, before it commits."""
    with fewer_collections():
        return _run_import(path, options, actor, filename, progress, conclude)


@contextmanager
def fewer_collections():
    """An import makes millions of short-lived objects; at Python's default pace the cycle
    collector ran every 700 of them and took a quarter of the import's time."""
    before = gc.get_threshold()
    gc.set_threshold(20_000, 20, 10)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _run_import(path, options, actor, filename, progress, conclude):
    if options.mode not in MODES:
        raise SheetProblem(_("Mode must be one of: %(modes)s.", modes=", ".join(MODES)))
    entity = catalog().entity(options.entity)
    book = Book(path, filename)
    rows = book.rows(options.sheet)
    head = list(islice(rows, 20))
    index, header = header_row(head, entity)
    sheet = options.sheet or book.sheets[0]
    report = Report(header=header, expected=max(0, book.height(sheet) - index - 1),
                    dry_run=options.dry_run)
    unread, merged = book.scan(sheet)
    if any(top <= index <= bottom and left != right for (top, left), (bottom, right) in merged):
        raise SheetProblem(_("Some header cells are merged; unmerge them so that every column "
                             "has its own name, and upload the file again."))
    if options.mapping:
        report.mapping = apply_choices(entity, header, options.mapping)
    else:
        report.mapping, report.notes = auto_map(entity, header, remembered_mapping(entity.name))
    if not report.mapping:
        raise SheetProblem(_("No column of the file matches a field of %(entity)s. Name the "
                             "columns as the fields are labelled (%(labels)s), or match them "
                             "by hand.", entity=entity.label(), labels=", ".join(
                                 f.label() for f in entity.active_fields[:4])))
    check_key(entity, options, report.mapping)
    data_rows = ((number, row) for number, row in
                 enumerate(chain(head[index + 1:], rows), start=index + 2)
                 if data_row(row))
    service = RecordService(actor, locale=options.locale, silent=not options.fire)
    rows_pass = RowsPass(entity, options, report, service, unread)
    try:
        with database.atomic():  # the whole file: rejected rows are never written at all
            with service.rollups_at_end():  # an order its lines in many chunks: once
                while True:
                    chunk = list(islice(data_rows, CHUNK))
                    if not chunk:
                        break
                    rows_pass.run_chunk(chunk)
                    if progress:
                        progress(report)
            unnamed = [i for i, title in enumerate(header) if title is None]
            if unnamed and any(not blank(row[i]) for _n, row in rows_pass.first
                               for i in unnamed if i < len(row)):
                report.notes.append(_("Some columns have no name in the header row; their "
                                      "values were not imported."))
            report.written = not options.dry_run and not (options.all_or_nothing and
                                                          report.rejected)
            if not report.written:
                raise Rollback()
            # in the rows' transaction: a crash or a busy database after the commit cannot
            # leave the rows without their record, nor make a worker run the import twice
            remember_mapping(entity.name, header, report.mapping)
            if conclude:
                conclude(report)
    except Rollback:
        if options.dry_run:
            remember_mapping(entity.name, header, report.mapping)
    return report


def preview(path, entity_name, filename=None, sheet=None, rows_shown=5):
    """What the mapping page shows: sheets, header, the suggested mapping and notes,
    and the first rows as they are in the file."""
    entity = catalog().entity(entity_name)
    sheets, head = peek.head(path, filename, sheet, 20 + rows_shown)
    index, header = header_row(head, entity)
    mapping, notes = auto_map(entity, header, remembered_mapping(entity.name))
    sample = [[as_typed(c) for c in row] for row in head[index + 1:] if data_row(row)][:rows_shown]
    return {"sheets": sheets, "sheet": sheet or sheets[0], "header": header,
            "mapping": mapping, "notes": notes, "sample": sample}


def data_row(row):
    """Has the row values, and is it not the import template's row saying how to write
    each column? (Asked of every row: the first filled cell mostly answers.)"""
    first = next((cell for cell in row if not blank(cell)), None)
    if first is None:
        return False
    if not (isinstance(first, str) and first.startswith(NOTE)):
        return True
    return not all(isinstance(c, str) and c.startswith(NOTE) for c in row if not blank(c))


def check_key(entity, options, mapping):
    """The key must be a field with a column; without one, a unique mapped field is used."""
    mapped = set(mapping.values())
    if options.mode != "insert" and "id" not in mapped:
        if not options.key:
            options.key = next((f.name for f in entity.active_fields
                                if f.unique and f.name in mapped), None)
        if not options.key:
            raise SheetProblem(_("Choose the field that finds existing records (like phone or "
                                 "email), or import as new records only."))
        field = entity.by_name.get(options.key)
        if field is None or field.retired:
            raise SheetProblem(_("%(entity)s has no field %(field)s to find records by.",
                                 entity=entity.label(), field=options.key))
        if options.key not in mapped:
            raise SheetProblem(_("No column fills %(field)s, the field that finds existing "
                                 "records.", field=field.label()))


def remembered_mapping(entity_name):
    row = ImportMapping.get_or_none(ImportMapping.entity == entity_name)
    return row.columns if row else None


def remember_mapping(entity_name, header, mapping):
    columns = {header[index]: name for index, name in mapping.items()}
    ImportMapping.insert(entity=entity_name, columns=columns).on_conflict(
        conflict_target=[ImportMapping.entity], update={ImportMapping.columns: columns}).execute()


def import_source(job_id):
    """How an import's rows are marked in the audit (and found again to undo it)."""
    return f"import#{job_id}:"


def importer_actor(user, filename, job_id):
    """Who imports, and from which file: kept in the audit for every row."""
    source = f"{import_source(job_id)}{filename}"[:120]
    return Actor(user.id, user.username, source) if user else \
        Actor(None, "system", source, True)
