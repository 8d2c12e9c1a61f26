"""Duplicates: records that look like one another (the same customer typed in twice).

An entity's definition says what makes two of its records the same one:
    "duplicates": {"exact": ["phone", "email", "inn"], "similar": ["name", "address"],
                   "threshold": 0.85}
Exact keys match after normalising (case, spaces); similar ones are compared by
rapidfuzz within blocks of records sharing a word's beginning, so 100,000 records are
scanned in seconds. Pairs found are kept (gb_duplicate_pair) as the merge queue: open until
merged or dismissed, counted by the data-quality check {"field": "id", "possible_duplicate": true}.
"""
