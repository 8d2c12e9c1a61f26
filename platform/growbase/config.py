"""Settings from the environment, with embedded defaults so `python run.py` needs no server.

Read once, by an entry point (the app factory's caller, the worker, each command), and
handed down from there (`use`, then `current()` below the entry point): nothing else reads
the environment, so a test or a second app gives its own settings as an object."""

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import available_timezones

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ChannelSettings:
    """How messages leave the machine (README, "Channels"); the defaults keep them here."""
    sms_gateway: str = "outbox"  # outbox | twilio | smsru
    sms_login: str = ""
    sms_password: str = ""
    sms_from: str = ""
    sms_url: str = ""  # the gateway's address, when not its public one (a test receiver)
    smtp_url: str = ""  # unset: emails stay in the outbox
    mail_from: str = "growbase@localhost"
    webhook_key: bytes = b""  # signs webhooks: GROWBASE_WEBHOOK_SECRET, else from the secret key
    webhook_allow: tuple = ()  # hosts, addresses, networks inside that webhooks may reach
    quiet_hours: tuple = None  # (start, end) local times customer messages wait out
    daily_cap: int = 0  # messages per customer per channel per local day; 0: no cap


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
    sweep_after: int = 30  # seconds an event may wait unqueued before the sweep queues it
    time_zone: str = ""  # the business's zone (IANA, like Europe/Moscow); "": this machine's
    files_dir: str = ""  # attachments: a folder (under the data folder, or shared by machines)
    #                      or an S3-compatible store: s3://bucket/prefix?endpoint=https://...
    channels: ChannelSettings = field(default_factory=ChannelSettings)

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


def _count(name, default="0"):
    """A whole number of 0 or more from the environment; a mistake stops the start."""
    text = os.environ.get(name, default).strip() or "0"
    if not text.isdigit():
        raise SystemExit(f"error: {name} is \"{text}\"; write how many, like 1.")
    return int(text)


def _zone(name):
    """An IANA zone name as given (checked), or "" for this machine's own."""
    if name and name not in available_timezones():
        raise SystemExit(f"error: GROWBASE_TIME_ZONE is \"{name}\"; write a zone like "
                         f"Europe/Moscow or America/New_York.")
    return name


def _quiet_hours():
    text = os.environ.get("GROWBASE_QUIET_HOURS", "").strip()
    if not text:
        return None
    try:
        start, end = (time(*map(int, part.strip().split(":"))) for part in text.split("-"))
    except (TypeError, ValueError):
        raise SystemExit(f"error: GROWBASE_QUIET_HOURS is \"{text}\"; it must read like "
                         f"21:00-09:00.") from None
    return start, end


def channel_settings(secret_key) -> ChannelSettings:
    env = os.environ.get
    webhook = env("GROWBASE_WEBHOOK_SECRET", "")
    return ChannelSettings(
        sms_gateway=env("GROWBASE_SMS_GATEWAY", "outbox"), sms_login=env("GROWBASE_SMS_LOGIN", ""),
        sms_password=env("GROWBASE_SMS_PASSWORD", ""), sms_from=env("GROWBASE_SMS_FROM", ""),
        sms_url=env("GROWBASE_SMS_URL", ""), smtp_url=env("GROWBASE_SMTP_URL", ""),
        mail_from=env("GROWBASE_MAIL_FROM", "growbase@localhost"),
        webhook_key=webhook.encode() if webhook else hmac.new(
            secret_key.encode(), b"webhooks", hashlib.sha256).digest(),
        webhook_allow=tuple(item.strip().lower() for item in env("GROWBASE_WEBHOOK_ALLOW", "")
                            .split(",") if item.strip()),
        quiet_hours=_quiet_hours(), daily_cap=_count("GROWBASE_DAILY_CAP"))


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
        backup_days=_count("GROWBASE_BACKUP_DAYS", "14"),
        job_days=_count("GROWBASE_JOB_DAYS", "14"),
        https=os.environ.get("GROWBASE_HTTPS", "0") in ("1", "true", "yes"),
        proxies=_count("GROWBASE_PROXIES"),
        sweep_after=_count("GROWBASE_SWEEP_AFTER", "30"),
        files_dir=os.environ.get("GROWBASE_FILES", str(data_dir / "files")),
        time_zone=_zone(os.environ.get("GROWBASE_TIME_ZONE", "").strip()),
    )
    values.update(overrides)
    if "secret_key" not in values:
        values["secret_key"] = _secret_key(data_dir)
    if "channels" not in values:
        values["channels"] = channel_settings(values["secret_key"])
    return Settings(**values)


_in_use = []


def use(settings: Settings) -> Settings:
    """The entry point's settings, for what runs below it (boot.start calls this)."""
    _in_use[:] = [settings]
    return settings


def current() -> Settings:
    if not _in_use:
        raise RuntimeError("growbase was not started: create_app(settings), the worker or a "
                           "command gives the settings first (boot.start).")
    return _in_use[0]
