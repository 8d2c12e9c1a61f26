"""An entity's data-quality checks as its definition states them: a condition that picks
the records with a problem, how bad it is, what to do, and whose it is to fix.

    "checks": [{"key": "no_courier", "label": {...}, "criticality": "critical",
                "when": {...}, "fix": {...}, "who": "manager"}]
"""

from ..i18n import pick

LEVELS = ("critical", "warning", "info")  # worst first


class Check:
    def __init__(self, spec, entity):
        self.spec, self.entity = spec, entity
        self.key, self.criticality = spec["key"], spec["criticality"]
        self.when, self.who = spec["when"], spec.get("who")

    def __repr__(self):
        return f"<Check {self.entity.name}.{self.key}>"

    @property
    def rank(self):
        return LEVELS.index(self.criticality)

    def label(self, locale=None):
        return pick(self.spec.get("label"), locale, self.key)

    def fix(self, locale=None):
        return pick(self.spec.get("fix"), locale, "")

    def mine(self):
        """The condition of the records with this problem that are the acting user's (whose
        they are asked first: it rules out most rows at once)."""
        return {"all": [{"field": self.who, "eq": {"me": True}}, self.when]}
