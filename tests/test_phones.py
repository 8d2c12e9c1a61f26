"""Phones keep their country: national numbers are read in the record's own country
("region_from"), a number not valid there is refused naming the country, and none is
ever rewritten into another country's number (a US number read as a Russian one)."""

import csv

import pytest

from growbase.definitions import DefinitionError
from growbase.designer.store import apply_definitions
from growbase.records import ValidationFailed
from growbase.transfer.importer import Options, run_import

PARTNER = {"entity": "partner", "label": {"en": "Partner"}, "fields": [
    {"id": "f1", "name": "company", "type": "text", "required": True, "unique": True},
    {"id": "f2", "name": "country", "type": "text"},
    {"id": "f3", "name": "phone", "type": "phone", "region_from": "country"}]}

# Northwind's customers as the sample database writes them: national formats, a country
# column. (number, country, what must be stored: E.164, or the country the refusal names)
NORTHWIND = [
    ("Alfreds Futterkiste", "030-0074321", "Germany", "+49300074321"),
    ("Great Lakes Food Market", "(503) 555-7555", "USA", "+15035557555"),
    ("Berglunds snabbköp", "0921-12 34 65", "Sweden", "+46921123465"),
    ("Bólido Comidas preparadas", "(91) 555 22 82", "Spain", "+34915552282"),
    ("Bottom-Dollar Markets", "(604) 555-4729", "Canada", "+16045554729"),
    ("Wartian Herkku", "981-443655", "Finland", "+358981443655"),
    ("Suprêmes délices", "(071) 23 67 22 20", "Belgium", "Belgium"),
    ("Around the Horn", "(171) 555-7788", "UK", "United Kingdom"),
    ("Hanari Carnes", "(21) 555-0091", "Brazil", "Brazil"),
    ("Blondesddsl père et fils", "88.60.15.31", "France", "France"),
    ("Москва-Сити", "8 912 345-67-89", "Россия", "+79123456789"),
    ("Без страны", "8 912 345-67-80", "", "+79123456780"),  # the field's region: RU
]


@pytest.fixture
def partners(service):
    apply_definitions([PARTNER], author="test")
    return service


def test_northwind_phones_are_read_in_their_own_country(partners):
    for company, phone, country, expected in NORTHWIND:
        if expected.startswith("+"):
            saved = partners.create("partner", {"company": company, "country": country,
                                                "phone": phone})
            assert saved.phone == expected, company
            continue
        with pytest.raises(ValidationFailed) as refused:
            partners.create("partner", {"company": company, "country": country, "phone": phone})
        message = refused.value.errors["phone"]
        assert f"not a phone number of {expected}" in message, message


def test_an_import_of_northwind_keeps_every_country(partners, tmp_path):
    path = tmp_path / "customers.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["CompanyName", "Phone", "Country"])  # the country after the phone
        writer.writerows([(c, p, k) for c, p, k, _e in NORTHWIND])
    report = run_import(path, Options(entity="partner", key="company", mapping={
        "CompanyName": "company", "Country": "country", "Phone": "phone"}))
    assert report.created == 8 and report.rejected == 4, report.summary()
    from growbase.catalog import catalog
    model = catalog().entity("partner").model
    stored = {row.company: row.phone for row in model.select()}
    assert stored["Great Lakes Food Market"] == "+15035557555"
    assert not any(p.startswith("+7") for c, p in stored.items() if c not in (
        "Москва-Сити", "Без страны"))  # nothing became a Russian number


def test_the_country_is_read_with_the_phone_in_any_order_and_on_update(partners):
    saved = partners.create("partner", {"phone": "030-0074321", "country": "Германия",
                                        "company": "A"})
    assert saved.phone == "+49300074321"
    changed = partners.update("partner", saved.id, {"phone": "0621-08460"})  # country kept
    assert changed.phone == "+4962108460"
    international = partners.create("partner", {"company": "B", "country": "Germany",
                                                "phone": "+1 503 555 7555"})
    assert international.phone == "+15035557555"  # written with its code: kept as it is
    with pytest.raises(ValidationFailed) as unknown:
        partners.create("partner", {"company": "C", "country": "Atlantis", "phone": "12345"})
    assert "\"Atlantis\" is not one I know" in unknown.value.errors["phone"]


def test_region_from_must_name_a_field(service):
    spec = dict(PARTNER, fields=PARTNER["fields"][:1] + [
        {"id": "f3", "name": "phone", "type": "phone", "region_from": "land"}])
    with pytest.raises(DefinitionError) as refused:
        apply_definitions([spec], author="test")
    assert any("\"land\"" in text for _path, text in refused.value.problems)
