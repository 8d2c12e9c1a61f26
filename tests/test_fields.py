"""Field types parse what people type, in their locale, and refuse the rest with a fix."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from growbase.definitions import Entity
from growbase.fields import FieldError


def field(type_, **options):
    entity = Entity({"entity": "t", "fields": [dict({"id": "f1", "name": "x", "type": type_}, **options)]})
    return entity.fields[0]


def parse(type_, raw, locale="en", **options):
    f = field(type_, **options)
    return f.type.parse(raw, f, locale)


def refused(type_, raw, locale="en", **options):
    with pytest.raises(FieldError) as err:
        parse(type_, raw, locale, **options)
    return str(err.value)


@pytest.mark.parametrize("typed", ["8 (912) 345-67-89", "+7 912 345 67 89", "9123456789",
                                   "+79123456789", 79123456789])
def test_phone_any_spelling_is_stored_as_e164(typed):
    assert parse("phone", typed, region="RU") == "+79123456789"


def test_phone_that_does_not_exist_is_refused_with_an_example():
    message = refused("phone", "+7 000 000-00-00", region="RU")
    assert "not a phone number of Russia" in message and "+7 912" in message
    assert "Not a phone number" in refused("phone", "call me", region="RU")


def test_money_in_russian_and_english_notation():
    assert parse("money", "12 900,50 ₽", "ru", currency="RUB") == Decimal("12900.50")
    assert parse("money", "12\u00a0900,50", "ru", currency="RUB") == Decimal("12900.50")
    assert parse("money", "12,900.50", "en", currency="RUB") == Decimal("12900.50")
    assert parse("money", "$12,900.50", "en", currency="USD") == Decimal("12900.50")
    assert parse("money", "12900.5", "ru", currency="RUB") == Decimal("12900.50")


@pytest.mark.parametrize("typed,locale,expected", [
    ("1,234.56", "ru", "1234.56"), ("1.234,56", "en", "1234.56"), ("1.234,56", "ru", "1234.56"),
    ("-1,234,567.5", "ru", "-1234567.50"), ("1,234.56 ₽", "ru", "1234.56")])
def test_thousands_and_decimals_marked_either_way_are_read_in_any_locale(typed, locale, expected):
    """A supplier's price list from another country: with both marks, the last is decimal."""
    assert parse("money", typed, locale, currency="RUB") == Decimal(expected)


@pytest.mark.parametrize("typed,locale,expected", [
    ("12 900,50", "en", "12900.50"), ("12900,5", "en", "12900.50"), ("1,5", "en", "1.50"),
    ("0,250", "en", "0.25"), ("12 900.50", "ru", "12900.50"), ("-3,25", "en", "-3.25"),
    ("1,500", "en", "1500.00"), ("1 500", "en", "1500.00")])
def test_a_number_typed_the_other_locale_s_way_is_read_when_it_can_mean_one_thing(typed, locale, expected):
    """"12 900,50" in the English UI: a comma followed by two digits cannot group thousands;
    "1,500" in English stays fifteen hundred, as the locale says."""
    assert parse("money", typed, locale, currency="RUB") == Decimal(expected)


@pytest.mark.parametrize("typed", ["1.234.567", "12,5.3", "1,234.567.8", "1,23.45"])
def test_numbers_whose_marks_could_mean_two_things_are_refused(typed):
    assert "not a number" in refused("money", typed, "ru", currency="RUB")


def test_percent_sign_in_a_money_field_is_refused():
    assert "not a number" in refused("money", "12 900%", "ru", currency="RUB")
    assert parse("percent", "12,5 %", "ru") == Decimal("12.50")


def test_money_keeps_the_declared_scale_exactly():
    assert parse("money", "1234567890123456.78") == Decimal("1234567890123456.78")
    assert "2 digits after" in refused("money", "10.005")
    assert parse("money", 10.005) == Decimal("10.01")  # an Excel float is rounded, not refused


@pytest.mark.parametrize("typed", ["1e30", 1e30, "99999999999999999.99"])
def test_a_number_too_large_to_keep_is_refused_not_a_crash(typed):
    assert refused("money", typed) == "Too large: at most 18 digits."


@pytest.mark.parametrize("typed", [float("inf"), float("nan"), "Infinity", "NaN"])
def test_infinity_and_nan_are_not_numbers(typed):
    assert refused("money", typed) == "Enter a number."
    assert refused("decimal", typed) == "Enter a number."


@pytest.mark.parametrize("type_", ["text", "long_text", "email", "phone"])
def test_a_cell_holding_nul_or_half_a_character_is_refused_by_code_point(type_):
    assert "cannot be stored (U+0000)" in refused(type_, "Iv\x00an")
    assert "cannot be stored (U+D800)" in refused(type_, "Iv\ud800an")


def test_text_in_a_number_field_names_an_example():
    message = refused("integer", "twelve")
    assert "twelve is not a number" in message
    assert "whole number" in refused("integer", "1.5")


