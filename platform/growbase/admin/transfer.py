"""Import and export pages: upload, match the columns, check, run with a progress bar,
download the result. The work itself runs in the worker (transfer.jobs)."""

import shutil
from pathlib import Path
from decimal import Decimal

from flask import abort, flash, jsonify, redirect, request, send_file, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from ..catalog import UnknownEntity, catalog
from ..fields.temporal import date_example
from ..i18n import LANGUAGES, current_locale, format_number
from ..i18n import gettext as _
from ..tables import Job
from ..transfer import jobs
from ..transfer.importer import MODES, preview
from ..transfer.readers import SheetProblem
from .system import say_done


def writings():
    """(locale, how it writes a number and a date): the ways a file may write them."""
    return [(code, f"{format_number(Decimal('12900.5'), code, 2)} · {date_example(code)}")
            for code in LANGUAGES]


def entity_or_404(name):
    try:
        return catalog().entity(name)
    except UnknownEntity:
        abort(404)


def own_job(job_id):
    """The user's own job (the owner sees everyone's); others get 404, not a hint."""
    job = Job.get_or_none(Job.id == job_id)
    if job is None or (job.user != current_user.id and not current_user.is_owner):
        abort(404)
    return job


class TransferView(BaseView):
    @expose("/")
    def index(self):
        """The user's imports and exports, newest first (the owner sees everyone's)."""
        query = Job.select().order_by(Job.id.desc()).limit(100)
        if not current_user.is_owner:
            query = query.where(Job.user == current_user.id)
        return self.render("admin/transfer/index.html", jobs=list(query))

    @expose("/import/<entity>/", methods=("GET", "POST"))
    def upload(self, entity):
        entity = entity_or_404(entity)
        if request.method == "POST":
            sent = request.files.get("file")
            if sent is None or not sent.filename:
                flash(_("Choose a file to import."), "error")
            else:
                job = jobs.upload(current_user, entity.name, sent.stream, sent.filename)
                return redirect(url_for(".job", job_id=job.id))
        return self.render("admin/transfer/upload.html", entity=entity)

    @expose("/job/<int:job_id>/")
    def job(self, job_id):
        job = own_job(job_id)
        entity = entity_or_404(job.entity)
        if job.status != "draft":
            return self.render("admin/transfer/job.html", job=job, entity=entity,
                               progress=jobs.progress(job.id))
        try:
            shown = preview(jobs.input_path(job), entity.name, job.filename,
                            request.args.get("sheet"))
        except SheetProblem as exc:
            flash(str(exc), "error")
            return redirect(url_for(".upload", entity=entity.name))
        keys = [f for f in entity.active_fields if f.unique] + \
            [f for f in entity.active_fields if not f.unique and f.type.indexed]
        return self.render("admin/transfer/mapping.html", job=job, entity=entity, shown=shown,
                           fields=entity.active_fields, keys=keys, modes=MODES,
                           locale=current_locale(), writings=writings())

    @expose("/job/<int:job_id>/start", methods=("POST",))
    def start(self, job_id):
        job = own_job(job_id)
        if job.status != "draft":
            return redirect(url_for(".job", job_id=job.id))
        form = request.form
        header = form.getlist("column")
        options = {"sheet": form.get("sheet") or None,
                   "mapping": {title: form.get(f"map-{index}", "")
                               for index, title in enumerate(header)},
                   "key": form.get("key") or None, "mode": form.get("mode", "upsert"),
                   "all_or_nothing": bool(form.get("all_or_nothing")),
                   "fire": bool(form.get("fire")), "dry_run": form.get("run") == "check",
                   "clear_blanks": bool(form.get("clear_blanks")),
                   "locale": form.get("locale") if form.get("locale") in LANGUAGES
                   else current_locale()}
        if options["mode"] not in MODES:
            abort(400)
        if options["dry_run"]:  # a check leaves the upload ready for the real run
            check = Job.create(kind="import", entity=job.entity, user=current_user.id,
                               filename=job.filename, status="draft")
            shutil.copyfile(jobs.input_path(job), jobs.input_path(check))  # up to 100 MB
            jobs.start(check, dict(options, draft=job.id))
            return redirect(url_for(".job", job_id=check.id))
        jobs.start(job, options)
        return redirect(url_for(".job", job_id=job.id))

    @expose("/job/<int:job_id>/undo", methods=("POST",))
    def undo(self, job_id):
        from ..records import Actor
        from ..transfer.undo import undo_import
        job = own_job(job_id)
        try:
            done = undo_import(job.id, Actor.for_user(current_user, f"ui:undo import#{job.id}"))
        except ValueError as exc:
            flash(str(exc), "error")
        else:
            say_done(_("Import undone: %(deleted)s records deleted, %(restored)s restored.",
                       deleted=done["deleted"], restored=done["restored"]), done["left"])
        return redirect(url_for(".job", job_id=job.id))

    @expose("/job/<int:job_id>/status")
    def status(self, job_id):
        job = own_job(job_id)
        return jsonify(status=job.status, progress=jobs.progress(job.id), result=job.result,
                       error=job.error)

    @expose("/job/<int:job_id>/file")
    def download(self, job_id):
        job = own_job(job_id)
        if not job.output or not Path(job.output).exists():
            flash(_("This job's file is no longer kept; run the job again."), "error")
            return redirect(url_for(".job", job_id=job.id))
        return send_file(job.output, as_attachment=True)

    @expose("/template/<entity>")
    def template(self, entity):
        from ..transfer.exporter import template
        entity = entity_or_404(entity)
        path = jobs.folder("templates") / f"{entity.name}-{current_user.role}-{current_locale()}.xlsx"
        template(entity.name, path, current_locale())
        return send_file(path, as_attachment=True,
                         download_name=f"{entity.plural(current_locale())}.xlsx")
