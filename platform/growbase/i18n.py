"""Locale helpers: translated text, labels per language, numbers in the user's locale."""

import re
import threading
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.numbers import NumberFormatError, format_decimal, get_currency_symbol, parse_decimal
from flask import has_request_context

LANGUAGES = ("en", "ru")
DEFAULT_LOCALE = "en"

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_PLAIN_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
# 1,234.56 and 1.234,56: thousands marked one way, the decimals the other (any locale)
_BOTH_MARKS = re.compile(r"^[-+]?\d{1,3}([.,])\d{3}(?:\1\d{3})*(?!\1)[.,]\d+$")
# one mark that cannot group thousands (not three digits after it, or more than three before
# it, or a leading 0): the decimal one, whichever the locale ("12 900,50" in English too)
_ONE_MARK = re.compile(r"^[-+]?(\d+)[.,](\d+)$")


_forced = threading.local()


@contextmanager
def in_locale(locale):
    """Speak `locale` in this thread for a while (a CLI command, a worker job for a user)."""
    previous = getattr(_forced, "locale", None)
    _forced.locale = locale
    try:
        yield
    finally:
        _forced.locale = previous


@lru_cache(maxsize=8)
def _catalog(locale):
    from babel.support import Translations
    return Translations.load(str(Path(__file__).parent / "translations"), [locale])


def gettext(string, /, **params):
    """Translate within a request or an in_locale() block; else the English text."""
    forced = getattr(_forced, "locale", None)
    if forced:
        text = _catalog(forced).ugettext(string)
        return text % params if params else text
    if has_request_context():
        from flask_babel import gettext as babel_gettext
        return babel_gettext(string, **params)
    return string % params if params else string


class Said(str):
    """A sentence said now, in this thread's language, that can be said again in another:
    its message id and parameters go with it (a worker's outcome, read later by people
    of either language). Extracted by Babel as a gettext keyword."""

    def __new__(cls, msgid, /, **params):
        said = super().__new__(cls, gettext(msgid, **params))
        said.msgid, said.params = msgid, params
        return said


def current_locale() -> str:
    forced = getattr(_forced, "locale", None)
    if forced:
        return forced
    if has_request_context():
        from flask_babel import get_locale
        locale = get_locale()
        if locale is not None:
            return str(locale.language)
    return DEFAULT_LOCALE


def pick(label, locale=None, fallback=""):
    """Return the text of a label given as a string or as {"en": ..., "ru": ...}."""
    if label is None:
        return fallback
    if isinstance(label, str):
        return label
    locale = locale or current_locale()
    return label.get(locale) or label.get(DEFAULT_LOCALE) or next(iter(label.values()), fallback)


def parse_number(text: str, locale: str, strip=()) -> Decimal:
    """Parse a number typed in `locale` ("12 900,50" in ru, "12,900.50" in en) or plain "12900.50".

    `strip` lists signs the field allows around the number (a currency symbol, "%").
    Raises ValueError when the text is not a number in that locale.
    """
    cleaned = text.strip()
    for sign in sorted(strip, key=len, reverse=True):
        if cleaned.endswith(sign):
            cleaned = cleaned[: -len(sign)]
        elif cleaned.startswith(sign):
            cleaned = cleaned[len(sign):]
    cleaned = cleaned.strip()
    compact = _SPACES.sub("", cleaned)
    if _PLAIN_NUMBER.match(compact):
        return Decimal(compact)
    both = _BOTH_MARKS.match(compact)
    if both:  # a price list from another country: the last mark is the decimal one
        return Decimal(compact.replace(both.group(1), "").replace(",", "."))
    one = _ONE_MARK.match(compact)
    if one and (len(one.group(2)) != 3 or len(one.group(1)) > 3 or one.group(1).startswith("0")):
        return Decimal(compact.replace(",", "."))
    try:
        # babel expects the locale's own group separator; a typed space stands for it
        group = {"ru": "\u00a0"}.get(locale)
        candidate = _SPACES.sub(group, cleaned) if group else compact
        return parse_decimal(candidate, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        raise ValueError(text) from None


def format_number(value, locale: str, scale=None) -> str:
    if value is None:
        return ""
    fmt = None
    if scale is not None:
        fmt = "#,##0" + ("." + "0" * scale if scale else "")
    return format_decimal(value, format=fmt, locale=locale, decimal_quantization=False)


@lru_cache(maxsize=64)
def currency_symbol(code: str, locale: str) -> str:
    """The currency's sign as people write it: "₽" in English too, not "RUB" (the shortest
    sign our languages know for it)."""
    return min((get_currency_symbol(code, locale=lang) for lang in (locale, *LANGUAGES)),
               key=len)


def plural_forms(singular, plural, locale=None):
    """Every plural form of a counted phrase in `locale`, by CLDR category ("one", "few",
    "many", "other"), for the browser to choose with Intl.PluralRules: "1 ячейка",
    "2 ячейки", "5 ячеек". The text keeps `{n}` for the count."""
    locale = locale or current_locale()
    rule, samples = Locale.parse(locale).plural_form, {}
    for n in range(0, 200):
        samples.setdefault(rule(n), n)
    samples.setdefault("other", samples.get("many", 2))  # (Russian "other" is for fractions)
    return {tag: _catalog(locale).ungettext(singular, plural, n).replace("%(num)s", "{n}")
            for tag, n in samples.items()}
