"""Records: the one write path for forms, grid, API, import and automations.

errors (why refused), actor (who writes), parse (what was sent, typed), plan (one
record's part in a write), checks (rules asked once per batch), references (links that
hold a delete back), trail (audit, events, announced after COMMIT), values (as JSON and
titles), service (the doors: create, create_many, save_batch, update, restore, delete).
"""

from .actor import SYSTEM, Actor
from .errors import (BatchValidationFailed, Conflict, Forbidden, NotFound, RecordError,
                     ValidationFailed, busy_message)
from .service import RecordService
from .trail import announce, listeners
from .values import json_values, titles, unseen, values_of

__all__ = ["SYSTEM", "Actor", "BatchValidationFailed", "Conflict", "Forbidden", "NotFound",
           "RecordError", "RecordService", "ValidationFailed", "announce", "busy_message", "unseen",
           "json_values", "listeners", "titles", "values_of"]
