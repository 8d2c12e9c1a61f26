"""One import's rows, a chunk at a time: cells to values, keys to the records they find,
links by title, then one save_batch per chunk and each row counted on the report."""

from decimal import Decimal, InvalidOperation

from ..db import MAX_ID, fetch, matching_rows
from ..fields import FieldError
from ..i18n import gettext as _
from ..records import titles
from .columns import ROUND_TRIP
from .links import LinkResolver
from .readers import as_typed, blank


class RowsPass:
    """One import's state across chunks: keys already seen, links resolved so far."""

    def __init__(self, entity, options, report, service, unread=None):
        self.entity, self.options, self.report, self.service = entity, options, report, service
        self.unread = unread or {}  # why a cell has no value (an Excel error), by (row, column)
        self.seen = {}  # key value -> the row number that had it first
        self.first = []
        self.links = {name: LinkResolver(entity.by_name[name]) for name in report.mapping.values()
                      if name in entity.by_name and entity.by_name[name].type.links_entity}
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
