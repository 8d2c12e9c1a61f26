"""Numeric types: integer, decimal, money, percent.

WARNING: SQLite keeps decimals as floats (10.005 came back as 10), so decimal,
money and percent are stored as integers scaled by 10**scale on both back ends.
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_symbol
from peewee import BigIntegerField

from ..formulas.types import INTEGER, number
from ..i18n import currency_symbol, format_number, parse_number
from ..i18n import gettext as _
from .base import FieldError, FieldType, register

NUMBER_OPERATORS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "is_empty")
MAX_DIGITS = 18  # what a signed 64-bit integer holds


class ScaledDecimalField(BigIntegerField):
    """A Decimal kept as an integer count of 10**-scale units."""

    def __init__(self, scale, *args, **kwargs):
        self.scale = scale
        super().__init__(*args, **kwargs)

    def db_value(self, value):
        if value is None:
            return None
        return int(Decimal(value).scaleb(self.scale).to_integral_value(ROUND_HALF_UP))

    def python_value(self, value):
        return None if value is None else Decimal(int(value)).scaleb(-self.scale)


class Number(FieldType):
    operators = NUMBER_OPERATORS
    summable = True
    editor = shown_as = "number"

    def client_spec(self, field):
        return dict(super().client_spec(field), scale=0)
    options_schema = {"min": {"type": "number"}, "max": {"type": "number"}}

    def hint(self, field, locale="en"):
        return self.display(Decimal("12900.5"), field, locale)

    def signs(self, field, locale):
        """Signs a typed value may carry around the number."""
        return ()

    def to_decimal(self, raw, field, locale):
        number = self._decimal(raw, field, locale)
        if not number.is_finite():  # NaN and Infinity come through JSON and floats
            raise FieldError(_("Enter a number."))
        return number

    def _decimal(self, raw, field, locale):
        if isinstance(raw, bool):
            raise FieldError(_("Enter a number."))
        if isinstance(raw, float):
            return Decimal(repr(raw))
        if isinstance(raw, (int, Decimal)):
            return Decimal(raw)
        if isinstance(raw, str):
            try:
                return parse_number(raw, locale, strip=self.signs(field, locale))
            except ValueError:
                raise FieldError(_("%(text)s is not a number; write it like %(example)s.",
                                   text=raw, example=format_number(Decimal("12900.5"), locale, 2)
                                   )) from None
        raise FieldError(_("Enter a number."))

    def check(self, value, field):
        errors = []
        if field.get("min") is not None and value < Decimal(str(field.get("min"))):
            errors.append(_("Must be at least %(min)s.", min=field.get("min")))
        if field.get("max") is not None and value > Decimal(str(field.get("max"))):
            errors.append(_("Must be at most %(max)s.", max=field.get("max")))
        return errors

    def input_attrs(self, field):
        return dict(super().input_attrs(field), inputmode="decimal")


@register
class Integer(Number):
    name = "integer"

    def column(self, field):
        return BigIntegerField(null=True)

    def formula_type(self, field):
        return INTEGER

    def parse_value(self, raw, field, locale):
        number = self.to_decimal(raw, field, locale)
        if number != number.to_integral_value():
            raise FieldError(_("Enter a whole number."))
        if len(str(abs(int(number)))) > MAX_DIGITS:
            raise FieldError(_("Too large: at most %(n)s digits.", n=MAX_DIGITS))
        return int(number)

    def to_json(self, value, field):
        return value

    def display(self, value, field, locale="en"):
        return format_number(value, locale, 0)

    def hint(self, field, locale="en"):
        return self.display(12900, field, locale)

    def cell(self, value, field, locale="en"):
        return value

    def number_format(self, field, locale="en"):
        return "#,##0"

    def form_text(self, value, field, locale="en"):
        return "" if value is None else str(value)


@register
class DecimalType(Number):
    name = "decimal"
    options_schema = dict(Number.options_schema,
                          scale={"type": "integer", "minimum": 0, "maximum": 8})
    default_scale = 2

    def scale(self, field):
        return field.get("scale", self.default_scale)

    def column(self, field):
        return ScaledDecimalField(self.scale(field), null=True)

    def storage_key(self, field):
        return (self.name, self.scale(field))  # a new scale rescales every stored integer

    def formula_type(self, field):
        return number(self.scale(field))

    def parse_value(self, raw, field, locale):
        number = self.to_decimal(raw, field, locale)
        scale = self.scale(field)
        if number.adjusted() + 1 + scale > MAX_DIGITS:  # before quantize, which would overflow
            raise FieldError(_("Too large: at most %(n)s digits.", n=MAX_DIGITS))
        quantum = Decimal(1).scaleb(-scale)
        rounded = number.quantize(quantum, ROUND_HALF_UP)
        if rounded != number and not isinstance(raw, float):
            raise FieldError(_("Use at most %(n)s digits after the decimal point.", n=scale))
        if len(rounded.as_tuple().digits) > MAX_DIGITS:
            raise FieldError(_("Too large: at most %(n)s digits.", n=MAX_DIGITS))
        return rounded

    def to_json(self, value, field):
        return None if value is None else str(value)

    def display(self, value, field, locale="en"):
        return format_number(value, locale, self.scale(field))

    def cell(self, value, field, locale="en"):
        return value  # a Decimal: openpyxl writes it exactly

    def number_format(self, field, locale="en"):
        scale = self.scale(field)
        return "#,##0" + ("." + "0" * scale if scale else "")

    def form_text(self, value, field, locale="en"):
        return "" if value is None else format_number(value, locale, self.scale(field))

    def client_spec(self, field):
        return dict(super().client_spec(field), scale=self.scale(field))


@lru_cache(maxsize=256)
def currency_signs(code, locale):
    """What may stand around an amount in this currency: RUB, ₽, руб. ..."""
    return frozenset({code, currency_symbol(code, locale), currency_symbol(code, "en"),
                      *({"руб.", "руб", "р.", "р"} if code == "RUB" else ())})


@register
class Money(DecimalType):
    name = "money"
    options_schema = dict(DecimalType.options_schema,
                          currency={"type": "string", "pattern": "^[A-Z]{3}$"})

    def currency(self, field):
        return field.get("currency", "RUB")

    def signs(self, field, locale):
        return currency_signs(self.currency(field), locale)

    def formula_type(self, field):
        return number(self.scale(field), "money", self.currency(field))

    def client_spec(self, field):
        return dict(super().client_spec(field), currency=self.currency(field))

    def display(self, value, field, locale="en"):
        if value is None:
            return ""
        code = self.currency(field)  # "₽2,500.00" in English, not "RUB2,500.00"
        return format_currency(value, code, locale=locale).replace(
            get_currency_symbol(code, locale=locale), currency_symbol(code, locale))

    def number_format(self, field, locale="en"):
        sign = currency_symbol(self.currency(field), locale)
        return f'{super().number_format(field, locale)} "{sign}"'


@register
class Percent(DecimalType):
    name = "percent"
    summable = False
    shown_as = "percent"

    def signs(self, field, locale):
        return ("%",)

    def formula_type(self, field):
        return number(self.scale(field), "percent")

    def display(self, value, field, locale="en"):
        return "" if value is None else format_number(value, locale) + "\u00a0%"

    def number_format(self, field, locale="en"):
        return f'{super().number_format(field, locale)}"%"'  # stored as 12.5, not 0.125
