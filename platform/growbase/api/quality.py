"""Data quality over the JSON API: the score, the problems by criticality and each
check's count (and the caller's own), counted over the rows the caller may see;
`?format=xlsx` the worklists. The owner's answer carries the daily trend and keeps today's."""

from flask_login import current_user

from .base import as_asked, bp
from ..quality.tally import linked, summary
from ..quality.trend import keep, trend
from ..quality.xlsx import write_quality


@bp.get("/quality")
def quality():
    result = linked(summary(current_user.locale))
    if current_user.is_owner:  # the owner sees every record: their figures are the day's
        keep(result)
        result["trend"] = trend()
    return as_asked(result, lambda r, stream: write_quality(r, stream, current_user.locale),
                    "data-quality")
