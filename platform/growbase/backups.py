"""Backups: one .zip holding a consistent copy of the database taken while the server runs
(SQLite's online backup; pg_dump for PostgreSQL), the live definitions and rules as JSON
(readable, and importable elsewhere), the files under the data folder (uploaded imports,
exports) and the attachments (wherever GROWBASE_FILES keeps them). `restore` puts a backup back. The worker makes one each night and keeps
GROWBASE_BACKUP_DAYS days of them; the home page says how old the last one is.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from .db import is_postgres, private_file
from .files.storage import store_for
from .errors import GrowbaseError
from .i18n import gettext as _
from .tables import Heartbeat, utcnow

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite"
KEY_FILE = "secret_key"
PG_FILE = "database.pgdump"
FILES = "files/"
ATTACHMENTS = "attachments/"
ATTACHED = re.compile(r"^attachments/([0-9a-f]{2})/(\1[0-9a-f]{30})$")
STALE = timedelta(days=1)


class BackupError(GrowbaseError, RuntimeError):
    pass


def folder(settings):
    return Path(settings.data_dir) / "backups"


def sqlite_path(url):
    return Path(url.split("sqlite:///", 1)[1])


def make(settings, target=None):
    """Write a backup .zip into `target` (default: the data folder's backups/); return it."""
    from .designer.store import export
    target = Path(target or folder(settings))
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"growbase-{datetime.now():%Y%m%d-%H%M%S-%f}.zip"  # two in a second differ
    with tempfile.TemporaryDirectory(prefix="gb-backup-") as tmp:
        tmp = Path(tmp)
        if is_postgres():
            dump = tmp / PG_FILE
            run(["pg_dump", "--format=custom", f"--file={dump}", *only_schema(settings),
                 settings.database_url])
            counts = {}
        else:
            dump = tmp / SQLITE_FILE
            copy_sqlite(sqlite_path(settings.database_url), dump)
            counts = record_counts(dump)
        manifest = {"made_at": utcnow().isoformat(timespec="seconds"),
                    "backend": "postgresql" if is_postgres() else "sqlite", "records": counts}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        part = private_file(path.with_suffix(".part"))
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as bundle:
            bundle.write(tmp / MANIFEST, MANIFEST)
            bundle.write(dump, dump.name)
            key = Path(settings.data_dir) / KEY_FILE
            if key.exists():  # without it, restored sessions, tokens' signatures and
                bundle.write(key, KEY_FILE)  # two-factor secrets would not match
            for kind, name in (("entity", "schemas"), ("automation", "automations"),
                               ("report", "reports"), ("dashboard", "dashboards"),
                               ("intake", "intake")):
                for written in export(tmp / name, kind=kind):
                    bundle.write(written, f"{name}/{Path(written).name}")
            data = Path(settings.data_dir)
            for file in sorted((data / "jobs").rglob("*")) if (data / "jobs").exists() else []:
                if file.is_file():
                    bundle.write(file, FILES + str(file.relative_to(data)))
            kept = store_for(settings.files_dir)  # the attachments, wherever they are kept
            for stored in kept.keys():
                bundle.writestr(f"{ATTACHMENTS}{stored[:2]}/{stored}", kept.read(stored))
    os.replace(path.with_suffix(".part"), path)  # a half-written backup never looks whole
    Heartbeat.insert(name="backup", at=utcnow()).on_conflict(
        conflict_target=[Heartbeat.name], update={Heartbeat.at: utcnow()}).execute()
    return path


def only_schema(settings):
    """An installation kept in a schema of its own (search_path in DATABASE_URL) is dumped
    alone, not with the rest of its database."""
    found = re.search(r"search_path(?:%3D|=)([A-Za-z_][A-Za-z0-9_]*)", settings.database_url)
    return [f"--schema={found.group(1)}"] if found else []


def copy_sqlite(source, dest):
    """SQLite's online backup: a consistent copy while writers go on."""
    src, dst = sqlite3.connect(str(source)), sqlite3.connect(str(dest))
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def record_counts(path):
    conn = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name LIKE 'e\\_%' ESCAPE '\\'")]
        return {t[2:]: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def describe(path):
    """What a backup holds: its manifest (when, which database, how many records)."""
    try:
        with zipfile.ZipFile(path) as bundle:
            return json.loads(bundle.read(MANIFEST))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        raise BackupError(_("%(path)s is not a growbase backup.", path=path)) from None


def restore(path, settings):
    """Replace this installation's database and files with the backup's."""
    manifest = describe(path)
    backend = "postgresql" if settings.database_url.startswith("postgres") else "sqlite"
    if manifest["backend"] != backend:
        raise BackupError(_("This backup is of a %(theirs)s database and this installation uses "
                            "%(ours)s; restore it where DATABASE_URL names a %(theirs)s one.",
                            theirs=manifest["backend"], ours=backend))
    data = Path(settings.data_dir)
    with zipfile.ZipFile(path) as bundle, tempfile.TemporaryDirectory(prefix="gb-restore-") as tmp:
        files, attached = placed_files(bundle, data)  # every entry checked first
        if backend == "sqlite":
            target = sqlite_path(settings.database_url)
            target.parent.mkdir(parents=True, exist_ok=True)
            staged = Path(bundle.extract(SQLITE_FILE, tmp))
            for stale in (target.with_name(target.name + "-wal"),
                          target.with_name(target.name + "-shm")):
                stale.unlink(missing_ok=True)
            shutil.copyfile(staged, private_file(target))
        else:
            dump = bundle.extract(PG_FILE, tmp)
            run(["pg_restore", "--clean", "--if-exists", "--no-owner",
                 f"--dbname={settings.database_url}", dump])
        for name, dest in files.items():
            dest.parent.mkdir(parents=True, exist_ok=True)
            with bundle.open(name) as src, open(private_file(dest), "wb") as out:
                shutil.copyfileobj(src, out)
        kept = store_for(settings.files_dir)
        for name, key in attached.items():
            kept.put(key, bundle.read(name))
    return manifest


def placed_files(bundle, data):
    """({entry: where it goes}, {entry: attachment key}) for the backup's files, the key and
    the attachments; an entry that would land outside the data folder ("../", an absolute
    path), or is no attachment's, refuses the whole backup."""
    placed, attached, root = {}, {}, data.resolve()
    for name in bundle.namelist():
        if name == KEY_FILE:
            placed[name] = data / KEY_FILE
        elif name.startswith(ATTACHMENTS) and not name.endswith("/"):
            found = ATTACHED.match(name)
            if not found:
                raise BackupError(_("The backup holds \"%(name)s\", which is not an "
                                    "attachment; it is damaged or was made to harm. Nothing "
                                    "was restored.", name=name))
            attached[name] = found.group(2)
        elif name.startswith(FILES) and not name.endswith("/"):
            dest = (data / name[len(FILES):]).resolve()
            if not dest.is_relative_to(root / "jobs") or "\\" in name:
                raise BackupError(_("The backup holds \"%(name)s\", which would be written "
                                    "outside the data folder; it is damaged or was made to "
                                    "harm. Nothing was restored.", name=name))
            placed[name] = dest
    return placed, attached


def run(command):
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(_("%(tool)s is not installed; install PostgreSQL's client tools "
                            "(Debian: postgresql-client).", tool=command[0])) from None
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]}: {exc.stderr.strip()}") from None


def prune(settings, days):
    """Delete the nightly backups older than `days` days; return how many went."""
    cutoff = datetime.now() - timedelta(days=days)
    gone = 0
    for path in folder(settings).glob("growbase-*.zip"):
        if datetime.fromtimestamp(path.stat().st_mtime) < cutoff:
            path.unlink()
            gone += 1
    return gone


def last_backup():
    """When the last backup was made (None: never), for the owner's home page."""
    beat = Heartbeat.get_or_none(Heartbeat.name == "backup")
    return None if beat is None else beat.at


def is_stale(at):
    return at is None or utcnow() - at > STALE

