"""The data quality as a rule's message sees it (`{{ quality.score }}`, `quality.worst`):
counted only when a template reads it, over every record (rules act for the business)."""

from functools import cached_property

from ..acting import acting
from .tally import summary

WORST = 5


class QualityDigest:
    def __init__(self, locale):
        self.locale = locale

    @cached_property
    def figures(self):
        with acting(None):
            return summary(self.locale)

    @property
    def score(self):
        return self.figures["score"]

    @property
    def critical(self):
        return self.figures["levels"]["critical"]

    @property
    def warning(self):
        return self.figures["levels"]["warning"]

    @property
    def worst(self):
        """The checks with the most problems, critical ones first."""
        return [c for c in self.figures["checks"] if c["count"]][:WORST]
