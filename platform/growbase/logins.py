"""Guessing passwords is made slow: after repeated failures a login is paused, per
(address, account) and per account. Every login, failure and pause is kept in the audit
(entity "user"), with the address it came from.

WARNING: never pause a whole address. Behind a proxy (or an office's one connection)
every person shares it, and 20 typos would lock the owner out with the guesser. For the
same reason the owner's account is paused only from the addresses that failed on it: a
guesser elsewhere cannot keep the owner out of their own business.

Counts live in the database, so every web process (and a restart) sees the same ones.
"""

from datetime import timedelta

from peewee import fn

from .i18n import gettext as _
from .tables import Audit, LoginFailure, utcnow

PAIR_LIMIT = 5  # wrong passwords from one address for one account before it is paused ...
ACCOUNT_LIMIT = 10  # ... or for one account from anywhere (not the owner's)
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)


def _keys(username, address, user):
    name = username.lower()
    keys = [(f"pair:{address}|{name}", PAIR_LIMIT)]
    if user is None or not user.is_owner:
        keys.append((f"user:{name}", ACCOUNT_LIMIT))
    return keys


def locked(username, address, user=None):
    """A sentence saying when to try again, if this login may not be tried now."""
    now = utcnow()
    until = (LoginFailure.select(fn.MAX(LoginFailure.locked_until))
             .where(LoginFailure.key.in_([k for k, _limit in _keys(username, address, user)]) &
                    (LoginFailure.locked_until > now)).scalar())
    if until is None:
        return None
    minutes = max(1, round((until - now).total_seconds() / 60))
    return _("Too many wrong passwords: logging in is paused for %(n)s min. If you forgot "
             "the password, ask the owner to set a new one.", n=minutes)


def failed(username, address, user=None):
    now = utcnow()
    for key, limit in _keys(username, address, user):
        row = LoginFailure.get_or_none(LoginFailure.key == key)
        new = row is None
        if new or now - row.since > WINDOW:  # an old streak is forgotten
            row = LoginFailure(key=key, count=0, since=now)
        row.count += 1
        row.locked_until = now + LOCK if row.count >= limit else row.locked_until
        row.save(force_insert=new)
    record(user, "failed" if not locked(username, address, user) else "locked", username,
           address)


def succeeded(user, address):
    name = user.username.lower()
    LoginFailure.delete().where(LoginFailure.key.in_(
        [f"user:{name}", f"pair:{address}|{name}"])).execute()
    record(user, "login", user.username, address)


def unlock(username):
    """A new password set by the owner ends the pauses of the account, from everywhere."""
    name = username.lower()
    LoginFailure.delete().where((LoginFailure.key == f"user:{name}") |
                                LoginFailure.key.endswith(f"|{name}")).execute()


def record(user, action, username, address):
    Audit.create(entity="user", record_id=user.id if user else 0, record_version=0,
                 action=action, changes={"address": [None, address]},
                 user_id=user.id if user else None, username=username[:80],
                 source=f"login:{address}"[:120])
