"""What a file is, judged by its first bytes (the filetype library's signatures), and
whether a field takes it: a photo named .pdf, or a program named .jpg, is refused saying
what it really is."""

from pathlib import PurePath

import filetype

from ..i18n import gettext as _

KINDS = {  # kind: {MIME type: the extensions its files are named with}
    "image": {"image/jpeg": {".jpg", ".jpeg"}, "image/png": {".png"}, "image/gif": {".gif"},
              "image/webp": {".webp"}},
    "pdf": {"application/pdf": {".pdf"}},
    "document": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document":
                 {".docx"}, "application/vnd.oasis.opendocument.text": {".odt"}},
    "spreadsheet": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                    {".xlsx"}, "application/vnd.oasis.opendocument.spreadsheet": {".ods"}},
    "text": {"text/plain": {".txt", ".csv"}},
}
SHOWN_INLINE = set(KINDS["image"]) | {"application/pdf"}


class FileRefused(ValueError):
    pass


def mime_of(name, data):
    """The file's MIME type by its content; plain text (no signature) when it reads as
    UTF-8 and is named like text."""
    found = filetype.guess(data)
    if found is not None:
        return found.mime
    if PurePath(name).suffix.lower() in KINDS["text"]["text/plain"]:
        try:
            data.decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError:
            pass
    return None


def judged(name, data, accept=None, max_mb=10):
    """The file's MIME type, or FileRefused saying why it is not taken."""
    if len(data) > max_mb * 2**20:
        raise FileRefused(_("%(name)s is larger than %(n)s MB.", name=name, n=max_mb))
    if not data:
        raise FileRefused(_("%(name)s is empty.", name=name))
    mime = mime_of(name, data)
    allowed = {m: exts for kind in (accept or KINDS) for m, exts in KINDS.get(kind, {}).items()}
    if mime is None or mime not in allowed:
        kinds = ", ".join(accept or KINDS)
        raise FileRefused(_("%(name)s is not a file this field takes (it takes: %(kinds)s).",
                            name=name, kinds=kinds) if mime is None else
                          _("%(name)s holds %(mime)s, which this field does not take (it "
                            "takes: %(kinds)s).", name=name, mime=mime, kinds=kinds))
    suffix = PurePath(name).suffix.lower()
    if suffix not in allowed[mime]:
        raise FileRefused(_("%(name)s is named %(suffix)s but holds %(mime)s: rename it to "
                            "%(right)s, or upload the file it should be.", name=name,
                            suffix=suffix or "-", mime=mime, right=sorted(allowed[mime])[0]))
    return mime
