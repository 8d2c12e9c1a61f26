"""`python run.py intake apply | export | list | secret | replay`: what comes in by itself,
set up from the command line (the secret is printed on the last line, for scripts)."""

from .boot import start
from .cli_base import exporter, out


def known(key):
    from .catalog import catalog
    intake = catalog().intake(key)
    if intake is None:
        keys = ", ".join(i.key for i in catalog().intakes()) or "none yet"
        raise SystemExit(f"error: no intake \"{key}\"; there are: {keys}")
    return intake


def cmd_apply(args, settings):
    from .designer.store import load_files
    from .intake.store import apply_intakes
    start(settings)
    changed = apply_intakes(load_files(args.path), author="cli")
    out(f"Applied: {', '.join(changed)}" if changed else
        "Nothing to change: the intakes are already live.")


def cmd_list(args, settings):
    from .catalog import catalog
    start(settings)
    for intake in catalog().intakes():
        out(f"{intake.key}\t{intake.entity}\t/api/intake/{intake.key}\t{intake.name(args.locale)}")


def cmd_secret(args, settings):
    from .intake.store import new_secret, secret_of
    start(settings)
    key = known(args.key).key
    if args.new:
        out("A new secret; the old one no longer works:")
    out(new_secret(key) if args.new else secret_of(key))


def cmd_replay(args, settings):
    import json
    from .intake.receive import replay
    start(settings)
    try:
        status, answer = replay(args.entry)
    except LookupError as exc:
        raise SystemExit(f"error: {exc}") from None
    out(json.dumps(answer, ensure_ascii=False))
    if status >= 400:
        raise SystemExit(1)


def add_parsers(sub):
    intake = sub.add_parser("intake", help="inbound webhooks (website orders, calls)") \
        .add_subparsers(dest="action", required=True)
    apply_ = intake.add_parser("apply", help="apply an intake file or a folder of them")
    apply_.add_argument("path")
    apply_.set_defaults(run=cmd_apply)
    export = intake.add_parser("export", help="write the live intakes as JSON files")
    export.add_argument("dir")
    export.set_defaults(run=exporter("intake"))
    listing = intake.add_parser("list", help="the intakes and their addresses")
    listing.add_argument("--locale", choices=["en", "ru"], default="en")
    listing.set_defaults(run=cmd_list)
    secret = intake.add_parser("secret", help="print an intake's secret (X-Intake-Secret)")
    secret.add_argument("key")
    secret.add_argument("--new", action="store_true", help="replace it; the old one stops working")
    secret.set_defaults(run=cmd_secret)
    again = intake.add_parser("replay", help="take a refused entry of the intake log again")
    again.add_argument("entry", type=int)
    again.set_defaults(run=cmd_replay)
