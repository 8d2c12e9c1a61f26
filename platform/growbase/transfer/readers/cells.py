"""What every reader shares about one cell: blank or not, as typed, an export's guard
undone, a formula's error said for a person."""

from ...i18n import gettext as _


def unquoted(text):
    """Undo an export's guard: "'+7 912 ..." was written so that no spreadsheet runs it."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def formula_error(shown):
    return _("The cell shows %(error)s, an error of its formula; put the value itself there.",
             error=shown)


def as_typed(cell):
    """A cell as a person typed it: Excel keeps 42 as 42.0."""
    return int(cell) if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15 \
        else cell


def blank(value):
    return value is None or (isinstance(value, str) and not value.strip())
