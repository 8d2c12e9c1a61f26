"""Attachments in Chromium: a photo dropped on an order's file cell in the grid, a PDF
picked in the order's form; both kept on the record and shown on its page, a thumbnail
for the photo; a file that is not what its name says refused on the page."""

from test_grid import cell, new_order, open_grid, saved

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def test_a_photo_dropped_on_the_grid_and_a_pdf_in_the_form_are_kept(page, rest, tmp_path):
    client = rest("POST", "/api/customer", json={"name": "Files Client",
                                                 "phone": "+7 916 555-01-99"})
    order = new_order(rest, client)
    open_grid(page, client)
    dropped = page.evaluate_handle("""png => { const data = new DataTransfer();
        const bytes = Uint8Array.from(atob(png), c => c.charCodeAt(0));
        data.items.add(new File([bytes], 'door.png', {type: 'image/png'})); return data; }""", PNG)
    target = cell(page, 0, "files")
    target.dispatch_event("dragover", {"dataTransfer": dropped})
    target.dispatch_event("drop", {"dataTransfer": dropped})
    page.wait_for_selector(".tabulator-row .tabulator-cell[tabulator-field=files]:has-text('door.png')")
    saved(page)
    kept = rest("GET", f"/api/order/{order['id']}")["files"]
    assert [f["name"] for f in kept] == ["door.png"]

    pdf = tmp_path / "act.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.goto(f"/admin/records/order/edit/?id={order['id']}")
    page.set_input_files("input.gb-file-drop", str(pdf))
    with page.expect_navigation():
        page.locator("form.admin-form [type=submit]").first.click()
    page.goto(f"/admin/records/order/details/?id={order['id']}")
    page.wait_for_selector("img.gb-thumb")
    assert page.locator("a[title='act.pdf']").count() == 1
    assert [f["name"] for f in rest("GET", f"/api/order/{order['id']}")["files"]] == \
        ["door.png", "act.pdf"]

    fake = tmp_path / "photo.jpg"
    fake.write_bytes(pdf.read_bytes())
    page.goto(f"/admin/records/order/edit/?id={order['id']}")
    page.set_input_files("input.gb-file-drop", str(fake))
    with page.expect_navigation():
        page.locator("form.admin-form [type=submit]").first.click()
    page.wait_for_selector("text=holds application/pdf")
