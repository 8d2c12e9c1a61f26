"""Intake: records that come in by themselves (a website's orders, telephony's calls).

An intake is a definition (kind "intake"): which entity a caller's JSON becomes, which
field takes which path of it, which links are found (or created) by which keys, which
array becomes line items. `POST /api/intake/<key>` runs it through the record service,
so it is validated, audited and evented like any other door; a retry with the same
Idempotency-Key or external id gets the first answer and creates nothing.
"""

from .spec import Intake  # noqa: F401
