"""Import and export in the back office: upload, columns, check, run, result, download."""

import io

from openpyxl import load_workbook

from growbase.catalog import catalog
from growbase.tables import Job
from growbase.transfer import jobs

from helpers import csrf_token, run_queued_jobs, xlsx_bytes


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)






def test_upload_match_check_and_import(client, service):
    form = page(client, "/admin/transfer/import/customer/")
    data = xlsx_bytes([["ФИО", "Телефон", "Город"], ["Иван", "8 912 345-67-89", "Казань"],
                        ["", "+79123456780", "Тверь"]])
    response = client.post("/admin/transfer/import/customer/", data={
        "csrf_token": csrf_token(form), "file": (data, "clients.xlsx")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    mapping = page(client, response.headers["Location"])
    assert "Иван" in mapping and 'value="phone" selected' in mapping  # Телефон matched by label
    job = Job.get()
    choices = {"csrf_token": csrf_token(mapping), "column": ["ФИО", "Телефон", "Город"],
               "map-0": "name", "map-1": "phone", "map-2": "city", "mode": "upsert",
               "key": "phone", "sheet": "Sheet", "locale": "en"}
    checked = client.post(f"/admin/transfer/job/{job.id}/start", data=dict(choices, run="check"))
    run_queued_jobs()
    result = page(client, checked.headers["Location"])
    assert "Dry run, nothing written" in result and "Fill this in" in result
    assert catalog().entity("customer").model.select().count() == 0
    done = client.post(f"/admin/transfer/job/{job.id}/start", data=dict(choices, run="import"))
    run_queued_jobs()
    result = page(client, done.headers["Location"])
    assert "2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected." in result
    errors = client.get(f"/admin/transfer/job/{job.id}/file")
    rows = list(load_workbook(io.BytesIO(errors.data)).active.iter_rows(values_only=True))
    assert rows[1][-1] == "ФИО: Fill this in."
    assert client.get(f"/admin/transfer/job/{job.id}/status").get_json()["status"] == "done"
    assert "Undo this import" in result
    undone = client.post(f"/admin/transfer/job/{job.id}/undo", data={"csrf_token": csrf_token(result)})
    assert "Import undone: 1 records deleted, 0 restored." in page(client, undone.headers["Location"])
    assert catalog().entity("customer").model.select().count() == 0


def test_export_what_the_list_shows_and_the_template(client, service):
    ivan = service.create("customer", {"name": "Иван", "phone": "+79123456789"})
    service.create("order", {"customer": ivan.id, "status": "confirmed"})
    service.create("order", {"customer": ivan.id})
    listing = page(client, "/admin/records/order/")
    assert "Export what is shown (.xlsx)" in listing
    response = client.get("/admin/records/order/export/?search=ORD-00001")
    assert response.status_code == 302
    run_queued_jobs()
    job = Job.get(Job.kind == "export")
    result = page(client, response.headers["Location"])
    assert "1 rows exported" in result
    exported = load_workbook(io.BytesIO(client.get(f"/admin/transfer/job/{job.id}/file").data))
    rows = list(exported.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "ORD-00001"
    template = client.get("/admin/transfer/template/customer")
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.data)).active["A1"].value == "Name"


def test_someone_elses_job_is_not_found(app, client, service):
    from growbase.auth import create_user
    from helpers import log_in
    create_user("mila", "mila-password-1", role="manager")
    other = app.test_client()
    log_in(other, "mila", "mila-password-1")
    job = jobs.upload(create_user("olga2", "olga-password-1", role="manager"), "customer",
                      io.BytesIO(b"Name\nA\n"), "c.csv")
    assert other.get(f"/admin/transfer/job/{job.id}/").status_code == 404
    assert other.get(f"/admin/transfer/job/{job.id}/file").status_code == 404


def queued_import(owner, rows, filename="clients.xlsx"):
    job = jobs.upload(owner, "customer", xlsx_bytes(rows), filename)
    Job.update(status="queued", options={"mode": "insert"}).where(Job.id == job.id).execute()
    return job


def test_an_error_file_that_cannot_be_written_leaves_the_import_done_and_says_so(
        service, owner, monkeypatch):
    """The job is done with its rows (its counts commit with them); the error file comes
    after, so a long one does not hold the database, and a failure there is said."""
    from growbase.transfer import workbooks

    def disk_full(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(workbooks, "write_errors", disk_full)
    job = queued_import(owner, [["Name", "Phone"], ["Анна", "+79120000001"], ["", "+79120000002"]])
    jobs.run(job.id)
    done = Job.get_by_id(job.id)
    assert done.status == "done" and (done.result["created"], done.result["rejected"]) == (1, 1)
    assert any("could not be written" in note and "No space left" in note
               for note in done.result["notes"])
    assert done.result["problems"] == [[3, {"Name": "Fill this in."}]] and not done.output
    assert catalog().entity("customer").model.select().count() == 1


def test_a_job_a_stopped_worker_left_running_is_failed_with_a_reason(service, owner):
    import time
    from growbase.queue import huey
    lost, alive = (queued_import(owner, [["Name"], ["Анна"]]) for _ in range(2))
    Job.update(status="running").where(Job.id.in_([lost.id, alive.id])).execute()
    huey.put(jobs.progress_key(lost.id), {"done": 2000, "total": 9000, "at": time.time() - 900})
    jobs.report_progress(alive.id, 4000, 9000, time.perf_counter())
    jobs.stalled()
    assert Job.get_by_id(alive.id).status == "running"
    gone = Job.get_by_id(lost.id)
    assert gone.status == "failed" and "worker stopped while this job was running" in gone.error


def test_a_file_written_the_russian_way_imports_for_an_english_user(client, shop):
    form = page(client, "/admin/transfer/import/product/")
    csv = "Артикул;Название;Цена\nTEA-001;Сенча;12 900,50\n"
    response = client.post("/admin/transfer/import/product/", data={
        "csrf_token": csrf_token(form), "file": (io.BytesIO(csv.encode()), "orders.csv")},
        content_type="multipart/form-data")
    mapping = page(client, response.headers["Location"])
    assert '<option value="en" selected>12,900.50 · 02/28/2026</option>' in mapping
    assert '<option value="ru" >12\u00a0900,50 · 28.02.2026</option>' in mapping
    job = Job.get()
    done = client.post(f"/admin/transfer/job/{job.id}/start", data={
        "csrf_token": csrf_token(mapping), "column": ["Артикул", "Название", "Цена"],
        "map-0": "sku", "map-1": "name", "map-2": "price",
        "mode": "insert", "sheet": "CSV", "locale": "ru", "run": "import"})
    run_queued_jobs()
    assert "1 rows: 1 created" in page(client, done.headers["Location"])  # in the user's language
    assert str(catalog().entity("product").model.get().price) == "12900.50"


def test_uploads_up_to_the_spreadsheet_limit_pass_and_bigger_ones_say_so(client, service,
                                                                         monkeypatch):
    """A 20 MB file is fine (forms stop at 16 MB: the CSRF check read the upload before
    its view could raise the limit); past the limit the page says what to do."""
    form = page(client, "/admin/transfer/import/customer/")
    rows = b"Name,Phone\n" + b"Ivan,+79123456789\n" * (20 * 2**20 // 18)
    sent = client.post("/admin/transfer/import/customer/", content_type="multipart/form-data",
                       data={"csrf_token": csrf_token(form), "file": (io.BytesIO(rows), "big.csv")})
    assert sent.status_code == 302 and "/admin/transfer/job/" in sent.headers["Location"]
    from growbase import app as app_module
    monkeypatch.setattr(app_module, "MAX_BYTES", 2**20)
    refused = client.post("/admin/transfer/import/customer/", follow_redirects=True,
                          content_type="multipart/form-data",
                          data={"csrf_token": csrf_token(form), "file": (io.BytesIO(rows), "big.csv")})
    assert "The file is larger than 1 MB; split it into parts." in refused.get_data(as_text=True)


def test_files_of_old_jobs_are_removed_and_their_pages_say_so(client, service, owner, settings):
    """Uploads and exports are up to 100 MB each and every nightly backup holds them."""
    from datetime import timedelta
    from pathlib import Path
    from growbase.tables import utcnow
    old_export, recent = (jobs.new_export(owner, catalog().entity("customer"), {}, "csv")
                          for _ in range(2))
    run_queued_jobs()
    draft = jobs.upload(owner, "customer", xlsx_bytes([["Name"], ["Анна"]]), "c.xlsx")
    weeks_ago = utcnow() - timedelta(days=20)
    Job.update(finished_at=weeks_ago).where(Job.id == old_export.id).execute()
    Job.update(created_at=weeks_ago).where(Job.id == draft.id).execute()
    kept = Path(Job.get_by_id(recent.id).output)
    jobs.remove_old_files(settings)
    assert not jobs.input_path(draft).exists() and kept.exists()
    assert Job.get_by_id(old_export.id).output == ""
    gone = client.get(f"/admin/transfer/job/{old_export.id}/file", follow_redirects=True)
    assert "This job&#39;s file is no longer kept" in gone.get_data(as_text=True)
    assert "removed after 14 days" in page(client, f"/admin/transfer/job/{draft.id}/")
