"""A document of a record: its template filled in, as .docx or PDF, with a file name;
and those of a selection of records, in one .zip."""

import zipfile
from io import BytesIO

from ..records import RecordService
from .render import fill, to_pdf
from .store import label, template
from .view import view_of

FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pdf": "application/pdf"}


def make(entity_name, record_id, key, wanted="pdf", service=None):
    """(bytes, file name, mimetype) of the record's document; the record read with the
    reader's rights (one they may not see is not found)."""
    service = service or RecordService()
    found = template(entity_name, key)
    entity, row = service.get(entity_name, record_id)
    body = fill(bytes(found.body), view_of(entity_name, row, found.locale), found.locale)
    number = next((str(getattr(row, f.name)) for f in entity.active_fields
                   if f.type.name == "autonumber"), str(record_id))
    name = f"{label(found, found.locale)} {number}.{wanted}"
    return (to_pdf(body) if wanted == "pdf" else body), name, FORMATS[wanted]


def make_many(entity_name, ids, key, wanted="pdf", service=None):
    """A .zip of the documents of the records `ids` (those the reader may not see left out
    by the read itself: it refuses as not found)."""
    out, names = BytesIO(), set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for record_id in ids:
            body, name, _mimetype = make(entity_name, record_id, key, wanted, service)
            while name in names:
                name = "_" + name
            names.add(name)
            bundle.writestr(name, body)
    return out.getvalue()
