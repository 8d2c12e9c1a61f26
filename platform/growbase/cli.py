"""`python run.py ...`: serve, worker, users, tokens, schema — one entry point."""

import argparse
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time

from .boot import start
from .cli_base import exporter, out
from .cli_intake import add_parsers as add_intake_parsers
from .cli_reports import add_parsers as add_report_parsers
from .cli_transfer import add_parsers as add_transfer_parsers
from .config import load_settings
from .definitions.errors import DefinitionError


def first_run(settings):
    """Apply the starter definitions, create the owner, load demo data: only when empty."""
    from .auth import create_user
    from .designer.store import apply_definitions, load_files
    from .tables import OWNER, Definition, User
    notes = []
    if not Definition.select().exists():
        from .automation.rules import apply_rules
        from .dashboards.store import apply_dashboards
        from .reports.store import apply_reports
        apply_definitions(load_files(settings.schemas_dir), author="starter")
        apply_rules(load_files(settings.root / "automations"), author="starter")
        apply_reports(load_files(settings.root / "reports"), author="starter")
        apply_dashboards(load_files(settings.root / "dashboards"), author="starter")
        notes.append("Applied the starter definitions from schemas/, automations/, reports/ "
                     "and dashboards/.")
    if not Definition.select().where(Definition.kind == "intake").exists():
        from .intake.store import apply_intakes
        try:  # an installation older than intakes, its starter entities since changed
            apply_intakes(load_files(settings.root / "intake"), author="starter")
            notes.append("Applied the starter intakes from intake/ (python run.py intake list).")
        except DefinitionError as exc:
            notes.append(f"The starter intakes do not fit these entities; none applied: {exc}")
    from .documents.store import load_starters
    if load_starters():
        notes.append("Loaded the starter document templates (invoice, delivery note, proposal).")
    if not User.select().exists():
        password = secrets.token_urlsafe(9)
        create_user("owner", password, role=OWNER, full_name="Owner")
        notes.append(f"Created the owner account: log in as  owner / {password}")
        if settings.demo:
            from .demo import load_demo
            staff_password = secrets.token_urlsafe(9)
            counts = load_demo(settings.seed_dir, staff_password)
            notes.append(f"Loaded demo data: {counts}. Staff (manager1, manager2, logistics, "
                         f"accountant) log in with password {staff_password}")
    return notes


def check_channels(settings):
    from .channels import check_settings
    try:
        check_settings(settings)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from None


def cmd_serve(args, settings):
    from .app import create_app
    check_channels(settings)
    start(settings)
    notes = first_run(settings) or [
        "Log in as owner with the password printed on the first run "
        "(`python run.py user password owner` sets a new one)."]
    # SIGTERM (a service manager, a test) must stop the worker too, not orphan it
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    worker = Supervisor([sys.executable, str(settings.root / "run.py"), "worker"])
    worker.start()
    url = f"http://{args.host}:{args.port}/"
    for note in notes:
        out(note)
    out(f"growbase is running at {url}  (worker pid {worker.process.pid}; Ctrl+C stops both)")
    app = create_app(settings)
    try:
        # waitress: a production WSGI server in pure Python (keep-alive, a thread pool),
        # so the embedded install is not served by Werkzeug's development server
        from waitress import serve
        # "Task queue depth is N": every thread busy for a moment, not a fault worth a line
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        serve(app, host=args.host, port=args.port, threads=8, ident="growbase")
    finally:
        worker.stop()


class Supervisor:
    """Keep the worker process alive beside the web server; restart it if it dies."""

    def __init__(self, command):
        self.command = command
        self.process = None
        self.stopping = False

    def start(self):
        self.process = self._spawn()
        threading.Thread(target=self._watch, daemon=True).start()

    def _spawn(self):
        env = dict(os.environ, GROWBASE_PARENT_PID=str(os.getpid()))
        return subprocess.Popen(self.command, env=env)

    def _watch(self):
        while not self.stopping:
            if self.process.poll() is not None and not self.stopping:
                out(f"worker exited with {self.process.returncode}; restarting")
                time.sleep(1)
                self.process = self._spawn()
            time.sleep(1)

    def stop(self):
        self.stopping = True
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def cmd_worker(args, settings):
    from .worker import run_consumer
    check_channels(settings)
    start(settings)
    parent = os.environ.get("GROWBASE_PARENT_PID")
    if parent:
        threading.Thread(target=_follow_parent, args=(int(parent),), daemon=True).start()
    run_consumer()


