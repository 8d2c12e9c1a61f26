"""CSV: encoding by byte-order mark, else UTF-8 if the whole file decodes so, else cp1251
(Excel in Russia saves CSV so); delimiter guessed; read as a stream, line by line."""

import codecs
import csv

from ...i18n import gettext as _
from .cells import blank, unquoted
from .extent import MAX_BYTES, MAX_COLUMNS, SheetProblem

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))
csv.field_size_limit(MAX_BYTES)  # one long cell is the text field's to refuse, with a message


def rows(path, name):
    """The rows, read as a stream: a million-row CSV is not held as one string."""
    with open(path, encoding=encoding(path, name), newline="") as stream:
        try:
            dialect = csv.Sniffer().sniff(stream.read(20000).replace("\x00", ""),
                                          delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        stream.seek(0)
        # NUL: no one's text, and PostgreSQL refuses it
        reader = csv.reader((line.replace("\x00", "") for line in stream), dialect)
        try:
            for row in reader:
                if len(row) > MAX_COLUMNS:
                    raise SheetProblem(_(
                        "Line %(line)s of %(name)s has %(count)s columns; a table to import "
                        "has at most %(max)s. Check that the file is a table (one record "
                        "a line), or delete the extra columns.", line=reader.line_num,
                        name=name, count=len(row),
                        max=MAX_COLUMNS))
                yield [None if blank(value) else unquoted(value.strip()) for value in row]
        except csv.Error:
            raise SheetProblem(_("Line %(line)s of %(name)s could not be read as CSV; open "
                                 "the file in Excel or LibreOffice and save it as .xlsx.",
                                 line=reader.line_num, name=name)) from None


def encoding(path, name):
    """Decoded a megabyte at a time, to decide, not to keep."""
    with open(path, "rb") as raw:
        head = raw.read(4)
    guesses = [encoding for bom, encoding in BOMS if head.startswith(bom)] or \
        ["utf-8", "cp1251"]
    for guess in guesses:
        decoder = codecs.getincrementaldecoder(guess)()
        try:
            with open(path, "rb") as raw:
                for piece in iter(lambda: raw.read(2**20), b""):
                    decoder.decode(piece)
                decoder.decode(b"", final=True)
            return guess
        except UnicodeDecodeError:
            continue
    raise SheetProblem(_("%(name)s is not a text table; upload an .xlsx file, or save "
                         "the table as CSV (UTF-8).", name=name))


def height(path):
    """How many lines (for progress), header and blank lines included."""
    lines, last = 0, b"\n"
    with open(path, "rb") as raw:
        for piece in iter(lambda: raw.read(2**20), b""):
            lines, last = lines + piece.count(b"\n"), piece[-1:]
    return lines + (last != b"\n")  # the last line may have no line end
