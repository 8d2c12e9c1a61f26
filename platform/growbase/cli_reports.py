"""`python run.py report apply | export | show`: reports as JSON files, and one printed."""

from .boot import start
from .cli_base import exporter, out


def cmd_report_apply(args, settings):
    from .designer.store import load_files
    from .reports.store import apply_reports
    start(settings)
    changed = apply_reports(load_files(args.path), author="cli")
    out(f"Applied: {', '.join(changed)}" if changed else
        "Nothing to change: the reports are already live.")


def cmd_report_show(args, settings):
    """The report as the owner sees it, as tab-separated lines (or an .xlsx with --xlsx)."""
    from .catalog import catalog
    from .reports.engine import run
    from .reports.xlsx import write_report
    start(settings)
    report = catalog().report(args.key)
    if report is None:
        keys = ", ".join(r.key for r in catalog().reports()) or "none yet"
        raise SystemExit(f"error: no report \"{args.key}\"; there are: {keys}")
    result = run(report, args.locale)
    if args.xlsx:
        write_report(report, result, args.xlsx, args.locale)
        out(args.xlsx)
        return
    for values in [[c["label"] for c in result["columns"]], *result["rows"], result["totals"]]:
        out("\t".join("" if v is None else str(v) for v in values))


def add_parsers(sub):
    report = sub.add_parser("report", help="reports").add_subparsers(dest="action", required=True)
    apply_ = report.add_parser("apply", help="apply a report file or a folder of them")
    apply_.add_argument("path")
    apply_.set_defaults(run=cmd_report_apply)
    export = report.add_parser("export", help="write the live reports as JSON files")
    export.add_argument("dir")
    export.set_defaults(run=exporter("report"))
    show = report.add_parser("show", help="print a report (as the owner sees it)")
    show.add_argument("key")
    show.add_argument("--xlsx", metavar="FILE", help="write it to an .xlsx file instead")
    show.add_argument("--locale", choices=["en", "ru"], default="en")
    show.set_defaults(run=cmd_report_show)
