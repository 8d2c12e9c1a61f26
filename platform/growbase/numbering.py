"""Autonumbers: a format like "ORD-{00000}" or "INV-{YYYY}-{0000}" and a counter per
field (per year with {YYYY}) in gb_counter, taken inside the creating transaction, so two
writers never get one number, a refused or rolled-back record gives none away, and a
deleted record's number is never given again."""

import re
from datetime import datetime

from .tables import Counter

PART = re.compile(r"\{(YYYY|0+)\}")


def per_year(fmt):
    return "{YYYY}" in fmt


def render(fmt, number, year):
    def part(match):
        token = match.group(1)
        return str(year) if token == "YYYY" else str(number).zfill(len(token))
    return PART.sub(part, fmt)


def pattern(fmt):
    """A regex reading (year or None, number) back from a value written in `fmt`."""
    out, last = "", 0
    for match in PART.finditer(fmt):
        out += re.escape(fmt[last:match.start()])
        out += r"(?P<year>\d{4})" if match.group(1) == "YYYY" else r"(?P<number>\d+)"
        last = match.end()
    return re.compile(out + re.escape(fmt[last:]) + "$")


def key(entity, field, year):
    return f"{entity.name}.{field.id}" + (f".{year}" if per_year(field.get("format")) else "")


def take(entity, field, count, year):
    """The first of `count` new numbers (the counter moves on by `count`)."""
    name = key(entity, field, year)
    Counter.insert(key=name, value=0).on_conflict_ignore().execute()
    Counter.update(value=Counter.value + count).where(Counter.key == name).execute()
    return Counter.get_by_id(name).value - count + 1


def give_numbers(entity, plans, fields):
    """Number the new records of `plans` (in order) for each autonumber field."""
    year = datetime.now().year
    for field in fields:
        first, fmt = take(entity, field, len(plans), year), field.get("format")
        for offset, plan in enumerate(plans):
            plan.merged[field.name] = render(fmt, first + offset, year)
            plan.changed = [*plan.changed, field.name]


def catch_up(entity, field):
    """A field that became an autonumber: its counter goes past every number records
    already hold in its format (typed ones kept), and records without one get theirs."""
    model, fmt, read = entity.model, field.get("format"), pattern(field.get("format"))
    column = getattr(model, field.name)
    highest = {}
    for (value,) in model.select(column).where(column.is_null(False)).tuples().iterator():
        found = read.match(value)
        if found:
            year = int(found.group("year")) if per_year(fmt) else None
            highest[year] = max(highest.get(year, 0), int(found.group("number")))
    for year, number in highest.items():
        name = key(entity, field, year)
        Counter.insert(key=name, value=0).on_conflict_ignore().execute()
        Counter.update(value=number).where(
            (Counter.key == name) & (Counter.value < number)).execute()
    empty = model.select(model.id, model.gb_created_at).where(column.is_null()).order_by(model.id)
    for row in empty.iterator():
        year = row.gb_created_at.year
        number = take(entity, field, 1, year)
        model.update({column: render(fmt, number, year)}).where(model.id == row.id).execute()