def _follow_parent(pid):
    """A worker started by `serve` stops when serve is gone, however serve ended."""
    while True:
        time.sleep(1)
        if os.getppid() != pid:
            os.kill(os.getpid(), signal.SIGTERM)  # the consumer's own graceful shutdown
            return


def cmd_user_password(args, settings):
    from .auth import AccountError, set_password
    from .tables import User
    start(settings)
    user = User.get_or_none(User.username == args.name)
    if user is None:
        raise SystemExit(f"error: no user called {args.name}")
    password = args.password or secrets.token_urlsafe(9)
    try:
        set_password(user, password)
    except AccountError as exc:
        raise SystemExit(f"error: {exc}") from None
    out(f"New password for {args.name}: {password}")


def cmd_user_create(args, settings):
    from .auth import AccountError, create_user
    start(settings)
    password = args.password or secrets.token_urlsafe(9)
    try:
        create_user(args.name, password, role=args.role, full_name=args.full_name or "",
                    branch=args.branch)
    except AccountError as exc:
        raise SystemExit(f"error: {exc}")
    out(f"Created {args.name} ({args.role}). Password: {password}")


def cmd_token_create(args, settings):
    from .auth import create_token
    from .tables import User
    start(settings)
    user = User.get_or_none(User.username == args.user)
    if user is None:
        raise SystemExit(f"error: no user called {args.user}; create one with "
                         f"`python run.py user create {args.user} --role manager`")
    out(f"API token for {user.username} ({args.name}); send it as 'Authorization: Bearer <token>':")
    out(create_token(user, args.name))


def cmd_schema_apply(args, settings):
    from .designer.store import NeedsConfirmation, apply_definitions, load_files
    start(settings)
    try:
        plans = apply_definitions(load_files(args.path), author="cli", confirm=args.yes,
                                  dry_run=args.dry_run)
    except NeedsConfirmation as exc:
        for plan in exc.plans:
            for line in plan.lines():
                out(line)
        loses = any(p.loses_values for p in exc.plans)
        raise SystemExit("Nothing applied. This change touches stored values (the plan above)"
                         + (" and some would not survive it (converted values stay in a backup "
                            "column; removed choices stay on their records)" if loses else "")
                         + ". Run again with --yes to apply it.")
    if not plans:
        out("Nothing to change: the definitions are already live.")
    if args.dry_run:
        out("Dry run: nothing was changed. The plan:")
    for plan in plans:
        out(f"{plan.entity}:")
        for line in plan.lines():
            out(f"  {line}")


def cmd_automation_apply(args, settings):
    from .automation.rules import apply_rules
    from .designer.store import load_files
    start(settings)
    from .automation.safety import cycle_warnings
    from .catalog import catalog
    changed = apply_rules(load_files(args.path), author="cli")
    out(f"Applied: {', '.join(changed)}" if changed else
        "Nothing to change: the rules are already live.")
    for warning in cycle_warnings(catalog(), changed):
        out(f"warning: {warning}")


def cmd_schema_history(args, settings):
    from .designer.store import history
    start(settings)
    rows = history(args.entity)
    if not rows:
        raise SystemExit(f"error: no entity called {args.entity}")
    for row in rows:
        out(f"v{row.version}  {row.created_at:%Y-%m-%d %H:%M:%S}  {row.author}  "
            f"{len(row.body['fields'])} fields  {row.note}")


def cmd_schema_purge(args, settings):
    from .catalog import catalog
    from .designer.store import purge_field
    start(settings)
    entity = catalog().entity(args.entity)
    field = entity.by_name.get(args.field)
    if not args.yes and field is not None and field.retired:
        count = entity.model.select().where(getattr(entity.model, field.name).is_null(False)).count()
        raise SystemExit(f"{count} stored values of {args.entity}.{args.field} would be deleted "
                         f"for good. Run again with --yes to purge.")
    purge_field(args.entity, args.field, author="cli")
    out(f"Purged {args.entity}.{args.field}.")


