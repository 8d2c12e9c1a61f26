"""The condition language: the Python evaluator and the SQL compiler agree on random records."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from growbase.catalog import catalog
from growbase.conditions import ConditionError, compile, evaluate, validate
from growbase.designer.store import apply_definitions

SPEC = {"entity": "probe", "fields": [
    {"name": "name", "type": "text"},
    {"name": "qty", "type": "integer"},
    {"name": "price", "type": "money"},
    {"name": "stage", "type": "status", "options": ["new", "done", "lost"]},
    {"name": "tags", "type": "multi_choice", "options": ["a", "b", "c"]},
    {"name": "due", "type": "date"},
    {"name": "ok", "type": "boolean"}]}

TEXT = st.text(alphabet="aAбБёЁ %_'", max_size=3)
VALUES = {
    "name": st.none() | TEXT,
    "qty": st.none() | st.integers(-5, 5),
    "price": st.none() | st.decimals(-100, 100, places=2, allow_nan=False),
    "stage": st.none() | st.sampled_from(["new", "done", "lost"]),
    "tags": st.none() | st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, unique=True),
    "due": st.none() | st.dates(date(2026, 1, 1), date(2026, 1, 10)),
    "ok": st.none() | st.booleans(),
}
RECORD = st.fixed_dictionaries(VALUES)


def leaf():
    def for_field(name, ops, args):
        return st.tuples(st.sampled_from(ops), args).map(
            lambda pair: {"field": name, pair[0]: pair[1]})
    return st.one_of(
        for_field("name", ["eq", "ne", "contains", "not_contains", "starts_with"], TEXT.filter(bool)),
        for_field("name", ["is_empty"], st.booleans()),
        for_field("qty", ["eq", "ne", "gt", "gte", "lt", "lte"], st.integers(-5, 5)),
        for_field("qty", ["in", "not_in"], st.lists(st.integers(-5, 5), max_size=3)),
        for_field("price", ["gt", "lte", "eq"], st.decimals(-100, 100, places=2).map(str)),
        for_field("stage", ["eq", "ne"], st.sampled_from(["new", "done", "lost"])),
        for_field("stage", ["in", "not_in"], st.lists(st.sampled_from(["new", "done"]), max_size=2)),
        for_field("tags", ["contains", "not_contains"], st.sampled_from(["a", "b", "c"])),
        for_field("tags", ["is_empty"], st.booleans()),
        for_field("due", ["lt", "gte", "eq"], st.dates(date(2026, 1, 1), date(2026, 1, 10)).map(str)),
        for_field("due", ["within"], st.sampled_from(["this_year", "last_year", "last_7_days",
                                                      {"last": 400}, {"next": 3}])),
        for_field("ok", ["eq", "ne"], st.booleans()),
        for_field("ok", ["is_empty"], st.booleans()),
    )


CONDITION = st.recursive(leaf(), lambda inner: st.one_of(
    st.lists(inner, max_size=3).map(lambda c: {"all": c}),
    st.lists(inner, max_size=3).map(lambda c: {"any": c}),
    inner.map(lambda c: {"not": c})), max_leaves=6)


@pytest.fixture
def probe(db):
    apply_definitions([SPEC])
    return catalog().entity("probe")


def test_evaluator_and_compiler_agree(probe):
    model = probe.model

    @settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
    @given(records=st.lists(RECORD, min_size=1, max_size=8), condition=CONDITION)
    def check(records, condition):
        model.delete().execute()
        ids = {}
        for values in records:
            row = model.create(**values)
            ids[row.id] = values
        expected = {i for i, values in ids.items() if evaluate(condition, probe, values)}
        found = {r.id for r in model.select(model.id).where(compile(condition, probe, model))}
        assert found == expected, condition

    check()


def test_change_operators_need_a_change(probe):
    before, after = {"stage": "new"}, {"stage": "done"}
    assert evaluate({"field": "stage", "changed_to": "done"}, probe, after, before)
    assert not evaluate({"field": "stage", "changed_to": "done"}, probe, after, after)
    assert evaluate({"field": "stage", "changed_from": "new"}, probe, after, before)
    with pytest.raises(ConditionError):
        compile({"field": "stage", "changed": True}, probe, probe.model)


def test_relative_dates(probe):
    from datetime import timedelta
    today = date.today()
    assert evaluate({"field": "due", "lt": {"today": 0}}, probe, {"due": today - timedelta(days=1)})
    assert not evaluate({"field": "due", "lt": {"today": 0}}, probe, {"due": today})
    assert evaluate({"field": "due", "gte": {"ago": "2d"}}, probe, {"due": today})


@pytest.mark.parametrize("now, period, count, start", [
    (datetime(2026, 12, 7, 15), "month", 0, datetime(2026, 12, 1)),
    (datetime(2026, 12, 7, 15), "month", 1, datetime(2027, 1, 1)),
    (datetime(2026, 1, 31), "month", -1, datetime(2025, 12, 1)),
    (datetime(2026, 12, 7, 15), "week", 0, datetime(2026, 12, 7)),  # a Monday
    (datetime(2026, 12, 6, 23), "week", -1, datetime(2026, 11, 23)),  # a Sunday
    (datetime(2026, 11, 15), "quarter", 0, datetime(2026, 10, 1)),
    (datetime(2026, 11, 15), "quarter", 1, datetime(2027, 1, 1)),
    (datetime(2026, 11, 15), "year", -1, datetime(2025, 1, 1)),
])
def test_this_and_last_week_month_quarter_and_year_start_where_a_calendar_says(
        now, period, count, start):
    from growbase.fields.temporal import relative
    assert relative({period: count}, now) == start


def test_this_month_is_a_filter_and_a_wrong_period_says_how_to_write_one(probe):
    today = date.today()
    this_month = {"all": [{"field": "due", "gte": {"month": 0}}, {"field": "due", "lt": {"month": 1}}]}
    assert evaluate(this_month, probe, {"due": today})
    assert not evaluate(this_month, probe, {"due": today.replace(day=1) - timedelta(days=1)})
    problems = validate({"field": "due", "gte": {"month": "this"}}, probe)
    assert problems and "{\"month\": 0}" in problems[0][1]


def test_within_a_period_counts_from_its_first_day_up_to_the_next(probe):
    today = date.today()
    week_start = today - timedelta(days=today.weekday())
    cases = [("today", today, True), ("yesterday", today, False),
             ("this_week", week_start, True), ("last_week", week_start, False),
             ("last_week", week_start - timedelta(days=7), True),
             ("this_month", today.replace(day=1), True),
             ("last_month", today.replace(day=1), False),
             ("last_7_days", today - timedelta(days=6), True),
             ("last_7_days", today - timedelta(days=7), False),
             ({"last": 7}, today - timedelta(days=6), True),
             ("next_7_days", today + timedelta(days=6), True),
             ({"next": 7}, today + timedelta(days=7), False), ("this_year", None, False)]
    for period, due, holds in cases:
        assert evaluate({"field": "due", "within": period}, probe, {"due": due}) is holds, period
    problems = validate({"field": "due", "within": "someday"}, probe)
    assert problems[0][0] == "$.within" and "last_30_days" in problems[0][1]
    assert validate({"field": "due", "within": {"last": 0}}, probe)


def test_problems_are_named_with_paths(probe):
    problems = validate({"all": [{"field": "qty", "contains": "x"},
                                 {"field": "nope", "eq": 1},
                                 {"field": "price", "gt": "lots"}]}, probe)
    paths = [p for p, _t in problems]
    assert paths == ["$.all[0]", "$.all[1].field", "$.all[2].gt"]
    assert Decimal("1") and "not a number" in problems[2][1]
