"""Imports and exports as jobs: uploaded files and results kept under the data folder,
run by the worker, progress readable from any process while they run."""

import shutil
import time
import uuid
from dataclasses import asdict
from datetime import timedelta, timezone
from pathlib import Path

from peewee import OperationalError, fn

from ..acting import acting
from ..catalog import catalog
from ..config import current
from ..db import UNSTORABLE, busy
from ..i18n import gettext as _
from ..i18n import in_locale
from ..queries import permitted
from ..queue import huey
from ..tables import Audit, Job, User, utcnow
from .readers import SheetProblem

PROBLEMS_SHOWN = 50
WAIT_TURN = 10  # seconds before a job that found the database busy tries again
FINISH_TRIES = 6
STALLED = 600  # seconds without progress after which a running job's worker is gone


def folder(job_id):
    path = Path(current().data_dir) / "jobs" / str(job_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload(user, entity, stream, filename):
    """Keep an uploaded file as a draft import; return the job."""
    with acting(user):
        permitted(catalog().entity(entity), "import")
    job = Job.create(kind="import", entity=entity, user=user.id, status="draft",
                     filename=UNSTORABLE.sub("", Path(filename).name)[:255] or "upload.xlsx")
    with open(folder(job.id) / f"input{Path(job.filename).suffix.lower()}", "wb") as out:
        shutil.copyfileobj(stream, out)
    return job


def input_path(job):
    return folder(job.id) / f"input{Path(job.filename).suffix.lower()}"


def progress_key(job_id):
    return f"growbase:job:{job_id}"


def report_progress(job_id, done, total, started, **more):
    elapsed = max(time.perf_counter() - started, 1e-6)
    rate = done / elapsed
    huey.put(progress_key(job_id), dict(
        done=done, total=max(total, done), rate=round(rate), at=time.time(),
        left=round((total - done) / rate) if rate and total > done else 0, **more))


def progress(job_id):
    return huey.get(progress_key(job_id), peek=True) or {"done": 0, "total": 0, "rate": 0, "left": 0}


@huey.task()
def run_transfer_job(job_id):
    """An import or export the user started in the browser, run by the worker."""
    run(job_id)


def run(job_id):
    """Do the job (in the worker): import or export, then record how it went.

    SQLite lets one writer work at a time: a job that waited out another's lock (a long
    import) was rolled back whole, so it is run again a little later, not failed."""
    job = Job.get_by_id(job_id)
    if job.status not in ("queued", "running"):
        return
    user = User.get_or_none(User.id == job.user)
    locale = user.locale if user else (job.options or {}).get("locale") or "en"
    started = time.perf_counter()
    try:
        Job.update(status="running").where(Job.id == job_id).execute()
        report_progress(job_id, 0, 0, started)
        with in_locale(locale), acting(user):  # the user's permissions, in the worker too
            result, output = (run_import_job if job.kind == "import" else run_export_job)(
                job, user, started)
    except Exception as exc:
        if busy(exc):
            wait_turn(job_id)
            return
        if isinstance(exc, (SheetProblem, ValueError)):
            finish(job_id, status="failed", error=str(exc))
            return
        # say it on the page rather than leave the bar spinning
        finish(job_id, status="failed", error=_("The job stopped: %(error)s", error=exc))
        raise
    finish(job_id, status="done", result=result, output=output)


def wait_turn(job_id):
    """Run the job again after WAIT_TURN seconds; its page says it is waiting."""
    report_progress(job_id, 0, 0, time.perf_counter(), waiting=True)
    run_transfer_job.schedule((job_id,), delay=WAIT_TURN)


def stalled():
    """Mark failed the jobs left running by a worker that stopped (killed, restarted):
    no progress for STALLED seconds. An import's outcome commits with its rows, so a job
    still running wrote nothing, and the page can say so instead of waiting forever."""
    now = time.time()
    for job in Job.select().where(Job.status == "running"):
        seen = progress(job.id).get("at") or job.created_at.replace(tzinfo=timezone.utc).timestamp()
        if now - seen > STALLED:
            finish(job.id, status="failed", error=_(
                "The worker stopped while this job was running, so nothing of it was kept. "
                "Start it again."))


def remove_old_files(settings):
    """Remove the uploads, error files and exports of jobs that ended (or were left as
    drafts) more than the settings' job_days ago: they are up to 100 MB each, and every
    backup holds them. The jobs stay listed, without their files."""
    days = settings.job_days
    cutoff, files = utcnow() - timedelta(days=days), Path(settings.data_dir) / "jobs"
    old = Job.select().where(fn.COALESCE(Job.finished_at, Job.created_at) < cutoff,
                             Job.status.in_(("done", "failed", "draft")))
    for job in old:
        shutil.rmtree(files / str(job.id), ignore_errors=True)
        if job.status == "draft":
            Job.update(status="failed", error=_("The uploaded file was removed after %(n)s days; "
                                                "upload it again.", n=days)).where(
                Job.id == job.id).execute()
        elif job.output:
            Job.update(output="").where(Job.id == job.id).execute()


def finish(job_id, **outcome):
    """Record how the job ended. Its work is committed: another writer's lock is waited
    out here (each try waits the busy timeout), never a reason to do the work twice."""
    for attempt in range(FINISH_TRIES):
        try:
            Job.update(finished_at=utcnow(), **outcome).where(Job.id == job_id).execute()
            return
        except OperationalError as exc:
            if not busy(exc) or attempt + 1 == FINISH_TRIES:
                raise


def run_import_job(job, user, started):
    from .importer import Options, importer_actor, run_import
    from .workbooks import write_errors
    options = Options(entity=job.entity, **{k: v for k, v in (job.options or {}).items()
                                             if k in Options.__dataclass_fields__})
    outcome = {}

    def conclude(report):
        """The job's counts, in the rows' transaction when rows are written: a job still
        running after a crash wrote nothing (see stalled)."""
        outcome.update(result=summary(report, started), output="")
        Job.update(status="done", **outcome).where(Job.id == job.id).execute()

    report = run_import(input_path(job), options, importer_actor(user, job.filename, job.id),
                        job.filename, conclude=conclude,
                        progress=lambda r: report_progress(job.id, r.done, r.expected, started))
    if not outcome:  # a check, or all or nothing with rejected rows: nothing was written
        conclude(report)
    if report.problems:  # after the commit: a long error file does not hold the database
        try:
            outcome["output"] = str(write_errors(
                report, folder(job.id) / f"{Path(job.filename).stem}.errors.xlsx"))
        except OSError as exc:
            outcome["result"]["notes"].append(_(
                "The file of rejected rows could not be written (%(error)s); the first of "
                "them are listed below.", error=exc))
    return outcome["result"], outcome["output"]


def summary(report, started):
    """What a finished import keeps for its page: counts, notes, the first problems."""
    result = {k: v for k, v in asdict(report).items() if k not in ("problems", "header", "mapping")}
    result["summary"] = report.summary()
    result["problems"] = [[number, errors] for number, _row, errors in
                          report.problems[:PROBLEMS_SHOWN]]
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def run_export_job(job, user, started):
    from .exporter import export
    options = job.options or {}
    path = folder(job.id) / job.filename
    count = export(job.entity, path, condition=options.get("condition"),
                   search=options.get("search"), sort=options.get("sort"),
                   columns=options.get("columns"), locale=options.get("locale", "en"),
                   progress=lambda done: report_progress(job.id, done, options.get("total", 0),
                                                         started))
    Audit.create(entity=job.entity, record_id=0, record_version=0, action="export",
                 changes={"rows": [None, count], "file": [None, job.filename]},
                 user_id=user.id if user else None, username=user.username if user else "system",
                 source=f"export:{job.id}")  # who took how many records out, and when
    return {"rows": count, "seconds": round(time.perf_counter() - started, 1)}, str(path)


def start(job, options):
    """Queue a draft (or a new export) for the worker."""
    Job.update(status="queued", options=options).where(Job.id == job.id).execute()
    try:
        run_transfer_job(job.id)
    except Exception as exc:  # the queue unreachable: said on the job, not a 500 that hides it
        finish(job.id, status="failed", error=_(
            "The worker's queue could not be reached (%(error)s); start the job again in a "
            "minute.", error=exc.__class__.__name__))


def new_export(user, entity, options, fmt):
    with acting(user):
        permitted(entity, "export")
    stamp = time.strftime("%Y-%m-%d")
    job = Job.create(kind="export", entity=entity.name, user=user.id, status="queued",
                     filename=f"{entity.name}-{stamp}-{uuid.uuid4().hex[:6]}.{fmt}", options=options)
    start(job, options)
    return job
