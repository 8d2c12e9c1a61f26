"""The document templates: the starter ones (templates/documents/, loaded once) and those
the owner uploads, checked first: a Word file (not something else named .docx), not too
big unpacked, its placeholders well formed (refused naming the paragraph), and filled in
once for a real record so a misspelt field is said now, not at the customer's invoice."""

import json
import zipfile
from io import BytesIO

from ..catalog import catalog
from ..config import ROOT
from ..db import database
from ..i18n import gettext as _
from ..i18n import pick
from ..tables import DocumentTemplate, utcnow
from .render import DocumentProblem, fill, syntax_problem
from .view import view_of

STARTERS = ROOT / "templates" / "documents"
MAX_UNPACKED = 30 * 2**20  # a zip that unpacks to more is refused before it is read


def starters():
    return json.loads((STARTERS / "documents.json").read_text(encoding="utf-8"))


def load_starters():
    """The starter templates of entities there are, where none is stored under the key."""
    made = []
    for spec in starters():
        if spec["entity"] in catalog() and DocumentTemplate.get_or_none(
                DocumentTemplate.key == spec["key"]) is None:
            DocumentTemplate.create(body=(STARTERS / f"{spec['key']}.docx").read_bytes(), **spec)
            made.append(spec["key"])
    return made


def templates_of(entity_name):
    return list(DocumentTemplate.select(DocumentTemplate.key, DocumentTemplate.entity,
                                        DocumentTemplate.name, DocumentTemplate.locale,
                                        DocumentTemplate.version, DocumentTemplate.updated_at,
                                        DocumentTemplate.updated_by)
                .where(DocumentTemplate.entity == entity_name).order_by(DocumentTemplate.key))


def template(entity_name, key):
    found = DocumentTemplate.get_or_none((DocumentTemplate.key == key) &
                                         (DocumentTemplate.entity == entity_name))
    if found is None:
        keys = ", ".join(t.key for t in templates_of(entity_name)) or "-"
        raise LookupError(_("There is no document \"%(key)s\" for this record; there are: "
                            "%(keys)s.", key=key, keys=keys))
    return found


def label(found, locale=None):
    return pick(found.name, locale, found.key)


def a_word_file(body):
    """The problem with an upload that should be a .docx, or None: judged by what is in
    it, not by its name."""
    try:
        with zipfile.ZipFile(BytesIO(body)) as packed:
            if "word/document.xml" not in packed.namelist():
                return _("This is not a Word document (.docx): save it from Word or "
                         "LibreOffice as .docx and upload that.")
            if sum(item.file_size for item in packed.infolist()) > MAX_UNPACKED:
                return _("The document unpacks to more than %(n)s MB; remove large pictures.",
                         n=MAX_UNPACKED // 2**20)
    except zipfile.BadZipFile:
        return _("This is not a Word document (.docx): save it from Word or LibreOffice as "
                 ".docx and upload that.")
    return None


def save_template(key, entity_name, body, name, locale, author):
    """Check an uploaded template and store it as the key's newest version."""
    problem = a_word_file(body) or syntax_problem(body)
    if problem:
        raise DocumentProblem(problem)
    entity = catalog().entity(entity_name)
    sample = entity.model.select().order_by(entity.model.id.desc()).first()
    if sample is not None:  # a placeholder naming no field is said now, with the record
        fill(body, view_of(entity_name, sample, locale), locale, strict=True)
    with database.atomic():
        old = DocumentTemplate.get_or_none(DocumentTemplate.key == key)
        if old is not None and old.entity != entity_name:
            raise DocumentProblem(_("\"%(key)s\" is a document of %(entity)s already; give "
                                    "this one another name.", key=key, entity=old.entity))
        DocumentTemplate.insert(key=key, entity=entity_name, name=name or {"en": key},
                                locale=locale, body=body, version=(old.version + 1) if old
                                else 1, updated_by=author[:80], updated_at=utcnow()) \
            .on_conflict(conflict_target=[DocumentTemplate.key],
                         preserve=[DocumentTemplate.body, DocumentTemplate.version,
                                   DocumentTemplate.name, DocumentTemplate.locale,
                                   DocumentTemplate.updated_by, DocumentTemplate.updated_at]) \
            .execute()