def cmd_backup(args, settings):
    from .backups import BackupError, make
    start(settings)
    try:
        out(str(make(settings, args.dir)))
    except BackupError as exc:
        raise SystemExit(f"error: {exc}") from None


def cmd_restore(args, settings):
    """Put a backup back, after saying what it would replace and being told --yes."""
    from .backups import BackupError, describe, restore
    try:
        manifest = describe(args.file)
        counts = ", ".join(f"{n} {e}" for e, n in manifest["records"].items())
        if not args.yes:
            raise SystemExit(
                f"This replaces the database at {settings.database_url} and the files under "
                f"{settings.data_dir} with the backup made {manifest['made_at']} UTC"
                f"{' (' + counts + ')' if counts else ''}. Stop the server first, then run "
                f"again with --yes.")
        restore(args.file, settings)
    except BackupError as exc:
        raise SystemExit(f"error: {exc}") from None
    out(f"Restored the backup made {manifest['made_at']} UTC.")


def parser():
    p = argparse.ArgumentParser(prog="run.py", description="growbase: run the platform, or manage it.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="web server and worker (the default)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.set_defaults(run=cmd_serve)

    sub.add_parser("worker", help="run one worker alone").set_defaults(run=cmd_worker)

    user = sub.add_parser("user", help="manage users").add_subparsers(dest="action", required=True)
    create = user.add_parser("create", help="create a user")
    create.add_argument("name")
    create.add_argument("--role", default="manager")
    create.add_argument("--password")
    create.add_argument("--full-name")
    create.add_argument("--branch", default="", help="what rows rules mean by {\"my\": \"branch\"}")
    create.set_defaults(run=cmd_user_create)

    password = user.add_parser("password", help="set a new password (printed when generated)")
    password.add_argument("name")
    password.add_argument("--password")
    password.set_defaults(run=cmd_user_password)

    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="action", required=True)
    tcreate = token.add_parser("create", help="create a token for USER (printed on the last line)")
    tcreate.add_argument("user")
    tcreate.add_argument("--name", default="cli")
    tcreate.set_defaults(run=cmd_token_create)

    schema = sub.add_parser("schema", help="entity definitions").add_subparsers(dest="action",
                                                                               required=True)
    apply_ = schema.add_parser("apply", help="apply a definition file or folder")
    apply_.add_argument("path")
    apply_.add_argument("--yes", action="store_true", help="confirm conversions")
    apply_.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    apply_.set_defaults(run=cmd_schema_apply)
    export = schema.add_parser("export", help="write the live definitions as JSON files")
    export.add_argument("dir")
    export.set_defaults(run=exporter("entity"))
    hist = schema.add_parser("history", help="versions of an entity")
    hist.add_argument("entity")
    hist.set_defaults(run=cmd_schema_history)
    automation = sub.add_parser("automation", help="automation rules").add_subparsers(
        dest="action", required=True)
    aapply = automation.add_parser("apply", help="apply a rule file or a folder of them")
    aapply.add_argument("path")
    aapply.set_defaults(run=cmd_automation_apply)
    aexport = automation.add_parser("export", help="write the live rules as JSON files")
    aexport.add_argument("dir")
    aexport.set_defaults(run=exporter("automation"))

    add_report_parsers(sub)
    add_intake_parsers(sub)
    add_transfer_parsers(sub)

    backup = sub.add_parser("backup", help="a consistent copy while the server runs (.zip)")
    backup.add_argument("dir", nargs="?", help="where to write it (default: data/backups)")
    backup.set_defaults(run=cmd_backup)
    restore = sub.add_parser("restore", help="put a backup back (stop the server first)")
    restore.add_argument("file")
    restore.add_argument("--yes", action="store_true", help="replace what is there now")
    restore.set_defaults(run=cmd_restore)

    purge = schema.add_parser("purge", help="drop a retired field's data for good")
    purge.add_argument("entity")
    purge.add_argument("field")
    purge.add_argument("--yes", action="store_true")
    purge.set_defaults(run=cmd_schema_purge)
    return p


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "serve")  # `python run.py --port 8000` means serve
    args = parser().parse_args(argv)
    settings = load_settings()
    try:
        args.run(args, settings)
    except DefinitionError as exc:
        out("The definition was refused; nothing changed:")
        out(exc.report())
        raise SystemExit(2)
    except KeyboardInterrupt:
        pass
