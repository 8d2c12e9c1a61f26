"""The daily record of the business's data quality (all records, whoever looks): kept by
the worker each hour and when the owner opens the page, read back as the trend."""

from datetime import timedelta

from ..acting import acting
from ..tables import QualityDay, utcnow
from .tally import summary

DAYS_SHOWN = 30


def keep_today():
    """Count every record's problems and write them as today's."""
    with acting(None):
        keep(summary("en"))


def keep(result):
    """Write (or overwrite) today's figures from a summary of every record."""
    figures = dict(day=utcnow().date(), score=result["score"], records=result["records"],
                   **result["levels"])
    QualityDay.insert(**figures).on_conflict(
        conflict_target=[QualityDay.day],
        update={getattr(QualityDay, k): v for k, v in figures.items() if k != "day"}).execute()


def trend(days=DAYS_SHOWN):
    since = utcnow().date() - timedelta(days=days - 1)
    rows = QualityDay.select().where(QualityDay.day >= since).order_by(QualityDay.day)
    return [{"day": row.day.isoformat(), "score": row.score, "critical": row.critical,
             "warning": row.warning, "info": row.info} for row in rows]
