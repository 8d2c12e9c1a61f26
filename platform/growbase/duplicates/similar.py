"""How alike two records are, and which records are worth comparing at all (pure: no
database). Names are compared with their words in any order ("Smith Grace" is "Grace
Smith"), case and punctuation aside, ё as е."""

import re
from collections import defaultdict
from itertools import combinations

from rapidfuzz import fuzz, process

WORD = re.compile(r"\w+")
BLOCK = 400  # a block this big is compared with its neighbours in order, not all with all
WINDOW = 12


def normal(text):
    """Lower case, ё as е, words in order of the alphabet: "Smith,  Grace" -> "grace smith"."""
    if not text:
        return ""
    return " ".join(sorted(WORD.findall(str(text).lower().replace("ё", "е"))))


def exact_key(value):
    """What an exact key is compared by: no case, no spaces or dashes (an INN typed with
    spaces, an email in capitals)."""
    if value is None:
        return ""
    return re.sub(r"[\s\-().]", "", str(value)).lower()


def block_keys(key):
    """The blocks a normalised name falls in: the beginning of each of its words."""
    return {word[:3] for word in key.split() if len(word) >= 2}


def alike(a, b):
    """0..1: how alike two normalised texts are."""
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b, processor=None) / 100  # the words are in order already


def close_pairs(keys, cutoff):
    """{(i, j): similarity} of the texts (by index) at least `cutoff` alike, compared only
    within blocks; a block too big for all-with-all is compared with its neighbours in
    alphabetical order."""
    blocks = defaultdict(list)
    for index, key in enumerate(keys):
        for block in block_keys(key):
            blocks[block].append(index)
    found = {}
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) <= BLOCK:
            texts = [keys[i] for i in members]
            for n, i in enumerate(members[:-1]):
                for _text, score, k in process.extract(
                        keys[i], texts[n + 1:], scorer=fuzz.ratio, processor=None,
                        score_cutoff=cutoff * 100, limit=None):
                    j = members[n + 1 + k]
                    found[(min(i, j), max(i, j))] = score / 100
        else:
            ordered = sorted(members, key=lambda i: keys[i])
            for n, i in enumerate(ordered):
                for j in ordered[n + 1:n + 1 + WINDOW]:
                    score = alike(keys[i], keys[j])
                    if score >= cutoff:
                        found[(min(i, j), max(i, j))] = score
    return found


def exact_pairs(values, limit=50):
    """[(i, j)] of the indexes whose values are the same key (a key shared by more than
    `limit` records is a placeholder, like "-", not a person)."""
    groups = defaultdict(list)
    for index, value in enumerate(values):
        key = exact_key(value)
        if key:
            groups[key].append(index)
    return [pair for members in groups.values() if 1 < len(members) <= limit
            for pair in combinations(members, 2)]
