"""Why a write was refused, each with the HTTP status a door answers it with."""

from ..errors import GrowbaseError
from ..i18n import gettext as _


class RecordError(GrowbaseError):
    status = 400


class ValidationFailed(RecordError):
    status = 422

    def __init__(self, errors, entity=None):
        self.errors = errors  # {field name: message}; said with the fields' labels
        names = entity.by_name if entity is not None else {}
        super().__init__("; ".join(f"{names[k].label() if k in names else k}: {v}"
                                   for k, v in errors.items()))


class Conflict(RecordError):
    status = 409

    def __init__(self, fields, version, entity=None):
        self.fields = fields  # {name: {"theirs": ..., "yours": ..., "by": ..., "at": ...}}
        self.version = version
        known = entity.by_name if entity is not None else {}  # (said with their labels)
        names = ", ".join(known[n].label() if n in known else n for n in fields)
        super().__init__(_("Someone else changed %(names)s after you opened this record. "
                           "Reload it, or keep your values and save again.", names=names)
                         if names else _("Someone else changed this record after you opened "
                                         "it. Reload it, and do it again."))


class NotFound(RecordError):
    status = 404


class Forbidden(RecordError):
    status = 403


class BatchValidationFailed(RecordError):
    status = 422

    def __init__(self, rows):
        self.rows = rows  # {row index: {field name: message}}
        super().__init__(_("%(n)s rows were refused; nothing was saved.", n=len(rows)))


def busy_message():
    """Why a save was refused when the database gave up waiting for another writer."""
    return _("Not saved: the database is busy with another long change (such as an import). "
             "Try again in a moment.")


def missing(entity, record_id):
    """The record is not there, or not one the actor may see: both read the same."""
    return _("%(entity)s #%(id)s does not exist (it may have been deleted).",
             entity=entity.label(), id=record_id)
