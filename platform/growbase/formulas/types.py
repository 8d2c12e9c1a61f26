"""What a formula's values are: number (with its scale, and money's currency or percent),
text, date, datetime or boolean. Numbers are exact: decimals with a fixed scale, in Python
and as scaled integers in SQL, so the two back ends agree to the last digit."""

from dataclasses import dataclass, replace

from ..i18n import gettext as _

MAX_SCALE = 8  # digits after the point a number keeps (what a stored decimal may have)
DIVISION_SCALE = 6  # digits a quotient keeps at least


@dataclass(frozen=True)
class Type:
    kind: str  # number | text | date | datetime | boolean
    scale: int = 0  # a number's digits after the point
    unit: str = ""  # a number's: "" | "money" | "percent"
    currency: str = ""  # money's

    @property
    def number(self):
        return self.kind == "number"

    def with_scale(self, scale):
        return replace(self, scale=min(scale, MAX_SCALE))

    def describe(self):
        """How a message names it: "money (RUB)", "a number", "text", "a date" ..."""
        if self.unit == "money":
            return _("money (%(currency)s)", currency=self.currency)
        return {"number": _("a percent") if self.unit == "percent" else _("a number"),
                "text": _("text"), "date": _("a date"), "datetime": _("a date and time"),
                "boolean": _("yes/no")}[self.kind]


INTEGER = Type("number")
TEXT = Type("text")
DATE = Type("date")
DATETIME = Type("datetime")
BOOLEAN = Type("boolean")


def number(scale, unit="", currency=""):
    return Type("number", min(scale, MAX_SCALE), unit, currency)


# what `"result"` may ask of a formula, and the field type it is shown and stored like
RESULTS = {"number": "decimal", "integer": "integer", "money": "money", "percent": "percent",
           "text": "text", "date": "date", "datetime": "datetime", "boolean": "boolean"}
