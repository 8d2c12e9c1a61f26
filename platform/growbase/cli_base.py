"""What every command of `python run.py` shares: printing, and writing the live
definitions of a kind out as JSON files."""

from .boot import start


def out(text=""):
    print(text, flush=True)


def exporter(kind):
    """The `... export DIR` command of a kind of definition (entity, automation, report)."""
    def cmd_export(args, settings):
        from .designer.store import export
        start(settings)
        for path in export(args.dir, kind=kind):
            out(str(path))
    return cmd_export
