"""What a document's filters write: an amount in words (Russian and English, with its
currency: "одна тысяча двести рублей 00 копеек"), numbers and dates in its language."""

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from num2words import num2words

from ..i18n import format_number

WORDS_LANG = {"ru": "ru", "en": "en"}


def raw(value):
    return getattr(value, "value", value)


def in_words(value, locale="ru", currency="RUB"):
    """The amount in words with its currency, as invoices write it; a blank stays blank."""
    amount = raw(value)
    if amount in (None, ""):
        return ""
    amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    text = num2words(amount, lang=WORDS_LANG.get(locale, "en"), to="currency",
                     currency=currency)
    return text[:1].upper() + text[1:]


def number_words(value, locale="ru"):
    """A whole number in words (the count of lines: "три")."""
    number = raw(value)
    return "" if number in (None, "") else num2words(int(number), lang=WORDS_LANG.get(locale, "en"))


def as_date(value, locale="ru"):
    day = raw(value)
    if isinstance(day, datetime):
        day = day.date()
    return format_date(day, format="medium" if locale == "en" else "dd.MM.yyyy",
                       locale=locale) if isinstance(day, date) else (day or "")


def as_number(value, locale="ru", scale=2):
    number = raw(value)
    return "" if number in (None, "") else format_number(Decimal(str(number)), locale, scale)


def filters(locale):
    """The filters a template may use, bound to its language."""
    return {"in_words": lambda v, currency="RUB": in_words(v, locale, currency),
            "number_words": lambda v: number_words(v, locale),
            "date": lambda v: as_date(v, locale),
            "number": lambda v, scale=2: as_number(v, locale, scale)}
