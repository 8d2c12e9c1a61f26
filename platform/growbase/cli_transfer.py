"""`python run.py import` and `export`: spreadsheets in and out from the command line."""

import sys
import time
from pathlib import Path

from .boot import start
from .cli_base import out


def progress_bar(started):
    """Print rows done / total, the rate and the time left on one line of stderr."""
    def show(report):
        done, total = report.done, max(report.expected, report.done, 1)
        rate = done / max(time.perf_counter() - started, 1e-6)
        left = (total - done) / rate if rate else 0
        filled = int(30 * done / total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} rows "
                         f"{rate:,.0f}/s {left:,.0f} s left ")
        sys.stderr.flush()
    return show


def cmd_import(args, settings):
    from peewee import OperationalError

    from .catalog import UnknownEntity
    from .db import busy
    from .i18n import in_locale
    from .records import busy_message
    from .tables import Job, utcnow
    from .transfer.importer import Options, Report, importer_actor, run_import
    from .transfer.jobs import report_progress, summary
    from .transfer.readers import SheetProblem
    from .transfer.workbooks import write_errors
    start(settings)
    mapping = None
    if args.map:
        mapping = dict(item.split("=", 1) for item in args.map)
    options = Options(entity=args.entity, sheet=args.sheet, mapping=mapping, key=args.key,
                      mode=args.mode, all_or_nothing=args.all_or_nothing, fire=args.fire,
                      clear_blanks=args.clear_blanks,
                      dry_run=args.dry_run, locale=args.locale)
    job = Job.create(kind="import", entity=args.entity, status="running",
                     filename=Path(args.file).name[:255], options={"cli": True})
    started = time.perf_counter()
    bar = progress_bar(started)

    def alive(report):  # on the job's page: a long CLI import is not a stalled one
        try:
            report_progress(job.id, report.done, report.expected, started)
        except Exception:  # the queue's store (Redis) is down: an import does not need it
            pass

    def progress(report):
        bar(report)
        alive(report)

    def conclude(report):  # with the rows, as the worker's jobs do
        Job.update(status="done", result=summary(report, started), finished_at=utcnow()).where(
            Job.id == job.id).execute()
    try:
        alive(Report())
        with in_locale(args.locale):  # the file's way of writing, and the messages' language
            report = run_import(Path(args.file), options,
                                importer_actor(None, job.filename, job.id),
                                progress=progress, conclude=conclude)
    except (SheetProblem, UnknownEntity, OperationalError) as exc:
        if isinstance(exc, OperationalError) and not busy(exc):
            raise
        why = busy_message() if isinstance(exc, OperationalError) else str(exc)
        Job.update(status="failed", error=why, finished_at=utcnow()).where(
            Job.id == job.id).execute()
        sys.stderr.write(f"error: {why}\n")
        raise SystemExit(2) from None  # the import could not run; nothing was written
    if not report.written:  # a check, or all or nothing with rejected rows
        conclude(report)
    sys.stderr.write("\n")
    for note in report.notes:
        out(f"note: {note}")
    out(report.summary())
    if report.written and report.created + report.updated:
        out(f"Import #{job.id}; to take it back: python run.py undo-import {job.id}")
    if not report.written and not args.dry_run:
        out("Nothing was written: every row must be good with --all-or-nothing.")
    if report.problems:
        path = Path(args.errors or Path(args.file).with_suffix(".errors.xlsx"))
        write_errors(report, path)
        for number, _row, problems in report.problems[:10]:
            out(f"  row {number}: " + "; ".join(f"{c}: {m}" for c, m in problems.items()))
        out(f"The rejected rows, with what is wrong in each: {path}")
        raise SystemExit(1)


def cmd_undo_import(args, settings):
    from .records import SYSTEM
    from .transfer.undo import undo_import
    start(settings)
    try:
        done = undo_import(args.job, SYSTEM)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from None
    out(f"Deleted {done['deleted']} created records, restored {done['restored']} updated ones.")
    for line in done["left"]:
        out(f"  left: {line}")


