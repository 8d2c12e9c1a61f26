"""Printable documents: the starter invoice, delivery note and proposal filled in for an
order (its lines, the amount in words, numbers and dates in the document's language), as
.docx and as PDF; templates uploaded by the owner are checked (a Word file, placeholders
well formed, fields that exist) and rendered in a sandbox."""

from io import BytesIO

import pytest
from docx import Document

from growbase.documents.store import load_starters
from growbase.documents.words import in_words

from starter import a_product, make_order


@pytest.fixture
def order(shop, service):
    load_starters()
    made = make_order(service, shop.id, tracking="TRK-1")
    cup = a_product(service, price="350", sku="CUP-0001", name="Кружка «Утро»")
    pot = a_product(service, price="1900.50", sku="POT-0003", name="Чайник")
    service.create("order_line", {"order": made.id, "product": cup.id, "quantity": 2,
                                  "unit_price": "350"})
    service.create("order_line", {"order": made.id, "product": pot.id, "quantity": 1,
                                  "unit_price": "1900.50"})
    return made


def text_of(body):
    document = Document(BytesIO(body))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def word_file(*paragraphs):
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def test_an_invoice_has_the_lines_the_total_and_the_amount_in_words(api, order):
    got = api.get(f"/api/order/{order.id}/document/invoice?format=docx")
    assert got.status_code == 200, got.get_json()
    assert got.mimetype.endswith("wordprocessingml.document")
    assert "Счёт на оплату" in got.headers["Content-Disposition"] or \
        "filename*=UTF-8" in got.headers["Content-Disposition"]
    text = text_of(got.data)
    assert f"Счёт на оплату № {order.number}" in text
    assert "Кружка «Утро»" in text and "Чайник" in text
    assert "Итого: 2\xa0600,50\xa0₽" in text  # the total, written the Russian way
    assert "Две тысячи шестьсот рублей, пятьдесят копеек" in text
    assert "Иван Петров" in text and "+7 912 345-67-89" in text


def test_a_delivery_note_and_a_proposal_come_out_too(api, order):
    note = text_of(api.get(f"/api/order/{order.id}/document/delivery_note?format=docx").data)
    assert "TRK-1" in note and "Всего мест: 2." in note
    proposal = text_of(api.get(f"/api/order/{order.id}/document/proposal?format=docx").data)
    assert "Коммерческое предложение" in proposal and "Две тысячи шестьсот" in proposal


@pytest.mark.slow
def test_the_invoice_opens_as_a_pdf(api, order):
    got = api.get(f"/api/order/{order.id}/document/invoice?format=pdf")
    assert got.status_code == 200, got.get_json()
    assert got.mimetype == "application/pdf" and got.data.startswith(b"%PDF")


def test_what_is_not_there_is_said(api, order):
    unknown = api.get(f"/api/order/{order.id}/document/contract")
    assert unknown.status_code == 404 and "invoice" in unknown.get_json()["errors"]["_document"]
    assert api.get("/api/order/999999/document/invoice").status_code == 404
    assert api.get(f"/api/order/{order.id}/document/invoice?format=odt").status_code == 400
    listed = api.get("/api/order/documents").get_json()
    assert [t["key"] for t in listed["items"]] == ["delivery_note", "invoice", "proposal"]


@pytest.mark.parametrize("body, words", [
    (b"just text, named .docx", "not a Word document"),
    (word_file("Hello", "Order {{ record.number }", "Bye"), "Paragraph 2"),
    (word_file("Order {{ record.nubmer }}"), "nubmer"),
    (word_file("{{ record.__class__ }}"), "unsafe"),
], ids=["not_a_word_file", "bad_placeholder", "misspelt_field", "sandbox"])  # (the bytes
#      differ between test processes: a Word file holds the time it was made)
def test_a_bad_template_is_refused_at_upload_saying_why(api, order, body, words):
    refused = api.put("/api/order/documents/contract?locale=ru", data=body)
    assert refused.status_code == 422
    assert words in refused.get_json()["errors"]["_document"]
    assert "contract" not in [t["key"] for t in api.get("/api/order/documents").get_json()["items"]]


def test_the_owner_uploads_a_template_and_it_is_used(api, order, app):
    body = word_file("Contract for {{ record.customer }}: {{ record.amount|in_words }}")
    saved = api.put("/api/order/documents/contract?locale=en&label=Contract", data=body)
    assert saved.status_code == 200 and saved.get_json()["version"] == 1
    text = text_of(api.get(f"/api/order/{order.id}/document/contract?format=docx").data)
    assert text == "Contract for Иван Петров: Two thousand, six hundred roubles, fifty kopeks"
    from growbase.auth import create_token
    from growbase.tables import User
    from helpers import Api
    manager = Api(app.test_client(), create_token(User.get(username="anna"), "m"))
    assert manager.put("/api/order/documents/contract", data=body).status_code == 403


