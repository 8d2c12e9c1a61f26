"""A bad definition is refused with every problem at once; the last good version keeps running."""

import json

import pytest

from growbase.catalog import catalog
from growbase.definitions import DefinitionError
from growbase.designer.store import apply_definitions, history, load_files

GOOD = {"entity": "lead", "label": {"en": "Lead", "ru": "Лид"},
        "fields": [{"name": "name", "type": "text", "required": True},
                   {"name": "phone", "type": "phone"}]}


def refusal(spec, db_fixture=None):
    with pytest.raises(DefinitionError) as err:
        apply_definitions([spec])
    return err.value.problems


def test_every_problem_is_reported_with_its_path(store):
    bad = {"entity": "Bad Name", "colour": "red", "fields": [
        {"name": "phone", "type": "phon"},
        {"name": "total", "type": "money", "required": "yes"},
        {"name": "who", "type": "link", "to": "nobody"}]}
    problems = dict(refusal(bad))
    assert any("cannot be a name" in t for t in problems.values())
    paths = " ".join(problems)
    assert "$.fields[0].type" in paths and "$.fields[1].required" in paths
    assert any("Did you mean \"phone\"" in t for t in problems.values())
    assert any("\"colour\" is not an option" in t for t in problems.values())
    assert any("true or false" in t for t in problems.values())


def test_semantic_problems_link_duplicates_defaults_conditions(store):
    spec = {"entity": "deal", "fields": [
        {"name": "client", "type": "link", "to": "nobody"},
        {"name": "amount", "type": "money", "default": "lots"},
        {"name": "amount2", "type": "integer", "min": 10, "max": 1},
        {"name": "stage", "type": "status", "options": ["a", "b"]},
        {"name": "url", "type": "url", "required_when": {"field": "stagee", "eq": "b"}}]}
    problems = refusal(spec)
    text = " | ".join(f"{p}: {t}" for p, t in problems)
    assert "$.fields[0].to" in text and "not an entity" in text
    spec["fields"][0]["to"] = "customer"
    text = " | ".join(f"{p}: {t}" for p, t in refusal(spec))
    assert "$.fields[1].default" in text and "not a number" in text
    assert "min is larger than max" in text
    assert "$.fields[4].required_when.field" in text and "No field \"stagee\"" in text


def test_duplicate_field_names_are_refused(store):
    spec = {"entity": "x", "fields": [{"name": "a", "type": "text"}, {"name": "a", "type": "integer"}]}
    assert any("Two fields are called \"a\"" in t for _p, t in refusal(spec))


def test_fields_a_spreadsheet_could_not_tell_apart_are_refused(store):
    """An export names columns by label, and an import matches them ignoring case and
    punctuation: two fields written alike would come back as one."""
    spec = {"entity": "contact", "fields": [
        {"name": "phone", "type": "phone", "label": {"en": "Phone", "ru": "Телефон"}},
        {"name": "phone2", "type": "phone", "label": {"en": "Second phone", "ru": "телефон!"}},
        {"name": "note", "type": "text", "label": "Phone 2"}]}
    problems = dict(refusal(spec))
    assert set(problems) == {"contact: $.fields[1].label.ru", "contact: $.fields[2].label"}
    assert problems["contact: $.fields[1].label.ru"] == ("\"телефон!\" would name this field and phone "
                                                "alike in a spreadsheet; give each its own name "
                                                "and label.")
    assert "phone2" in problems["contact: $.fields[2].label"]
    spec["fields"][1]["label"]["ru"] = "Второй телефон"
    spec["fields"][2]["label"] = "Note"
    apply_definitions([spec])
    assert catalog().entity("contact").field("note").label() == "Note"


def test_a_refused_definition_leaves_the_running_version(store):
    before = catalog().entity("order")
    spec = dict(before.spec, fields=before.spec["fields"] + [{"name": "x", "type": "nope"}])
    refusal(spec)
    assert catalog().entity("order").version == before.version
    assert "x" not in catalog().entity("order").by_name


def test_malformed_json_file_names_its_line(tmp_path):
    (tmp_path / "broken.json").write_text('{"entity": "a",\n "fields": [}\n')
    with pytest.raises(DefinitionError) as err:
        load_files(tmp_path)
    assert "line 2" in err.value.report()


def test_definitions_are_versioned_with_history(store):
    apply_definitions([GOOD], author="olga")
    changed = json.loads(json.dumps(GOOD))
    changed["label"]["en"] = "Prospect"
    apply_definitions([changed], author="olga")
    versions = history("lead")
    assert [v.version for v in versions] == [2, 1]
    assert versions[0].body["label"]["en"] == "Prospect"
    assert catalog().entity("lead").label("en") == "Prospect"


def test_reapplying_the_same_definition_changes_nothing(store):
    apply_definitions([GOOD])
    assert apply_definitions([GOOD]) == []
    assert len(history("lead")) == 1
