"""Who writes, and through which door."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who writes, and through which door (kept in the audit and on events). Whose
    permissions apply is the acting context's (acting.py), as for every read: a trusted
    actor (the system, an automation) has them all."""
    user_id: int | None
    username: str
    source: str
    trusted: bool = False  # may write read-only fields, whatever the context

    @classmethod
    def for_user(cls, user, source):
        return cls(user.id, user.username, source)


SYSTEM = Actor(None, "system", "system", trusted=True)
