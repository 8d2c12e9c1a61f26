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
from decimal import Decimal, InvalidOperation
from itertools import chain, islice

from ..catalog import catalog
from ..db import MAX_ID, database, fetch, matching_rows
from ..fields import FieldError
from ..i18n import gettext as _
from ..records import SYSTEM, Actor, RecordService, titles
from . import peek
from .columns import ROUND_TRIP, apply_choices, auto_map, header_row
from .exporter import NOTE
from .links import LinkResolver
from .sheets import Book, SheetProblem, as_typed, blank

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
                                if f.get("unique") and f.name in mapped), None)
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


class RowsPass:
    """One import's state across chunks: keys already seen, links resolved so far."""

    def __init__(self, entity, options, report, service, unread=None):
        self.entity, self.options, self.report, self.service = entity, options, report, service
        self.unread = unread or {}  # why a cell has no value (an Excel error), by (row, column)
        self.seen = {}  # key value -> the row number that had it first
        self.first = []
        self.links = {name: LinkResolver(entity.by_name[name]) for name in report.mapping.values()
                      if name in entity.by_name and entity.by_name[name].type.references
                      and entity.by_name[name].type.name == "link"}
        self.titles = {index: title for index, title in enumerate(report.header)}
        self.column_of = {name: self.titles[index] for index, name in report.mapping.items()}

    def run_chunk(self, chunk):
        if not self.first:
            self.first = chunk[:50]
        mapped = list(self.report.mapping.items())
        for name, resolver in self.links.items():
            index = next(i for i, n in mapped if n == name)
            resolver.prepare(row[index] for _number, row in chunk if index < len(row))
        plain = [(i, n) for i, n in mapped if n not in self.links and n not in ROUND_TRIP]
        special = [(i, n) for i, n in mapped if n in self.links or n in ROUND_TRIP]
        width = max((i + 1 for i, _n in mapped), default=0)
        # an export of ours (it has the id column) filled every cell from its record: an
        # empty one there was emptied on purpose
        clear = self.options.clear_blanks or "id" in self.report.mapping.values()
        rows = []  # (number, row, data, problems, record id, version)
        for number, row in chunk:
            cells = row if len(row) >= width else row + [None] * (width - len(row))
            if clear:
                data = {n: cells[i] for i, n in plain}
            else:  # a blank cell says nothing: the default, or the value the record has
                data = {n: c for i, n in plain
                        if (c := cells[i]) is not None and (type(c) is not str or c.strip())}
            problems, record_id, version = {}, None, None
            for index, name in special:
                cell = cells[index]
                if name == "id":
                    record_id = self.whole_number(cell, "id", problems)
                elif name == "_version":
                    version = self.whole_number(cell, "_version", problems)
                elif blank(cell):
                    if clear:
                        data[name] = None
                else:
                    found, message = self.links[name].find(cell)
                    if message:
                        problems[name] = message
                    else:
                        data[name] = found
            if self.unread:
                for index, name in mapped:
                    if (number - 1, index) in self.unread:
                        data.pop(name, None)
                        problems[name] = self.unread[number - 1, index]
            rows.append((number, row, data, problems, record_id, version))
        self.keep_links_as_they_are(rows, {name: index for index, name in mapped})
        keys = self.keys(rows)
        existing = self.existing(keys)
        items, numbers = [], []
        for (number, row, data, problems, record_id, version), key in zip(rows, keys):
            record_id = self.match(number, key, record_id, existing, problems)
            if record_id == "skip":
                continue  # a row with problems is refused saying them and all else wrong
            items.append({"id": record_id, "data": data, "version": version, "errors": problems})
            numbers.append((number, row))
        outcomes = self.service.save_batch(self.entity.name, items, self.options.on_conflict) \
            if items else []
        for (number, row), (kind, detail) in zip(numbers, outcomes):
            self.count(kind, number, row, detail)

    def keep_links_as_they_are(self, rows, columns):
        """An export names a linked record by its title, and titles repeat (two customers
        called Иван Петров): re-imported, such a cell of a known record keeps the link it
        has when it is that link's title, instead of being refused as ambiguous."""
        doubtful = {}  # record id -> [(data, problems, field name, cell text)]
        for _number, row, data, problems, record_id, _version in rows:
            for name in [n for n in problems if n in self.links and record_id is not None]:
                text = str(row[columns[name]]).strip()
                if text in self.links[name].several:
                    doubtful.setdefault(record_id, []).append((data, problems, name, text))
        if not doubtful:
            return
        names = sorted({name for items in doubtful.values() for _d, _p, name, _t in items})
        current = {row.id: row for row in fetch(self.entity.model, list(doubtful), ("id", *names))}
        shown = {name: titles(self.links[name].target,
                              [getattr(row, name) for row in current.values()]) for name in names}
        for record_id, items in doubtful.items():
            linked = current.get(record_id)
            for data, problems, name, text in items:
                now = getattr(linked, name) if linked is not None else None
                if now is not None and shown[name].get(now) == text:
                    data[name] = now
                    del problems[name]

    def count(self, kind, number, row, detail):
        self.report.total += 1
        if kind == "rejected":
            self.report.reject(number, row, {self.column_of.get(name) or self.label(name): message
                                             for name, message in detail.items()})
        else:
            setattr(self.report, kind, getattr(self.report, kind) + 1)

    def label(self, name):
        field = self.entity.by_name.get(name)
        return field.label() if field else name

    def whole_number(self, cell, name, problems):
        """The record number or version a round-trip column holds (None: blank)."""
        if blank(cell):
            return None
        try:
            number = Decimal(str(cell).strip())
            if number == number.to_integral_value() and 1 <= number <= MAX_ID:
                return int(number)
        except InvalidOperation:  # not a number at all, or NaN
            pass
        problems[name] = _("Not a record number: %(value)s.", value=as_typed(cell))
        return None

    def keys(self, rows):
        """Each row's key value, parsed as its field would (None: no key to match by)."""
        key = self.options.key
        if not key or self.options.mode == "insert":
            return [None] * len(rows)
        field = self.entity.by_name[key]
        return [self.key_value(field, data.get(key)) for _n, _r, data, *_rest in rows]

    def existing(self, keys):
        """{parsed key value: [ids]} of the chunk's records already in the table."""
        values = {value for value in keys if value is not None}
        if not values:
            return {}
        found = {}
        for record_id, value in matching_rows(self.entity.model, self.options.key, values):
            found.setdefault(value, []).append(record_id)
        return found

    def key_value(self, field, cell):
        try:
            return field.type.parse(cell, field, self.service.locale)
        except FieldError:
            return None

    def match(self, number, value, record_id, existing, problems):
        """The record a row updates (None: a new one), or "skip" (update mode, no match)."""
        options, key = self.options, self.options.key
        if record_id is not None or not key or options.mode == "insert":
            if options.mode == "insert" and record_id is not None:
                problems["id"] = _("Importing as new records only; leave the id column out.")
            return record_id
        field = self.entity.by_name[key]
        if value is None:
            if not problems.get(key) and options.mode == "update":
                problems[key] = _("Empty: needed to find the record to update.")
            return None
        if value in self.seen:
            problems[key] = _("The same %(field)s as row %(row)s; each record once, please.",
                              field=field.label(), row=self.seen[value])
            return None
        self.seen[value] = number
        ids = existing.get(value, [])
        if len(ids) > 1:
            problems[key] = _("%(n)s records have this %(field)s; choose a key that is unique.",
                              n=len(ids), field=field.label())
            return None
        if ids:
            return ids[0]
        if options.mode == "update":
            problems[key] = _("No record has this %(field)s.", field=field.label())
        return None


def remembered_mapping(entity_name):
    from ..tables import ImportMapping
    row = ImportMapping.get_or_none(ImportMapping.entity == entity_name)
    return row.columns if row else None


def remember_mapping(entity_name, header, mapping):
    from ..tables import ImportMapping
    columns = {header[index]: name for index, name in mapping.items()}
    ImportMapping.insert(entity=entity_name, columns=columns).on_conflict(
        conflict_target=[ImportMapping.entity], update={ImportMapping.columns: columns}).execute()


def import_source(job_id):
    """How an import's rows are marked in the audit (and found again to undo it)."""
    return f"import#{job_id}:"


def importer_actor(user, filename, job_id):
    """Who imports, and from which file: kept in the audit for every row."""
    source = f"{import_source(job_id)}{filename}"[:120]
    return Actor(user.id, user.username, source, role=user.role) if user else \
        Actor(None, "system", source, True)
