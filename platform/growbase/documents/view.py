"""A record as a document sees it: every value printed as the document's language writes
it (2 500,00 ₽; 07.12.2026), still holding the value itself for the filters (the amount
in words), its links leading on, and its lines (an order's) as `record.lines`."""

from ..automation.templates import Blank, RecordView
from ..catalog import catalog
from ..records.parts import line_order, parts
from ..records.values import values_of


class Shown(str):
    """A value as printed, with the value it prints (`.value`) for the filters."""

    def __new__(cls, text, value):
        made = super().__new__(cls, text)
        made.value = value
        return made


class DocumentView(RecordView):
    def __getattr__(self, name):
        if name == "lines":
            return self._lines()
        found = super().__getattr__(name)
        if isinstance(found, (RecordView, Blank)):
            return found
        return Shown(found, self._values.get(name))

    def _lines(self):
        """The record's parts (an order's lines) in their order, as documents see them."""
        if "lines" not in self._links:
            self._links["lines"] = []
            for child, link in parts(self._entity)[:1]:
                model = child.model
                order = line_order(child)
                rows = model.select().where(getattr(model, link.name) == self._id).order_by(
                    *([getattr(model, order)] if order else []), model.id)
                self._links["lines"] = [type(self)(child, values_of(child, row), row.id,
                                                   self._locale, self._depth + 1)
                                        for row in rows]
        return self._links["lines"]


def view_of(entity_name, row, locale):
    entity = catalog().entity(entity_name)
    return DocumentView(entity, values_of(entity, row), row.id, locale)
