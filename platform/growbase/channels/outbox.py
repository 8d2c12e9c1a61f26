"""The outbox: a message written in the caller's transaction, held (quiet hours, daily
cap), kept (no adapter configured) or queued; the queue is told only after COMMIT."""

from ..db import after_commit, insert_row
from ..tables import Outbox, utcnow
from .limits import hold

queued_listeners = []  # told (after commit) of a message id to deliver, with a delay


def write(kind, conf, recipient, body, subject="", html="", to_customer=True, held=None,
          **origin):
    """One outbox row for channel `kind` under the channel settings `conf`; its id.
    `held`: why it waits for a person instead of going out (resend() lets it go)."""
    now = utcnow()
    deferred = hold(kind.name, recipient, now, conf) \
        if kind.limited and to_customer and not held else None
    status = "held" if held else "deferred" if deferred else (
        "stored" if kind.adapter(conf) is None else "queued")
    message_id = insert_row(Outbox, dict(
        channel=kind.name, recipient=recipient, subject=subject, body=body, html=html,
        status=status, attempts=0, error=held or (deferred[1] if deferred else ""),
        not_before=deferred[0] if deferred else None,
        released_at=None if held or deferred else now, created_at=now, **origin))
    if status == "queued":
        announce(message_id)
    return message_id


def announce(message_id, delay=0):
    def call():
        for listener in queued_listeners:
            listener(message_id, delay)
    after_commit(call, f"message {message_id}")
