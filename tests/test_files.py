"""Attachments: files uploaded to a record's file field (the API, or dropped into its
form), judged by what they hold, read back only by those who may read the record, shown
as thumbnails, kept in backups."""

import base64
import re
import uuid
import zipfile
from io import BytesIO

import pytest

from growbase import backups
from growbase.catalog import catalog

from helpers import Api, log_in
from starter import make_order

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(api, name, data, field="files", entity="order"):
    return api.client.post("/api/files", headers=api.headers, content_type="multipart/form-data",
                           data={"entity": entity, "field": field, "file": (BytesIO(data), name)})


@pytest.fixture
def order(shop, service):
    return make_order(service, shop.id)


def test_a_photo_and_a_pdf_are_attached_and_read_back(api, order):
    refs = [upload(api, n, d).get_json()["items"][0] for n, d in (("shop.png", PNG),
                                                                  ("act.pdf", PDF))]
    assert [r["type"] for r in refs] == ["image/png", "application/pdf"]
    saved = api.patch(f"/api/order/{order.id}", json={"files": refs})
    assert saved.status_code == 200, saved.get_json()
    assert [f["name"] for f in saved.get_json()["files"]] == ["shop.png", "act.pdf"]
    photo = api.get(f"/api/order/{order.id}/files/files/{refs[0]['id']}")
    assert photo.status_code == 200 and photo.data == PNG and photo.mimetype == "image/png"
    assert "sandbox" in photo.headers["Content-Security-Policy"]
    assert api.get(f"/api/order/{order.id}/files/files/{'0' * 32}").status_code == 404


@pytest.mark.parametrize("name, data, words", [
    ("photo.jpg", PDF, "named .jpg but holds application/pdf"),
    ("tool.exe", b"MZ\x90\x00" + b"\x00" * 200, "does not take"),
    ("notes.jpg", b"just some text", "not a file this field takes"),
    ("empty.png", b"", "is empty"),
])
def test_an_upload_is_judged_by_what_it_holds(api, order, name, data, words):
    refused = upload(api, name, data)
    assert refused.status_code == 422 and words in refused.get_json()["errors"]["file"]


def test_a_file_never_uploaded_cannot_be_named(api, order):
    fake = {"id": "ab" * 16, "name": "x.pdf", "size": 3, "type": "application/pdf"}
    refused = api.patch(f"/api/order/{order.id}", json={"files": [fake]})
    assert refused.status_code == 422 and "never uploaded" in refused.get_json()["errors"]["files"]
    assert api.patch(f"/api/order/{order.id}", json={"files": "x.pdf"}).status_code == 422


def test_who_may_not_read_the_record_does_not_get_its_files(app, api, order, shop):
    from growbase.auth import create_token, create_user
    from growbase.tables import User
    ref = upload(api, "shop.png", PNG).get_json()["items"][0]
    api.patch(f"/api/order/{order.id}", json={"files": [ref],
                                               "manager": User.get(username="anna").id})
    stranger = create_user("mila", "mila-password", role="manager")
    other = Api(app.test_client(), create_token(stranger, "m"))
    got = other.get(f"/api/order/{order.id}/files/files/{ref['id']}")
    assert got.status_code == 404  # another manager's order: as if there were none
    anna = Api(app.test_client(), create_token(User.get(username="anna"), "a"))
    assert anna.get(f"/api/order/{order.id}/files/files/{ref['id']}").data == PNG


def test_files_dropped_into_the_form_are_kept_and_shown(client, order):
    page = client.get(f"/admin/records/order/edit/?id={order.id}")
    assert 'type="file"' in page.text and "gb-file-drop" in page.text
    form = {k: v for k, v in re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', page.text)
            if k in ("csrf_token", "gb_version")}
    form.update(customer=str(order.customer), status="new",
                files=[(BytesIO(PNG), "door.png"), (BytesIO(PDF), "act.pdf")])
    saved = client.post(f"/admin/records/order/edit/?id={order.id}", data=form,
                        content_type="multipart/form-data")
    assert saved.status_code == 302, saved.text[:2000]
    kept = catalog().entity("order").model.get_by_id(order.id).files
    assert [f["name"] for f in kept] == ["door.png", "act.pdf"]
    shown = client.get(f"/admin/records/order/details/?id={order.id}")
    assert f'/api/order/{order.id}/files/files/{kept[0]["id"]}' in shown.text
    assert 'class="gb-thumb"' in shown.text
    bad = dict(form, files=[(BytesIO(PDF), "photo.jpg")])
    refused = client.post(f"/admin/records/order/edit/?id={order.id}", data=bad,
                          content_type="multipart/form-data")
    assert "holds application/pdf" in refused.text


def test_a_backup_keeps_the_attachments_and_restore_brings_them_back(api, order, settings):
    ref = upload(api, "shop.png", PNG).get_json()["items"][0]
    api.patch(f"/api/order/{order.id}", json={"files": [ref]})
    made = backups.make(settings)
    names = zipfile.ZipFile(made).namelist()
    assert f"attachments/{ref['id'][:2]}/{ref['id']}" in names
    _placed, attached = backups.placed_files(zipfile.ZipFile(made), settings.data_dir)
    assert attached == {f"attachments/{ref['id'][:2]}/{ref['id']}": ref["id"]}


@pytest.fixture
def bucket(tmp_path, monkeypatch):
    """An S3-compatible store on 127.0.0.1 (moto's server), with a bucket."""
    import boto3
    from moto.server import ThreadedMotoServer
    from helpers import free_port
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    endpoint, name = f"http://127.0.0.1:{port}", f"shop-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=name)  # moto's state is
    yield f"s3://{name}/attachments?endpoint={endpoint}"  # the process's: a bucket per test
    server.stop()


def test_files_kept_in_an_s3_store_are_attached_read_and_backed_up(api, order, settings,
                                                                    bucket, tmp_path):
    import boto3
    from dataclasses import replace
    from growbase.config import use
    in_s3 = use(replace(settings, files_dir=bucket))
    ref = upload(api, "shop.png", PNG).get_json()["items"][0]
    assert api.patch(f"/api/order/{order.id}", json={"files": [ref]}).status_code == 200
    assert api.get(f"/api/order/{order.id}/files/files/{ref['id']}").data == PNG
    objects = boto3.client("s3", endpoint_url=bucket.split("endpoint=")[1]).list_objects_v2(
        Bucket=bucket[5:].split("/")[0])["Contents"]
    assert [o["Key"] for o in objects] == [f"attachments/{ref['id']}"]
    made = backups.make(in_s3)
    assert zipfile.ZipFile(made).read(f"attachments/{ref['id'][:2]}/{ref['id']}") == PNG
