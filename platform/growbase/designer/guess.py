"""A new entity from a spreadsheet: each column becomes a field with a guessed type.

The owner confirms or changes every guess in the designer before anything is created;
the guess only has to be right most of the time. A type is chosen when every filled
cell of a sample reads as it (a phone, an e-mail, a date, money, a short list of
choices); otherwise the column stays text.
"""

import datetime as dt
import re
from decimal import Decimal

from email_validator import EmailNotValidError, validate_email

from ..definitions.entity import Entity
from ..fields import FieldError, field_types
from ..i18n import gettext as _
from ..transfer import peek
from ..transfer.readers import SheetProblem, blank

SAMPLE = 500
MAX_CHOICES = 12
MONEY_WORDS = ("price", "amount", "sum", "total", "cost", "цена", "сумма", "стоимость", "итого")
CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n",
                     "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y",
                     "", "e", "yu", "ya"]))


def field_name(label, taken):
    """A name the meta-schema accepts (latin, lowercase), unique among `taken`."""
    text = "".join(CYRILLIC.get(c, c) for c in str(label).lower())
    name = re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:36] or "column"
    if not name[0].isalpha():
        name = f"c_{name}"[:36]
    base, n = name, 2
    while name in taken or name == "id":
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def reads_as(type_name, values):
    """Whether every value parses as the type (phones in the Russian national format too)."""
    ftype, spec = field_types[type_name], {"name": "x", "type": type_name}
    field = Entity({"entity": "x", "fields": [dict(spec, id="f1")]}).fields[0]
    try:
        for value in values:
            ftype.parse(value, field)
    except (FieldError, ValueError, TypeError):
        return False
    return True


def is_email(value):
    try:
        validate_email(str(value), check_deliverability=False)
        return "@" in str(value)
    except EmailNotValidError:
        return False


def guess_type(label, values):
    """(type, extra options) for one column's non-empty sample values."""
    if not values:
        return "text", {}
    if all(isinstance(v, bool) for v in values) or (
            all(str(v).strip().lower() in ("yes", "no", "да", "нет", "true", "false")
                for v in values)):
        return "boolean", {}
    if all(isinstance(v, (dt.datetime, dt.date)) for v in values):
        timed = any(isinstance(v, dt.datetime) and v.time() != dt.time() for v in values)
        return ("datetime" if timed else "date"), {}
    texts = [str(v).strip() for v in values]
    if all(is_email(t) for t in texts):
        return "email", {}
    if all(len(re.sub(r"\D", "", t)) >= 10 for t in texts) and reads_as("phone", texts):
        return "phone", {}
    if all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in values):
        if any(word in str(label).lower() for word in MONEY_WORDS):
            return "money", {"currency": "RUB"}
        whole = all(float(v).is_integer() for v in values)
        return ("integer" if whole else "decimal"), {}
    if reads_as("date", texts) and all(re.search(r"\d", t) for t in texts):
        return "date", {}
    distinct = list(dict.fromkeys(texts))
    if 2 <= len(distinct) <= MAX_CHOICES and len(distinct) * 3 <= len(texts):
        values_taken = set()
        return "choice", {"options": [{"value": field_name(d, values_taken), "label": d}
                                      for d in distinct]}
    return ("long_text" if max(map(len, texts)) > 200 else "text"), {}


def guess_entity(path, filename=None):
    """{"header", "fields": [field specs], "rows": sample size} of a file's first sheet."""
    rows = [row for row in peek.head(path, filename, rows=SAMPLE + 20)[1]
            if not all(blank(c) for c in row)]
    if not rows:
        raise SheetProblem(_("The sheet is empty: put a header row and some rows in it."))
    header, body = rows[0], rows[1:SAMPLE + 1]
    taken, fields = set(), []
    for index, title in enumerate(header):
        if blank(title):
            continue
        values = [row[index] for row in body if index < len(row) and not blank(row[index])]
        type_name, extra = guess_type(title, values)
        fields.append(dict({"name": field_name(title, taken), "type": type_name,
                            "label": str(title).strip()}, **extra))
    return {"header": [None if blank(c) else str(c) for c in header], "fields": fields,
            "rows": len(body)}
