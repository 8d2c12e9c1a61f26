"""Countries as people write them in a record: "DE", "Germany", "Германия", "USA", "UK".

A phone field may read its national numbers by the record's own country ("region_from");
this turns what that field holds into the two-letter code phonenumbers wants.
"""

from functools import lru_cache

from babel import Locale

from ..i18n import LANGUAGES

ALIASES = {"usa": "US", "u.s.a.": "US", "u.s.": "US", "america": "US", "сша": "US",
           "uk": "GB", "u.k.": "GB", "england": "GB", "britain": "GB", "great britain": "GB",
           "scotland": "GB", "wales": "GB", "англия": "GB", "holland": "NL", "рф": "RU",
           "russian federation": "RU", "korea": "KR", "czech republic": "CZ"}


@lru_cache(maxsize=1)
def _names():
    names = dict(ALIASES)
    for language in LANGUAGES:
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(name.casefold(), code)
                names.setdefault(code.casefold(), code)
    return names


def country_code(text):
    """"Germany" -> "DE"; None when the text names no country we know."""
    if not isinstance(text, str) or not text.strip():
        return None
    return _names().get(" ".join(text.split()).casefold().replace("ё", "е"))


def country_name(code, locale):
    return Locale(locale).territories.get(code, code)
