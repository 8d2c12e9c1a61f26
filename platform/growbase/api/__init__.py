"""The JSON API: one blueprint at /api. base.py holds it with what every route shares;
each module below hangs its routes on it when imported here, so this list is the API:
records (/api/<entity>), grid (batches, groups, views, changes), transfer (import and
export jobs), history (the audit, undo), automations (rules, runs, outbox), reports,
data quality, the dashboard and designer, intake (inbound webhooks), duplicates
(the merge queue), documents (printed from Word templates),
files (attachments)."""

from . import (automations, dashboard, designer, documents, duplicates, files,  # noqa: F401
               grid, history, intake, quality, records, reports, transfer)
from .base import bp, describe  # noqa: F401 (what the app and the admin use)
