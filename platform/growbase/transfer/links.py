"""Reading a link cell the way people write it: the record's number, its title, or a
value of one of its unique fields (a customer's phone or email, a product's SKU)."""

import re

from ..db import matching_rows
from ..fields import FieldError
from ..i18n import gettext as _
from .readers import blank


class LinkResolver:
    """Finds the linked records of one column, a chunk's distinct texts at a time."""

    def __init__(self, field):
        self.field = field
        self.target = field.type.target(field)
        self.known = {}  # cell text -> (id, None) or (None, message)
        self.cells = {}  # cell as read -> what find() answered
        self.several = set()  # texts that name more than one record
        titled = re.findall(r"{(\w+)}", self.target.title_template)
        self.keys = [f for f in self.target.active_fields
                     if f.unique or (len(titled) == 1 and f.name == titled[0])]

    def prepare(self, cells):
        """Look up every text of a chunk not seen before, a query per key field."""
        texts = {str(c).strip() for c in cells if not blank(c) and not self._number(c)}
        texts -= set(self.known)
        if not texts:
            return
        found = {text: set() for text in texts}
        model = self.target.model
        for key in self.keys:
            parsed = {}
            for text in texts:
                # an exported title ("ORD-00042 Иван Петров") leads with the record's key
                for candidate in dict.fromkeys([text, text.split()[0]]):
                    try:
                        value = key.type.parse(candidate, key)
                    except FieldError:
                        continue
                    parsed.setdefault(value, []).append(text)
            for record_id, value in matching_rows(model, key.name, parsed):
                for text in parsed.get(value, []):
                    found[text].add(record_id)
        for text, ids in found.items():
            self.known[text] = self._verdict(text, ids)

    def _verdict(self, text, ids):
        if len(ids) == 1:
            return next(iter(ids)), None
        label = self.target.label()
        if not ids:
            return None, _("No %(entity)s \"%(text)s\"; write its number or a unique field (%(keys)s).",
                           entity=label, text=text, keys=", ".join(k.label() for k in self.keys) or "#")
        self.several.add(text)
        return None, _("%(n)s records of %(entity)s match \"%(text)s\"; write the number (#id) or "
                       "a unique field instead.", n=len(ids), entity=label, text=text)

    @staticmethod
    def _number(cell):
        if isinstance(cell, (int, float)) and not isinstance(cell, bool):
            return float(cell).is_integer()
        return isinstance(cell, str) and bool(re.fullmatch(r"#?\d+", cell.strip()))

    def find(self, cell):
        """(id, None) or (None, message) for one cell (the same cells recur: remembered)."""
        memo = cell if type(cell) is str else (type(cell), cell)  # 1 == 1.0 == True
        found = self.cells.get(memo)
        if found is None:
            if self._number(cell):
                found = int(float(str(cell).strip().lstrip("#"))), None
            else:
                found = self.known.get(str(cell).strip(), (None, _("Not found.")))
            self.cells[memo] = found
        return found
