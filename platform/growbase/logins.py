"""Guessing passwords is made slow: an account is locked for a while after repeated
failures, and so is an address that keeps failing across accounts. Every login, failure
and lock-out is kept in the audit (entity "user"), with the address it came from.

Counts live in the database, so every web process (and a restart) sees the same ones.
"""

from datetime import timedelta

from peewee import fn

from .i18n import gettext as _
from .tables import Audit, LoginFailure, utcnow

ACCOUNT_LIMIT = 5  # wrong passwords in a row before the account is locked ...
ADDRESS_LIMIT = 20  # ... or failures from one address (any accounts) within the window
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)


def _keys(username, address):
    return [(f"user:{username.lower()}", ACCOUNT_LIMIT), (f"ip:{address}", ADDRESS_LIMIT)]


def locked(username, address):
    """A sentence saying when to try again, if this login may not be tried now."""
    now = utcnow()
    until = (LoginFailure.select(fn.MAX(LoginFailure.locked_until))
             .where(LoginFailure.key.in_([k for k, _limit in _keys(username, address)]) &
                    (LoginFailure.locked_until > now)).scalar())
    if until is None:
        return None
    minutes = max(1, round((until - now).total_seconds() / 60))
    return _("Too many wrong passwords: logging in is paused for %(n)s min. If you forgot "
             "the password, ask the owner to set a new one.", n=minutes)


def failed(username, address, user=None):
    now = utcnow()
    for key, limit in _keys(username, address):
        row = LoginFailure.get_or_none(LoginFailure.key == key)
        new = row is None
        if new or now - row.since > WINDOW:  # an old streak is forgotten
            row = LoginFailure(key=key, count=0, since=now)
        row.count += 1
        row.locked_until = now + LOCK if row.count >= limit else row.locked_until
        row.save(force_insert=new)
    record(user, "failed" if not locked(username, address) else "locked", username, address)


def succeeded(user, address):
    LoginFailure.delete().where(LoginFailure.key == f"user:{user.username.lower()}").execute()
    record(user, "login", user.username, address)


def unlock(username):
    """A new password set by the owner ends the lock-out."""
    LoginFailure.delete().where(LoginFailure.key == f"user:{username.lower()}").execute()


def record(user, action, username, address):
    Audit.create(entity="user", record_id=user.id if user else 0, record_version=0,
                 action=action, changes={"address": [None, address]},
                 user_id=user.id if user else None, username=username[:80],
                 source=f"login:{address}"[:120])
