"""Definition changes applied to live data: nothing is lost, conversions are planned first."""

import json

import pytest

from growbase.catalog import catalog
from growbase.db import database
from growbase.definitions import DefinitionError
from growbase.designer.store import NeedsConfirmation, apply_definitions
from growbase.records import RecordService

ITEM = {"entity": "item", "fields": [{"id": "f1", "name": "name", "type": "text"},
                                     {"id": "f2", "name": "code", "type": "text"},
                                     {"id": "f3", "name": "note", "type": "text"}]}


def with_fields(*fields):
    return dict(ITEM, fields=list(fields))


@pytest.fixture
def items(db):
    apply_definitions([ITEM])
    service = RecordService()
    for name, code in (("tea", "12"), ("coffee", "7"), ("cup", "n/a")):
        service.create("item", {"name": name, "code": code, "note": f"about {name}"})
    return service


def column_values(column):
    return sorted(r[0] for r in database.execute_sql(f'SELECT "{column}" FROM "e_item"').fetchall()
                  if r[0] is not None)


def names(service):
    return sorted(r.name for r in catalog().entity("item").model.select())


def test_add_field_keeps_rows_and_values(items):
    spec = with_fields(*ITEM["fields"], {"name": "price", "type": "money"})
    plans = apply_definitions([spec])
    assert plans[0].added == ["price"]
    assert names(items) == ["coffee", "cup", "tea"]
    row = items.update("item", 1, {"price": "10.50"})
    assert str(row.price) == "10.50" and row.note == "about tea"


def test_rename_changes_only_the_label_and_name(items):
    renamed = with_fields(ITEM["fields"][0], dict(ITEM["fields"][1], name="sku"), ITEM["fields"][2])
    plans = apply_definitions([renamed])
    assert plans[0].renamed == [("code", "sku")]
    model = catalog().entity("item").model
    assert sorted(r.sku for r in model.select()) == ["12", "7", "n/a"]


def test_removed_field_is_retired_with_its_data_then_restored(items):
    plans = apply_definitions([with_fields(*ITEM["fields"][:2])])
    assert plans[0].retired == ["note"]
    entity = catalog().entity("item")
    assert entity.by_name["note"].retired and "note" not in [f.name for f in entity.visible_fields]
    assert column_values("f3") == ["about coffee", "about cup", "about tea"]
    with pytest.raises(Exception) as err:
        items.update("item", 1, {"note": "x"})
    assert "no field" in str(err.value)
    plans = apply_definitions([with_fields(*ITEM["fields"][:2], {"name": "note", "type": "text"})])
    assert plans[0].restored == ["note"]
    assert items.get("item", 1)[1].note == "about tea"


def test_type_change_is_a_dry_run_until_confirmed(items):
    spec = with_fields(ITEM["fields"][0], dict(ITEM["fields"][1], type="integer"), ITEM["fields"][2])
    with pytest.raises(NeedsConfirmation) as asked:
        apply_definitions([spec])
    report = asked.value.plans[0].conversions[0]
    assert (report.total, report.converted, report.failed_count) == (3, 2, 1)
    assert report.failed[0][1] == "n/a"
    assert catalog().entity("item").by_name["code"].get("type") == "text"  # nothing applied
    apply_definitions([spec], confirm=True)
    model = catalog().entity("item").model
    assert {r.name: r.code for r in model.select()} == {"tea": 12, "coffee": 7, "cup": None}
    backup = [c for c in database.get_columns("e_item") if c.name.startswith("f2__v")]
    assert backup, "the original values stay in a backup column"
    assert column_values(backup[0].name) == ["12", "7", "n/a"]


def test_unique_over_duplicates_is_refused_naming_them(items):
    items.create("item", {"name": "tea", "code": "99"})
    spec = with_fields(dict(ITEM["fields"][0], unique=True), *ITEM["fields"][1:])
    with pytest.raises(DefinitionError) as err:
        apply_definitions([spec])
    assert "appear more than once" in err.value.report() and "tea" in err.value.report()


def test_purge_drops_a_retired_column_only(items):
    from growbase.designer.store import purge_field
    with pytest.raises(DefinitionError) as err:
        purge_field("item", "note")
    assert "Only a retired field" in err.value.report()
    apply_definitions([with_fields(*ITEM["fields"][:2])])
    purge_field("item", "note")
    assert "f3" not in [c.name for c in database.get_columns("e_item")]
    assert "note" not in catalog().entity("item").by_name
    assert names(items) == ["coffee", "cup", "tea"]


def test_definition_round_trips_through_export(items, tmp_path):
    from growbase.designer.store import export, load_files
    export(tmp_path)
    exported = json.loads((tmp_path / "item.json").read_text())
    assert [f["id"] for f in exported["fields"]] == ["f1", "f2", "f3"]
    assert apply_definitions(load_files(tmp_path)) == []


def test_a_new_scale_rescales_stored_values(items):
    with_price = with_fields(*ITEM["fields"], {"id": "f4", "name": "price", "type": "decimal"})
    apply_definitions([with_price])
    items.update("item", 1, {"price": "10.25"})
    finer = with_fields(*ITEM["fields"], {"id": "f4", "name": "price", "type": "decimal", "scale": 3})
    with pytest.raises(NeedsConfirmation):
        apply_definitions([finer])
    apply_definitions([finer], confirm=True)
    assert str(items.get("item", 1)[1].price) == "10.250"
    assert str(items.update("item", 1, {"price": "10.125"}).price) == "10.125"
