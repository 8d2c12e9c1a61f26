"""Input masks (IMask patterns): presets the designer offers, and a check against `pattern`.

A mask shapes typing in the browser; the server still checks `pattern`. When the two
disagree, every value typed through the mask is refused, so the designer refuses the
pair: it fills the mask the way a person would and tries the pattern on that.
"""

import re

from flask_babel import lazy_gettext

PRESETS = {
    "ru_mobile": {"mask": "+{7} (000) 000-00-00", "label": lazy_gettext("Russian mobile")},
    "phone": {"mask": "+0[00] 000 000-00[00]", "label": lazy_gettext("International phone")},
    "inn": {"mask": "0000000000[00]", "label": lazy_gettext("INN (10 or 12 digits)")},
    "postcode": {"mask": "000000", "label": lazy_gettext("Postcode (6 digits)")},
    "card_expiry": {"mask": "00/00", "label": lazy_gettext("Card expiry (MM/YY)")},
}
FILL = {"0": "5", "a": "b", "*": "c"}


def samples(mask):
    """The text a person gets by filling the mask: with its optional parts, and without."""
    full, short, escaped, optional = [], [], False, False
    for char in mask:
        if escaped:
            full.append(char)
            short += [] if optional else [char]
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char in "[]":
            optional = char == "["
        elif char not in "{}`":
            full.append(FILL.get(char, char))
            short += [] if optional else [FILL.get(char, char)]
    return "".join(full), "".join(short)


def contradicts(mask, pattern):
    """The filled mask the pattern refuses, or None when they agree."""
    try:
        compiled = re.compile(pattern)
    except re.error:
        return None  # the meta-schema names a pattern that does not compile
    full, short = samples(mask)
    return None if compiled.search(full) or compiled.search(short) else full