@pytest.mark.parametrize("typed,locale,expected", [
    ("28.02.2026", "ru", date(2026, 2, 28)), ("2026-02-28", "en", date(2026, 2, 28)),
    ("02/28/2026", "en", date(2026, 2, 28)), ("28/02/2026", "ru", date(2026, 2, 28)),
    (datetime(2026, 2, 28, 10, 30), "en", date(2026, 2, 28))])
def test_dates_in_each_locale(typed, locale, expected):
    assert parse("date", typed, locale) == expected


def test_a_number_in_a_date_field_says_the_column_lost_its_date_format():
    assert refused("date", 45000, "ru") == ("45000 is a number, not a date: format the column "
                                             "as dates in the spreadsheet, or write it like "
                                             "28.02.2026.")
    assert "02/28/2026 14:30" in refused("datetime", 45000.5, "en")
    assert refused("date", True) == "Enter a date."


def test_a_day_not_in_the_calendar_is_refused():
    assert "not a day in the calendar" in refused("date", "31.02.2024", "ru")
    assert "not a date" in refused("date", "yesterday", "ru")


def test_datetime_from_a_browser_input():
    assert parse("datetime", "2026-02-28T14:30") == datetime(2026, 2, 28, 14, 30)
    assert "14:30" in refused("datetime", "2026-02-28 25:99")


@pytest.mark.parametrize("typed,expected", [
    ("02/28/2026 2:30 PM", datetime(2026, 2, 28, 14, 30)),
    ("02/28/2026 12:05 am", datetime(2026, 2, 28, 0, 5)),
    ("02/28/2026 12:00 p.m.", datetime(2026, 2, 28, 12, 0)),
    ("2026-02-28 14:30:05.250", datetime(2026, 2, 28, 14, 30, 5))])
def test_times_on_the_twelve_hour_clock_and_with_fractions(typed, expected):
    assert parse("datetime", typed, "en") == expected


@pytest.mark.parametrize("typed", ["02/28/2026 13:30 PM", "02/28/2026 0:30 AM",
                                   "02/28/2026 14:30:75"])
def test_impossible_times_are_refused(typed):
    assert "write the time like 14:30" in refused("datetime", typed, "en")


@pytest.mark.parametrize("typed,expected", [("да", True), ("Нет", False), ("yes", True), (0, False),
                                            ("1", True), (True, True), ("", None)])
def test_booleans_in_both_languages(typed, expected):
    assert parse("boolean", typed) is expected


def test_choices_match_value_or_label_in_any_language():
    options = [{"value": "new", "label": {"en": "New", "ru": "Новый"}}, "shipped"]
    assert parse("status", "Новый", options=options) == "new"
    assert parse("status", "SHIPPED", options=options) == "shipped"
    assert "not one of the choices" in refused("status", "lost", options=options)
    assert parse("multi_choice", "shipped, Новый", options=options) == ["new", "shipped"]


def test_email_and_url_are_normalised():
    assert parse("email", "Ivan@Example.COM") == "Ivan@example.com"
    assert "Not an email" in refused("email", "ivan@")
    assert parse("url", "example.com/offer") == "https://example.com/offer"
    assert "web address" in refused("url", "javascript:alert(1)")


def test_a_huge_string_is_refused_not_truncated():
    assert "Too long" in refused("text", "x" * 5000)


def test_pattern_uses_the_owners_own_message():
    f = field("text", pattern="^ORD-\\d{5}$", pattern_message={"en": "Write it like ORD-00042."})
    assert f.type.check("ORD-1", f) == ["Write it like ORD-00042."]
    assert f.type.check("ORD-00001", f) == []


def test_the_russian_mobile_shortcut_agrees_with_phonenumbers():
    """Phones like 8 (912) 345-67-89 skip the metadata walk; the answer must not change."""
    import random
    import phonenumbers
    from growbase.definitions import Entity
    field = Entity({"entity": "x", "fields": [{"id": "f1", "name": "phone", "type": "phone"}]}
                   ).fields[0]
    rng = random.Random(7)
    shapes = ["+7 {a} {b}-{c}-{d}", "8 ({a}) {b}-{c}-{d}", "7{a}{b}{c}{d}", "{a}{b}{c}{d}",
              "8-{a}-{b}-{c}-{d}", "+7({a}){b}.{c}.{d}", "8 {a} {b} {c} {d}"]
    for _ in range(500):
        parts = {"a": f"9{rng.randrange(100):02d}", "b": f"{rng.randrange(1000):03d}",
                 "c": f"{rng.randrange(100):02d}", "d": f"{rng.randrange(100):02d}"}
        raw = rng.choice(shapes).format(**parts)
        slow = phonenumbers.format_number(phonenumbers.parse(raw, "RU"),
                                          phonenumbers.PhoneNumberFormat.E164)
        assert field.type.parse(raw, field) == slow, raw
