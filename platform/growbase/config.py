"""Settings from the environment, with embedded defaults so `python run.py` needs no server."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Settings:
    root: Path
    data_dir: Path
    database_url: str
    huey_url: str
    secret_key: str
    demo: bool
    backup_days: int = 14  # nightly backups kept
    job_days: int = 14  # an import's or export's files kept after it ended
    https: bool = False  # served over HTTPS (behind a proxy): cookies only travel encrypted
    proxies: int = 0  # reverse proxies in front whose X-Forwarded-For may be believed

    @property
    def schemas_dir(self) -> Path:
        return self.root / "schemas"

    @property
    def seed_dir(self) -> Path:
        return self.root / "seed"


def _secret_key(data_dir: Path) -> str:
    """Return GROWBASE_SECRET_KEY, or one generated once and kept under data/."""
    key = os.environ.get("GROWBASE_SECRET_KEY")
    if key:
        return key
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _count(name):
    """A whole number of 0 or more from the environment; a mistake stops the start."""
    text = os.environ.get(name, "0").strip() or "0"
    if not text.isdigit():
        raise SystemExit(f"error: {name} is \"{text}\"; write how many, like 1.")
    return int(text)


def load_settings(**overrides) -> Settings:
    """Read the environment; keyword overrides win (tests use them)."""
    root = Path(overrides.pop("root", ROOT))
    data_dir = Path(overrides.pop("data_dir", os.environ.get("GROWBASE_DATA", root / "data")))
    values = dict(
        root=root,
        data_dir=data_dir,
        database_url=os.environ.get("DATABASE_URL", f"sqlite:///{data_dir / 'growbase.db'}"),
        huey_url=os.environ.get("HUEY_URL", f"sqlite:///{data_dir / 'huey.db'}"),
        demo=os.environ.get("GROWBASE_DEMO", "1") not in ("0", "false", "no"),
        backup_days=int(os.environ.get("GROWBASE_BACKUP_DAYS", "14")),
        job_days=int(os.environ.get("GROWBASE_JOB_DAYS", "14")),
        https=os.environ.get("GROWBASE_HTTPS", "0") in ("1", "true", "yes"),
        proxies=_count("GROWBASE_PROXIES"),
    )
    values.update(overrides)
    if "secret_key" not in values:
        values["secret_key"] = _secret_key(data_dir)
    return Settings(**values)
