"""Documents over HTTP: `GET /api/<entity>/<id>/document/<template>?format=pdf|docx`
answers the file (the record read with the caller's rights); the templates are listed
and, by the owner, uploaded."""

from io import BytesIO

from flask import jsonify, request, send_file
from flask_login import current_user

from ..documents.make import FORMATS, make, make_many
from ..documents.render import DocumentProblem, office
from ..documents.store import label, save_template, templates_of
from ..i18n import gettext as _
from .base import bp, entity_or_404, refuse, service

MAX_PRINT = 200  # documents in one .zip


@bp.get("/<name>/<int:record_id>/document/<key>")
def document_get(name, record_id, key):
    entity_or_404(name)
    wanted = request.args.get("format", "pdf")
    if wanted not in FORMATS:
        refuse(400, format=_("Ask for format=pdf or format=docx."))
    try:
        body, filename, mimetype = make(name, record_id, key, wanted, service())
    except LookupError as exc:
        refuse(404, _document=str(exc))
    except DocumentProblem as exc:
        refuse(422 if office() or wanted == "docx" else 501, _document=str(exc))
    return send_file(BytesIO(body), mimetype=mimetype, as_attachment=True,
                     download_name=filename)


@bp.get("/<name>/documents/<key>/print")
def documents_print(name, key):
    """?ids=1,2,3&format=pdf|docx: the documents of a selection, in one .zip."""
    entity_or_404(name)
    wanted = request.args.get("format", "pdf")
    ids = [int(i) for i in request.args.get("ids", "").split(",") if i.strip().isdigit()]
    if wanted not in FORMATS or not ids or len(ids) > MAX_PRINT:
        refuse(400, ids=_("Ask for ?ids=1,2,3 (at most %(n)s) and format=pdf or format=docx.",
                          n=MAX_PRINT))
    try:
        body = make_many(name, ids, key, wanted, service())
    except LookupError as exc:
        refuse(404, _document=str(exc))
    except DocumentProblem as exc:
        refuse(422 if office() or wanted == "docx" else 501, _document=str(exc))
    return send_file(BytesIO(body), mimetype="application/zip", as_attachment=True,
                     download_name=f"{key}.zip")


@bp.get("/<name>/documents")
def documents_list(name):
    entity_or_404(name)
    return jsonify(pdf=office() is not None, items=[
        {"key": t.key, "name": label(t, current_user.locale), "locale": t.locale,
         "version": t.version} for t in templates_of(name)])


@bp.put("/<name>/documents/<key>")
def document_put(name, key):
    """The owner uploads a template (the .docx as the body; ?locale=ru&label=...)."""
    entity = entity_or_404(name)
    if not current_user.is_owner:
        refuse(403, _role=_("Only the owner changes document templates."))
    locale = request.args.get("locale", "ru")
    try:
        save_template(key, entity.name, request.get_data(), {locale: request.args.get(
            "label") or key}, locale, current_user.username)
    except DocumentProblem as exc:
        refuse(422, _document=str(exc))
    return jsonify(key=key, entity=entity.name, version=next(
        t.version for t in templates_of(entity.name) if t.key == key))
