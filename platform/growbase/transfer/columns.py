"""Finding the header row and matching its columns to fields, as a person would.

A column matches a field by its name or by its label in any UI language, ignoring case,
spaces and punctuation ("Телефон", "phone", "PHONE #" all find `phone`). The owner can
change any match; the last mapping used for an entity is remembered.
"""

from ..definitions.entity import normal
from ..i18n import gettext as _
from .readers import SheetProblem, blank

LOOK_FOR_HEADER = 20  # rows above the table (a title, a date) are skipped
ROUND_TRIP = {"id": "id", "_version": "_version"}  # an export's hidden columns


def header_row(rows, entity):
    """(index, header cells): among the first rows, the one naming the most fields (a
    title or a date above the table is passed over); else the first row of words."""
    known = names_of(entity)
    best, best_score = None, 0
    for index, row in enumerate(rows[:LOOK_FOR_HEADER]):
        texts = [cell for cell in row if isinstance(cell, str) and cell.strip()]
        filled = [cell for cell in row if not blank(cell)]
        if not texts or len(texts) < max(1, len(filled) // 2):
            continue
        score = sum(normal(text) in known for text in texts)
        if best is None or score > best_score:
            best, best_score = index, score
    if best is not None:
        return best, [None if blank(cell) else str(cell).strip() for cell in rows[best]]
    raise SheetProblem(_("No header row found: the first row of the table should name its "
                         "columns (Name, Phone, ...)."))


def names_of(entity):
    """{normal text: field name} for every way a column may name a field."""
    found = {normal(title): name for title, name in ROUND_TRIP.items()}
    for field in entity.active_fields:
        for text in [field.name, *field.labels().values()]:
            found.setdefault(normal(text), field.name)
    return found


def auto_map(entity, header, remembered=None):
    """{column index: field name}, and what could not be matched, as sentences."""
    known = names_of(entity)
    remembered = {normal(k): v for k, v in (remembered or {}).items()}
    mapping, notes, taken = {}, [], {}
    # record numbers come from our own exports, which carry _version beside id; another
    # system's "ID" column must not pick our records to overwrite
    exported = normal("_version") in {normal(title) for title in header if title is not None}
    for index, title in enumerate(header):
        if title is None:
            continue
        key = normal(title)
        name = remembered.get(key, known.get(key))
        if name == "id" and not exported:
            notes.append(_("Column \"%(column)s\" is not imported: record numbers are read "
                           "only from a file exported from here. Choose the id field for it "
                           "if these are this system's numbers.", column=title))
        elif name == "" or name is None:
            notes.append(_("Column \"%(column)s\" is not imported: no field is called that.",
                           column=title))
        elif name in taken:
            notes.append(_("Column \"%(column)s\" is not imported: \"%(other)s\" already fills "
                           "%(field)s.", column=title, other=header[taken[name]], field=name))
        elif name in entity.by_name and entity.by_name[name].automatic:
            notes.append(_("Column \"%(column)s\" is not imported: growbase gives %(field)s "
                           "(a formula or an autonumber).", column=title,
                           field=entity.by_name[name].label()))
        else:
            mapping[index] = name
            taken[name] = index
    return mapping, notes


def apply_choices(entity, header, choices):
    """The owner's mapping {column title: field name or ""} checked against the entity."""
    mapping, taken = {}, set()
    titles = {title: index for index, title in enumerate(header) if title is not None}
    for title, name in choices.items():
        if title not in titles:
            raise SheetProblem(_("The file has no column \"%(column)s\".", column=title))
        if not name:
            continue
        if name not in ROUND_TRIP and (name not in entity.by_name or entity.by_name[name].retired):
            raise SheetProblem(_("Column \"%(column)s\": %(entity)s has no field %(field)s.",
                                 column=title, entity=entity.label(), field=name))
        if name in taken:
            raise SheetProblem(_("Two columns fill %(field)s; choose one.", field=name))
        if name in entity.by_name and entity.by_name[name].automatic:
            raise SheetProblem(_("Column \"%(column)s\": growbase gives %(field)s (a formula or "
                                 "an autonumber); leave the column out.", column=title,
                                 field=entity.by_name[name].label()))
        taken.add(name)
        mapping[titles[title]] = name
    return mapping
