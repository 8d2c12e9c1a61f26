"""The first rows of an uploaded file, read in a child process with a memory limit.

WARNING: the web process never parses an upload. A native reader (calamine) can abort
its whole process on a crafted file, and a web server shares its process with every
user's requests; a child that dies takes only this one answer with it.
"""

import json
import resource
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from itertools import islice
from pathlib import Path

from ..i18n import current_locale, in_locale
from ..i18n import gettext as _
from .readers import Book, SheetProblem

MEMORY = 2 * 2**30  # the child's address space: a sheet's first rows need far less
SECONDS = 60
SOURCE_ROOT = str(Path(__file__).resolve().parents[2])
TYPES = {"date": date, "datetime": datetime, "time": time}


def head(path, filename=None, sheet=None, rows=25):
    """(the file's sheets, the first `rows` rows of `sheet` or of the first sheet); a file
    that cannot be read raises SheetProblem, whatever it did to the child."""
    ask = {"path": str(path), "filename": filename, "sheet": sheet, "rows": rows,
           "locale": current_locale(), "memory": MEMORY}
    try:
        done = subprocess.run([sys.executable, "-m", __name__], input=json.dumps(ask),
                              capture_output=True, text=True, timeout=SECONDS,
                              env={"PYTHONPATH": SOURCE_ROOT, "PATH": "/usr/bin:/bin"})
    except subprocess.TimeoutExpired:
        raise SheetProblem(_("Reading the file took longer than %(seconds)s seconds; save it "
                             "as .xlsx or split it into parts.", seconds=SECONDS)) from None
    if done.returncode != 0 or not done.stdout:
        raise SheetProblem(_("%(name)s could not be read: it is damaged, or built to exhaust "
                             "memory. Open it in Excel or LibreOffice, copy the table to a new "
                             "file, and upload that.", name=filename or Path(path).name))
    answer = json.loads(done.stdout)
    if "problem" in answer:
        raise SheetProblem(answer["problem"])
    return answer["sheets"], [[_decoded(cell) for cell in row] for row in answer["rows"]]


def _encoded(value):
    if isinstance(value, timedelta):
        return value.total_seconds()
    for name, kind in reversed(TYPES.items()):  # a datetime is a date too: asked first
        if isinstance(value, kind):
            return {"$": name, "v": value.isoformat()}
    return value


def _decoded(value):
    if isinstance(value, dict):
        return TYPES[value["$"]].fromisoformat(value["v"])
    return value


def main():
    """In the child: read what was asked on stdin, answer JSON on stdout."""
    ask = json.load(sys.stdin)
    resource.setrlimit(resource.RLIMIT_AS, (ask["memory"], ask["memory"]))
    with in_locale(ask["locale"]):
        try:
            book = Book(ask["path"], ask["filename"])
            rows = [[_encoded(cell) for cell in row]
                    for row in islice(book.rows(ask["sheet"]), ask["rows"])]
            answer = {"sheets": book.sheets, "rows": rows}
        except SheetProblem as exc:
            answer = {"problem": str(exc)}
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
