"""One record's part in a write, from what was sent to what was written."""

from dataclasses import dataclass


DONE = {"create": "created", "restore": "created", "update": "updated", "delete": "deleted"}


@dataclass(slots=True)
class Plan:
    """Every door (form, grid, API, import, automation, undo) writes through plans:
    plan -> check -> apply. A single create, update, restore or delete is a one-plan write.

    `action` is "create", "update", "restore" or "delete"; `current` is the record as it
    was (None: a new one); `merged` what it becomes; `changed` the fields that differ."""
    action: str
    id: int | None = None
    row: object = None  # the row read for an update or a delete, locked
    current: dict | None = None
    values: dict | None = None  # what was sent, parsed
    merged: dict | None = None
    changed: list = ()  # (a plan holds only what its action needs: thousands are made)
    errors: dict | None = None  # {field: message}: not written (a saving plan has one)
    conflict: dict | None = None  # {field: {theirs, by, at, yours}}
    refusal: Exception | None = None  # a delete's reason not to, said as a RecordError
    version: int = 1  # the version the record will have
    stamp: dict | None = None  # gb_* columns written with it

    @property
    def rejected(self):
        return bool(self.errors) or self.refusal is not None

    def record(self, model):
        """The written record as a model instance (not read back)."""
        return model(id=self.id, **self.merged, **self.stamp)

    def outcome(self):
        """A batch's answer for this plan: ("created" | "updated" | "unchanged" | "deleted",
        id), or ("rejected", {field: message}) — a delete's: the RecordError."""
        if self.refusal is not None:
            return "rejected", self.refusal
        if self.errors:
            return "rejected", self.errors
        if self.action == "update" and not self.changed:
            return "unchanged", self.id
        return DONE[self.action], self.id
