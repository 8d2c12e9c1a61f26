"""Reading uploaded tables safely, one module per format: book (the file, whatever its
format), extent (how far a sheet reaches, measured before any reader loads it), xlsx, ods,
xls, delimited (CSV), and cells (what every reader shares about one cell)."""

from .book import Book
from .cells import as_typed, blank
from .extent import MAX_BYTES, SheetProblem

__all__ = ["MAX_BYTES", "Book", "SheetProblem", "as_typed", "blank"]
