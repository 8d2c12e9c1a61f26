"""Document templates (owner only): each Word template listed with its record kind, to
download, edit in Word or LibreOffice and upload again, or a new one added; an upload is
checked at once (a Word file, its placeholders, the fields they name)."""

from io import BytesIO

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user

from ..catalog import UnknownEntity, catalog
from ..documents.make import FORMATS
from ..documents.render import DocumentProblem, office
from ..documents.store import label, save_template, template, templates_of
from ..i18n import current_locale
from ..i18n import gettext as _
from .system import OwnerView

MAX_UPLOAD = 10 * 2**20


class DocumentsView(OwnerView):
    @expose("/")
    def index(self):
        rows = [(entity, templates_of(entity.name)) for entity in catalog().entities()]
        return self.render("admin/documents/index.html", rows=[r for r in rows if r[1]],
                           entities=catalog().entities(), pdf=office() is not None,
                           label=lambda t: label(t, current_locale()))

    @expose("/<entity_name>/<key>.docx")
    def download(self, entity_name, key):
        try:
            found = template(entity_name, key)
        except LookupError:
            abort(404)
        return send_file(BytesIO(bytes(found.body)), mimetype=FORMATS["docx"],
                         as_attachment=True, download_name=f"{key}.docx")

    @expose("/upload", methods=("POST",))
    def upload(self):
        entity_name, key = request.form.get("entity", ""), request.form.get("key", "").strip()
        upload = request.files.get("file")
        try:
            catalog().entity(entity_name)
        except UnknownEntity as exc:
            flash(str(exc), "error")
            return redirect(url_for(".index"))
        if not key.replace("_", "").isalnum() or not key.isascii() or len(key) > 40:
            flash(_("Name the document in Latin letters, digits and _, like contract_2026."),
                  "error")
        elif upload is None or not upload.filename:
            flash(_("Choose the .docx file to upload."), "error")
        else:
            body = upload.read(MAX_UPLOAD + 1)
            locale = request.form.get("locale", "ru")
            try:
                if len(body) > MAX_UPLOAD:
                    raise DocumentProblem(_("The file is larger than %(max)s MB; split it into "
                                            "parts.", max=MAX_UPLOAD // 2**20))
                save_template(key.lower(), entity_name, body,
                              {locale: request.form.get("name") or key}, locale,
                              current_user.username)
                flash(_("Saved: the next document is made from this file."), "success")
            except DocumentProblem as exc:
                flash(str(exc), "error")
        return redirect(url_for(".index"))
