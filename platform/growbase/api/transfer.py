"""Imports and exports for programs: start a job, read how it went, fetch its file.

The same jobs as the Excel menu: `POST /api/<entity>/import` (a file and options, as a
multipart form) and `POST /api/<entity>/export` (JSON options) answer 202 with the job;
`GET /api/jobs/<id>` follows it; `GET /api/jobs/<id>/file` gives the export or the
rejected rows. A program sees only the jobs of its own user (the owner: all).
"""

from pathlib import Path

from flask import jsonify, request, send_file
from flask_login import current_user

from .base import body, bp, entity_or_404, refuse
from ..i18n import LANGUAGES
from ..i18n import gettext as _
from ..queries import QueryError, matching
from ..tables import Job
from ..transfer import jobs
from ..transfer.exporter import columns_of
from ..transfer.importer import MODES

FLAGS = ("all_or_nothing", "fire", "dry_run", "clear_blanks")
EXPORT_OPTIONS = {"condition": (dict, '{"field": "status", "eq": "new"}'), "search": (str, '"Иван"'),
                  "sort": (str, '"-amount,number"'), "columns": (list, '["number", "amount"]'),
                  "locale": (str, '"en" or "ru"')}
TEXTS = ("key", "mode", "sheet", "locale")
YES, NO = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def yes_or_no(form, flag):
    said = form.get(flag, "").strip().lower()
    if said not in YES + NO:
        refuse(400, **{flag: _("Write 1 or 0 (true or false).")})
    return said in YES


def job_json(job):
    return {"id": job.id, "kind": job.kind, "entity": job.entity, "status": job.status,
            "filename": job.filename, "progress": jobs.progress(job.id), "result": job.result,
            "error": job.error, "file": bool(job.output)}


def own_job(job_id):
    job = Job.get_or_none(Job.id == job_id)
    if job is None or (job.user != current_user.id and not current_user.is_owner):
        refuse(404, _job=_("There is no job #%(id)s of yours.", id=job_id))
    return job


@bp.post("/<name>/import")
def import_file(name):
    entity = entity_or_404(name)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        refuse(400, file=_("Send the spreadsheet as the multipart field \"file\"."))
    form = request.form
    unknown = set(form) - set(TEXTS) - set(FLAGS)
    if unknown:  # a misspelt dry_run must not become a real import
        refuse(400, **{key: _("Not an import option; use: %(names)s.",
                              names=", ".join(("file", *TEXTS, *FLAGS))) for key in unknown})
    if form.get("mode", "upsert") not in MODES:
        refuse(400, mode=_("Mode must be one of: %(modes)s.", modes=", ".join(MODES)))
    if form.get("locale") and form["locale"] not in LANGUAGES:
        refuse(400, locale=_("How the file writes numbers and dates: one of %(names)s.",
                             names=", ".join(LANGUAGES)))
    options = {"mode": form.get("mode", "upsert"),
               **{name: form.get(name) or None for name in TEXTS if name != "mode"},
               **{flag: yes_or_no(form, flag) for flag in FLAGS}}
    job = jobs.upload(current_user, entity.name, sent.stream, sent.filename)
    jobs.start(job, options)
    return jsonify(job_json(Job.get_by_id(job.id))), 202


@bp.post("/<name>/export")
def export_file(name):
    entity = entity_or_404(name)
    options = body()
    fmt = options.pop("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        refuse(400, format=_("Format must be xlsx or csv."))
    unknown = set(options) - set(EXPORT_OPTIONS)
    if unknown:
        refuse(400, **{key: _("Not an export option; use: %(names)s.",
                              names=", ".join(sorted(EXPORT_OPTIONS))) for key in unknown})
    for key, (kind, example) in EXPORT_OPTIONS.items():
        if options.get(key) is not None and not isinstance(options[key], kind):
            refuse(400, **{key: _("Send it like %(example)s.", example=example)})
    if options.get("locale") and options["locale"] not in LANGUAGES:
        refuse(400, locale=_("Send it like %(example)s.", example=EXPORT_OPTIONS["locale"][1]))
    try:  # a bad filter, sort or column is answered now, not by a failed job later
        matching(entity, options.get("condition"), options.get("search"), options.get("sort"))
        columns_of(entity, options.get("columns"))
    except QueryError:
        raise
    except ValueError as exc:
        refuse(400, columns=str(exc))
    job = jobs.new_export(current_user, entity, dict(options, locale=options.get(
        "locale") or current_user.locale), fmt)
    return jsonify(job_json(Job.get_by_id(job.id))), 202


@bp.get("/jobs/<int:job_id>")
def job_status(job_id):
    return jsonify(job_json(own_job(job_id)))


@bp.get("/jobs/<int:job_id>/file")
def job_file(job_id):
    job = own_job(job_id)
    if not job.output:
        refuse(404, file=_("This job has no file (yet)."))
    if not Path(job.output).exists():
        refuse(404, file=_("This job's file is no longer kept; run the job again."))
    return send_file(job.output, as_attachment=True)
