"""Attachments: a field holding several files (photos of a repair, a signed contract).
The record keeps a list of references [{"id", "name", "size", "type"}]; the bytes are in
the file storage, uploaded first (POST /api/files, or the form's own upload), each judged
by its content. Forms take them dropped or picked; pages show images as thumbnails."""

import json

from markupsafe import Markup, escape
from wtforms import Field
from wtforms.widgets import html_params

from ..files import storage
from ..files.kinds import KINDS, SHOWN_INLINE, FileRefused, judged
from ..i18n import gettext as _
from .base import FieldError, FieldType, register
from .choices import JSONList

MAX_READ = 100 * 2**20


def reference(item):
    """A stored file's reference as records keep it, or FieldError."""
    if not isinstance(item, dict) or not storage.KEY.match(str(item.get("id", ""))):
        raise FieldError(_("Attach files by uploading them (the form, or POST /api/files) "
                           "and give what the upload answers: {\"id\": ..., \"name\": ...}."))
    return {"id": item["id"], "name": str(item.get("name") or "file")[:200],
            "size": int(item.get("size") or 0), "type": str(item.get("type") or "")[:100]}


def keep_upload(name, data, field):
    """Judge an uploaded file for `field` and keep it; its reference (or FileRefused)."""
    mime = judged(name, data, field.get("accept"), field.get("max_mb", 10))
    return {"id": storage.put(data), "name": name[:200], "size": len(data), "type": mime}


class FilesWidget:
    def __call__(self, field, **kwargs):
        kept = "".join(
            f'<label class="d-block mb-1"><input type="checkbox" name="{escape(field.name)}" '
            f'value="{escape(json.dumps(ref, ensure_ascii=False))}" checked> '
            f'{escape(ref["name"])}</label>' for ref in field.data or [])
        accept = ",".join(ext for kind in field.gb_field.get("accept") or KINDS
                          for exts in KINDS.get(kind, {}).values() for ext in sorted(exts))
        picker = (f'<input type="file" multiple class="form-control-file gb-file-drop" '
                  f'{html_params(name=field.name, id=field.id, accept=accept)}>')
        invalid = " is-invalid" if field.errors else ""  # Bootstrap shows the reason after it
        return Markup(f'<div class="gb-files{invalid}">{kept}{picker}'
                      '<small class="form-text text-muted">'
                      f'{escape(_("Drop files here or pick them; untick one to remove it."))}'
                      '</small></div>')


class FilesField(Field):
    """The files kept (ticked) and those just uploaded, as references."""
    widget = FilesWidget()

    def __init__(self, label, gb_field, **kwargs):
        super().__init__(label, **kwargs)
        self.gb_field = gb_field

    def process_formdata(self, valuelist):
        refs = []
        for item in valuelist:
            if isinstance(item, str):
                try:
                    refs.append(reference(json.loads(item)))
                except (ValueError, FieldError):
                    continue
            elif getattr(item, "filename", ""):
                try:
                    refs.append(keep_upload(item.filename, item.read(MAX_READ + 1), self.gb_field))
                except FileRefused as exc:
                    self.data = refs or None  # the files kept stay ticked on the page again
                    raise ValueError(str(exc)) from None
        self.data = refs or None


@register
class Files(FieldType):
    name = "file"
    operators = ("is_empty",)
    options_schema = {"accept": {"type": "array", "items": {"enum": list(KINDS)}},
                      "max_mb": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
                      "max_files": {"type": "integer", "minimum": 1, "maximum": 50}}
    sortable = False
    listed = False
    holds_list = True
    editor = "files"
    shown_as = "files"

    def column(self, field):
        return JSONList(null=True)

    def parse_value(self, raw, field, locale):
        refs = [reference(item) for item in (raw if isinstance(raw, (list, tuple)) else [raw])]
        most = field.get("max_files", 20)
        if len(refs) > most:
            raise FieldError(_("At most %(n)s files here.", n=most))
        return refs or None

    def verify(self, value, field):
        return [_("%(name)s was never uploaded; upload it first.", name=ref["name"])
                for ref in value if not storage.exists(ref["id"])]

    def display(self, value, field, locale="en"):
        return ", ".join(ref["name"] for ref in value or [])

    def hint(self, field, locale="en"):
        return _("files: attach them on the record's page")

    def form_text(self, value, field, locale="en"):
        return value or []

    def form_field(self, field, locale):
        return FilesField(field.label(locale), field, description=field.help_html(locale))

    def html(self, value, field, base):
        """Each file a link; images as thumbnails (`base`: the record's files address)."""
        shown = []
        for ref in value or []:
            url = f"{base}/{ref['id']}"
            inner = (f'<img src="{escape(url)}" alt="{escape(ref["name"])}" loading="lazy" '
                     'class="gb-thumb">' if ref["type"].startswith("image/") else
                     escape(ref["name"]))
            target = ' target="_blank" rel="noopener"' if ref["type"] in SHOWN_INLINE else ""
            shown.append(f'<a href="{escape(url)}"{target} title="{escape(ref["name"])}">'
                         f'{inner}</a>')
        return Markup(" ".join(shown))
