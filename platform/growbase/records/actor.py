"""Who writes, and through which door."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who writes, and through which door (kept in the audit and on events)."""
    user_id: int | None
    username: str
    source: str
    trusted: bool = False  # may write read-only fields (system, automations)
    role: str | None = None  # whose permissions apply (None: the system's, all of them)

    @classmethod
    def for_user(cls, user, source):
        return cls(user.id, user.username, source, role=user.role)


SYSTEM = Actor(None, "system", "system", trusted=True)
