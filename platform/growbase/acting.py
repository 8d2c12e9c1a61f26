"""Who is acting now: the one context every layer reads (fields for {"me": true} and
{"my": "branch"}, permissions for the role, the record service for its default actor).

A request or a job says it once (`acting(user)`, or `enter`/`leave` around a request), so
a query deep in a link picker is scoped like the page that asked."""

import contextvars
from contextlib import contextmanager

_acting = contextvars.ContextVar("gb_acting", default=None)  # who, or None: the system
USER_ATTRIBUTES = ("branch",)  # what {"my": ...} in a condition may ask of the acting user


def _who(user):
    return None if user is None else (user.id, user.role, getattr(user, "branch", "") or "")


@contextmanager
def acting(user):
    """Everything inside runs as `user` (None: as the system)."""
    token = _acting.set(_who(user))
    try:
        yield
    finally:
        _acting.reset(token)


def enter(user):
    """Start acting as `user` for the rest of a request; returns what leave() needs."""
    return _acting.set(_who(user))


def leave(token):
    _acting.reset(token)


def acting_user_id():
    who = _acting.get()
    return who[0] if who else None


def acting_role():
    who = _acting.get()
    return who[1] if who else None


def acting_attribute(name):
    """{"my": "branch"} in a condition: the acting user's branch ("" for the system)."""
    who = _acting.get()
    return who[2] if who and name == "branch" else ""
