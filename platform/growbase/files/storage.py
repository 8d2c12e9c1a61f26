"""Where files are kept: one folder (GROWBASE_FILES, default data/files), a file per key
in a subfolder of its first two characters. Keys are random: a file is found only
through a record that names it."""

import os
import re
import secrets
from pathlib import Path

from ..config import current

KEY = re.compile(r"^[0-9a-f]{32}$")


def folder():
    return Path(current().files_dir)


def path_of(key):
    if not KEY.match(key or ""):
        raise KeyError(key)
    return folder() / key[:2] / key


def put(data):
    """Keep the bytes; return their new key (written whole, then named: never half a file)."""
    key = secrets.token_hex(16)
    target = path_of(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_suffix(".part")
    part.write_bytes(data)
    os.replace(part, target)
    return key


def read(key):
    return path_of(key).read_bytes()


def exists(key):
    try:
        return path_of(key).is_file()
    except KeyError:
        return False


def every_file():
    """(key, path) of every file kept (for backups)."""
    base = folder()
    if not base.exists():
        return []
    return [(p.name, p) for p in sorted(base.glob("??/*")) if KEY.match(p.name)]