def add_parsers(sub):
    imp = sub.add_parser("import", help="import an .xlsx/.ods/.csv file into an entity")
    imp.add_argument("file")
    imp.add_argument("--entity", required=True)
    imp.add_argument("--key", help="the field that finds existing records (phone, email ...)")
    imp.add_argument("--mode", choices=["insert", "update", "upsert"], default="upsert")
    imp.add_argument("--sheet")
    imp.add_argument("--map", action="append", metavar="COLUMN=FIELD",
                     help="match a column to a field (FIELD empty: leave it out); repeatable")
    imp.add_argument("--dry-run", action="store_true", help="report what would happen, write nothing")
    imp.add_argument("--all-or-nothing", action="store_true",
                     help="write nothing unless every row is good")
    imp.add_argument("--fire", action="store_true", help="let automations run for these rows")
    imp.add_argument("--clear-blanks", action="store_true",
                     help="a blank cell empties the field (else it leaves the value alone; "
                          "in an export from here it always empties it)")
    imp.add_argument("--errors", help="where to write the rejected rows (.xlsx)")
    imp.add_argument("--locale", choices=["en", "ru"], default="en",
                     help="how the file writes numbers and dates (12,900.50 or 12 900,50)")
    imp.set_defaults(run=cmd_import)
    undo = sub.add_parser("undo-import", help="take an import back (by the number it printed)")
    undo.add_argument("job", type=int)
    undo.set_defaults(run=cmd_undo_import)
    add_export_parser(sub)


def cmd_export(args, settings):
    import json

    from xlsxwriter.exceptions import FileCreateError

    from .catalog import UnknownEntity
    from .transfer.exporter import export, template
    given = ([args.entity] if args.entity else []) + args.paths
    if len(given) != 2:
        raise SystemExit("error: say what to export and where: run.py export --entity order "
                         "orders.xlsx")
    args.entity, args.file = given
    start(settings)
    if Path(args.file).suffix.lower() not in (".xlsx", ".csv"):
        raise SystemExit(f"error: {args.file} must end in .xlsx or .csv")
    started = time.perf_counter()
    try:
        if args.template:
            out(str(template(args.entity, args.file, args.locale)))
            return
        condition = json.loads(args.filter) if args.filter else None
        count = export(args.entity, args.file, condition=condition, search=args.search,
                       sort=args.sort, columns=args.columns.split(",") if args.columns else None,
                       locale=args.locale)
    except (ValueError, UnknownEntity) as exc:  # a bad filter is a ValueError too
        raise SystemExit(f"error: {exc}") from None
    except (OSError, FileCreateError) as exc:  # (XlsxWriter wraps the OSError)
        raise SystemExit(f"error: cannot write {args.file}: {exc}") from None
    out(f"{count:,} rows written to {args.file} in {time.perf_counter() - started:.1f} s")


def add_export_parser(sub):
    exp = sub.add_parser("export", help="export an entity to .xlsx or .csv (or an import template)",
                         usage="run.py export --entity ENTITY FILE [options]  (or: export ENTITY "
                               "FILE)")
    exp.add_argument("--entity", help="the entity to export (like import's --entity)")
    exp.add_argument("paths", nargs="+", metavar="FILE", help="ends in .xlsx or .csv")
    exp.add_argument("--filter", help="a condition as JSON, like {\"field\": \"status\", \"eq\": \"new\"}")
    exp.add_argument("--search")
    exp.add_argument("--sort", help="field names, - for descending: -amount,name")
    exp.add_argument("--columns", help="field names, comma-separated (default: the list's)")
    exp.add_argument("--locale", choices=["en", "ru"], default="en")
    exp.add_argument("--template", action="store_true",
                     help="write an empty import template: labels, notes, drop-down lists")
    exp.set_defaults(run=cmd_export)