def test_money_in_words_in_both_languages():
    assert in_words("1234.5", "ru") == "Одна тысяча двести тридцать четыре рубля, пятьдесят копеек"
    assert in_words(0, "en") == "Zero roubles, zero kopeks"
    assert in_words(None) == ""


def test_the_record_page_prints_and_the_owner_uploads_in_the_browser(client, order):
    page = client.get(f"/admin/records/order/details/?id={order.id}")
    assert page.status_code == 200
    assert f"/api/order/{order.id}/document/invoice?format=pdf" in page.text
    assert "Счёт на оплату" in page.text or "Invoice" in page.text
    listing = client.get("/admin/documents/")
    assert "delivery_note" in listing.text
    current = client.get("/admin/documents/order/invoice.docx")
    assert current.status_code == 200 and current.data[:2] == b"PK"
    csrf = listing.text.split('name="csrf_token" value="')[1].split('"')[0]
    bad = client.post("/admin/documents/upload", follow_redirects=True, data={
        "csrf_token": csrf, "entity": "order", "key": "invoice", "locale": "ru",
        "file": (BytesIO(word_file("Итого {{ record.amount }")), "invoice.docx")})
    assert "Paragraph 1" in bad.text
    good = client.post("/admin/documents/upload", follow_redirects=True, data={
        "csrf_token": csrf, "entity": "order", "key": "invoice", "locale": "ru",
        "file": (BytesIO(word_file("Счёт {{ record.number }}")), "invoice.docx")})
    assert "Saved" in good.text and "v2" in good.text
    text = text_of(client.get(f"/api/order/{order.id}/document/invoice?format=docx").data)
    assert text == f"Счёт {order.number}"


def test_a_selection_prints_as_one_zip(api, order, service, shop):
    import zipfile
    second = make_order(service, shop.id, amount="100")
    got = api.get(f"/api/order/documents/invoice/print?format=docx&ids={order.id},{second.id}")
    assert got.status_code == 200 and got.mimetype == "application/zip"
    names = zipfile.ZipFile(BytesIO(got.data)).namelist()
    assert sorted(names) == sorted([f"Счёт на оплату {order.number}.docx",
                                    f"Счёт на оплату {second.number}.docx"])
    assert api.get("/api/order/documents/invoice/print?ids=").status_code == 400


@pytest.mark.slow
def test_a_rule_makes_the_invoice_keeps_it_and_emails_it(order, service, smtp):
    from email import message_from_bytes
    from growbase.automation.rules import apply_rules
    from growbase.catalog import catalog
    from growbase.channels import deliver
    from growbase.files import storage
    from growbase.tables import ActionRun, Outbox
    from helpers import run_pending
    run_pending()
    service.update("customer", order.customer, {"email": "ivan@example.com"})
    apply_rules([{"key": "invoice_on_confirm", "name": "Invoice when confirmed",
                  "entity": "order", "when": {"status_changed": {"to": "confirmed"}},
                  "then": [{"make_document": {
                      "template": "invoice", "format": "pdf", "field": "files",
                      "email": {"to": "{{ record.customer.email }}",
                                "subject": "Счёт {{ record.number }}",
                                "text": "Счёт во вложении."}}}]}])
    service.update("order", order.id, {"status": "confirmed"})
    run_pending()
    kept = catalog().entity("order").model.get_by_id(order.id).files
    assert [f["name"] for f in kept] == [f"Счёт на оплату {order.number}.pdf"]
    assert storage.read(kept[0]["id"]).startswith(b"%PDF")
    mail = Outbox.get(Outbox.channel == "email")
    deliver(mail.id)
    parsed = message_from_bytes(smtp[0].content)
    attached = [p for p in parsed.walk() if p.get_filename()]
    assert attached[0].get_filename() == f"Счёт на оплату {order.number}.pdf"
    assert attached[0].get_payload(decode=True).startswith(b"%PDF")
    assert "kept in Files" in ActionRun.get(ActionRun.action == "make_document").outcome


def test_a_rule_naming_a_document_there_is_not_is_refused(order):
    from growbase.automation.rules import apply_rules
    from growbase.definitions import DefinitionError
    with pytest.raises(DefinitionError) as refused:
        apply_rules([{"key": "bad", "name": "Bad", "entity": "order", "when": {"created": {}},
                      "then": [{"make_document": {"template": "contract", "field": "comment"}}]}])
    said = str(refused.value)
    assert "no document \"contract\"" in said and "not a file field" in said
