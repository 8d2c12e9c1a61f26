"""Files over HTTP: `POST /api/files` (multipart: entity, field, file...) keeps uploads a
field takes and answers their references, to write into the record; a record's file is
read at `GET /api/<entity>/<id>/files/<field>/<file id>`, with the record's rights."""

from io import BytesIO

from flask import jsonify, request, send_file

from ..fields.files import MAX_READ, keep_upload
from ..files import storage
from ..files.kinds import SHOWN_INLINE, FileRefused
from ..i18n import gettext as _
from ..permissions import access
from .base import bp, entity_or_404, refuse, service


@bp.post("/files")
def files_upload():
    entity = entity_or_404(request.form.get("entity", ""))
    field = entity.active_by_name.get(request.form.get("field", ""))
    if field is None or field.type.name != "file":
        refuse(422, field=_("Name a file field of %(entity)s in \"field\".",
                            entity=entity.label()))
    rights = access(entity)
    if not (rights.can("create") or rights.can("update")) or not rights.shows(field.name) or \
            field.name in rights.read_only:
        refuse(403, field=_("Your role may not attach files to %(field)s.",
                            field=field.label()))
    uploads = request.files.getlist("file")
    if not uploads:
        refuse(422, file=_("Send the files as multipart form data under \"file\"."))
    try:
        refs = [keep_upload(u.filename or "file", u.read(MAX_READ + 1), field) for u in uploads]
    except FileRefused as exc:
        refuse(422, file=str(exc))
    return jsonify(items=refs), 201


@bp.get("/<name>/<int:record_id>/files/<field_name>/<file_id>")
def files_read(name, record_id, field_name, file_id):
    entity, row = service().get(name, record_id)
    field = entity.active_by_name.get(field_name)
    if field is None or not access(entity).shows(field_name):
        refuse(404, _file=_("There is no such file."))
    ref = next((r for r in getattr(row, field_name) or [] if r.get("id") == file_id), None)
    if ref is None or not storage.exists(file_id):
        refuse(404, _file=_("There is no such file."))
    inline = ref["type"] in SHOWN_INLINE
    response = send_file(BytesIO(storage.read(file_id)), mimetype=ref["type"] or
                         "application/octet-stream", as_attachment=not inline,
                         download_name=ref["name"])
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
