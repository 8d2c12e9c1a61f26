"""Finding look-alike records in the database: all pairs of an entity (the scan behind the
merge queue) or those of one record (the warning as it is created). Reads every row,
whoever asks: what a caller is shown is filtered where it is shown."""

from .similar import alike, close_pairs, exact_pairs, normal

THRESHOLD = 0.85
NEAR = 2000  # rows a new record's name is compared with, at most


def rule(entity):
    """The entity's "duplicates" setting, or None when it has none."""
    spec = entity.spec.get("duplicates")
    if not spec:
        return None
    return {"exact": [n for n in spec.get("exact", []) if n in entity.active_by_name],
            "similar": [n for n in spec.get("similar", []) if n in entity.active_by_name],
            "threshold": spec.get("threshold", THRESHOLD)}


def columns(entity, spec):
    model = entity.model
    return [model.id] + [getattr(model, n) for n in spec["exact"] + spec["similar"]]


def scan(entity):
    """{(a, b): (score 0..1, why)} of every pair of the entity's records that look alike;
    `why` is [[field], [field, likeness]]: exact keys shared, texts alike."""
    spec = rule(entity)
    if spec is None:
        return {}
    rows = list(entity.model.select(*columns(entity, spec)).tuples())
    found = {}
    for k, name in enumerate(spec["exact"]):
        for i, j in exact_pairs([row[1 + k] for row in rows]):
            add(found, rows[i][0], rows[j][0], 1.0, [[name]])
    if spec["similar"]:
        at = 1 + len(spec["exact"])
        keys = [normal(row[at]) for row in rows]
        for (i, j), score in close_pairs(keys, spec["threshold"]).items():
            judged = judge(spec, rows[i][at:], rows[j][at:], score)
            if judged is not None:
                add(found, rows[i][0], rows[j][0], *judged)
    return found


def judge(spec, mine, theirs, first):
    """(score, why) of two records whose first similar texts are `first` alike, the other
    similar texts weighed in where both have one; None below the threshold."""
    why, scores = [[spec["similar"][0], round(first, 2)]], [first, first]
    for name, a, b in zip(spec["similar"][1:], mine[1:], theirs[1:]):
        if a and b:
            likeness = alike(normal(a), normal(b))
            scores.append(likeness)
            why.append([name, round(likeness, 2)])
    score = sum(scores) / len(scores)
    return (score, why) if score >= spec["threshold"] else None


def add(found, a, b, score, why):
    """Note a pair (or what more makes it one): the highest score, every reason once."""
    pair = (min(a, b), max(a, b))
    old_score, old_why = found.get(pair, (0.0, []))
    named = {item[0] for item in old_why}
    found[pair] = (max(score, old_score), old_why + [i for i in why if i[0] not in named])


def like(entity, values, record_id=None):
    """{other id: (score, why)} of the records that look like one with `values` (its own
    id left out): exact keys asked of the database, names compared with those sharing a
    word's beginning."""
    spec = rule(entity)
    if spec is None:
        return {}
    model, found = entity.model, {}

    def note(other, score, why):
        if other != record_id:
            add(found, 0, other, score, why)
    for name in spec["exact"]:
        key = values.get(name)
        if key not in (None, ""):
            shapes = {str(key), str(key).lower()}  # by the index; other cases: the scan's
            for (other,) in model.select(model.id).where(
                    getattr(model, name).in_(shapes)).limit(50).tuples():
                note(other, 1.0, [[name]])
    first = normal(values.get(spec["similar"][0])) if spec["similar"] else ""
    near, column = None, getattr(model, spec["similar"][0]) if spec["similar"] else None
    for prefix in sorted({word[:3] for word in first.split() if len(word) >= 2}):
        # the database's own case-blind LIKE (ILIKE): a function per row would cost 10x;
        # SQLite's is blind to ASCII case only, so a Cyrillic word is asked both ways
        for shape in {prefix, prefix.capitalize()}:
            test = (column ** f"{shape}%") | (column ** f"% {shape}%")
            near = test if near is None else near | test
    if near is not None:
        mine, at = [values.get(n) for n in spec["similar"]], 1 + len(spec["exact"])
        for row in model.select(*columns(entity, spec)).where(near).limit(NEAR).tuples():
            score = alike(first, normal(row[at]))
            judged = judge(spec, mine, row[at:], score) if score >= spec["threshold"] else None
            if judged is not None:
                note(row[0], *judged)
    return {b: result for (_zero, b), result in found.items()}
