"""Imports and exports through the JSON API, for scripts."""

import io

from openpyxl import load_workbook

from growbase.auth import create_token, create_user
from growbase.catalog import catalog

from helpers import Api, run_queued_jobs, xlsx_bytes






def test_a_script_imports_and_follows_the_job(api):
    started = api.post("/api/customer/import", json=None, data={
        "file": (xlsx_bytes([["Name", "Phone"], ["Иван", "89123456789"], ["", "+79123456780"]]), "c.xlsx"),
        "key": "phone"}, content_type="multipart/form-data")
    assert started.status_code == 202 and started.get_json()["status"] == "queued"
    run_queued_jobs()
    job = api.get(f"/api/jobs/{started.get_json()['id']}").get_json()
    assert job["status"] == "done" and job["result"]["created"] == 1 and job["file"]
    rejected = load_workbook(io.BytesIO(api.get(f"/api/jobs/{job['id']}/file").data)).active
    assert list(rejected.iter_rows(values_only=True))[1][-1] == "Name: Fill this in."
    assert catalog().entity("customer").model.select().count() == 1


def test_an_upload_named_with_a_nul_keeps_the_rest_of_its_name(api):
    started = api.post("/api/customer/import", json=None, data={
        "file": (xlsx_bytes([["Name", "Phone"], ["Иван", "89123456789"]]), "c\x00.xlsx")},
        content_type="multipart/form-data")
    assert started.status_code == 202 and started.get_json()["filename"] == "c.xlsx"


def test_a_script_exports_and_bad_requests_say_why(api, service):
    service.create("customer", {"name": "Иван", "phone": "+79123456789"})
    assert api.post("/api/customer/export", json={"format": "pdf"}).status_code == 400
    bad = api.post("/api/customer/export", json={"filters": {}})
    assert bad.status_code == 400 and "Not an export option" in bad.get_json()["errors"]["filters"]
    assert api.post("/api/customer/import", data={}, content_type="multipart/form-data").status_code == 400
    for options, key, words in [({"sort": "-colour"}, "sort", "Cannot sort by \"colour\""),
                                ({"sort": ["-name"]}, "sort", "Send it like \"-amount,number\""),
                                ({"columns": "name"}, "columns", "Send it like [\"number\""),
                                ({"columns": ["name", "age"]}, "columns", "has no field age"),
                                ({"condition": {"field": "age", "eq": 1}}, "filter", "age"),
                                ({"locale": "de"}, "locale", 'Send it like "en" or "ru"')]:
        refused = api.post("/api/customer/export", json=options)  # now, not as a failed job
        assert refused.status_code == 400 and words in refused.get_json()["errors"][key], options
    started = api.post("/api/customer/export", json={"format": "csv", "columns": ["name", "phone"]})
    assert started.status_code == 202
    run_queued_jobs()
    exported = api.get(f"/api/jobs/{started.get_json()['id']}/file").data
    # a leading + would make a spreadsheet run the phone as a formula: it is guarded ...
    assert exported.decode("utf-8-sig").splitlines()[1] == "Иван,'+7 912 345-67-89,1,1"
    again = api.post("/api/customer/import", data={"file": (io.BytesIO(exported), "c.csv")},
                     content_type="multipart/form-data")
    run_queued_jobs()
    result = api.get(f"/api/jobs/{again.get_json()['id']}").get_json()["result"]
    assert (result["unchanged"], result["rejected"]) == (1, 0)  # ... and read back as it was


def test_import_options_a_script_misspells_are_refused_not_ignored(api):
    """dry_run=True (as Python's requests sends True) or a misspelt dryrun must not
    quietly become a real import."""
    def sent(**options):
        return api.post("/api/customer/import", json=None, content_type="multipart/form-data",
                        data=dict(options, file=(xlsx_bytes([["Name", "Phone"],
                                                             ["Иван", "89123456789"]]), "c.xlsx")))
    misspelt = sent(dryrun="1")
    assert misspelt.status_code == 400 and "Not an import option" in misspelt.get_json()["errors"]["dryrun"]
    assert "one of en, ru" in sent(locale="de").get_json()["errors"]["locale"]
    unclear = sent(dry_run="maybe")
    assert unclear.status_code == 400 and unclear.get_json()["errors"]["dry_run"] == (
        "Write 1 or 0 (true or false).")
    checked = sent(dry_run="True")
    assert checked.status_code == 202
    run_queued_jobs()
    assert api.get(f"/api/jobs/{checked.get_json()['id']}").get_json()["result"]["dry_run"]
    assert catalog().entity("customer").model.select().count() == 0


def test_jobs_are_private_to_their_user(app, api, owner):
    started = api.post("/api/customer/export", json={})
    other = Api(app.test_client(), create_token(create_user("mila", "mila-password-1",
                                                            role="manager"), "t"))
    assert other.get(f"/api/jobs/{started.get_json()['id']}").status_code == 404
