"""English and Russian: the user's choice is remembered; messages and numbers follow it."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from helpers import csrf_token

from growbase.tables import User

CATALOG = Path(__file__).resolve().parents[1] / "platform/growbase/translations/ru/LC_MESSAGES"


def test_compiled_catalog_matches_the_source():
    po = read_po(open(CATALOG / "messages.po", "rb"))
    mo = read_mo(open(CATALOG / "messages.mo", "rb"))
    def pairs(catalog):  # (plural messages: their forms as a tuple)
        return {tuple(m.id) if isinstance(m.id, (list, tuple)) else m.id:
                tuple(m.string) if isinstance(m.string, (list, tuple)) else m.string
                for m in catalog if m.id}
    assert pairs(po) == pairs(mo)
    assert all(m.string for m in po if m.id), "every message has a Russian translation"


def test_language_choice_is_remembered_and_errors_are_translated(client, service):
    home = client.get("/admin/").get_data(as_text=True)
    client.post("/language/ru", data={"csrf_token": csrf_token(home)})
    assert User.get(User.username == "owner").locale == "ru"
    page = client.get("/admin/records/customer/new/").get_data(as_text=True)
    assert "Выйти" in page and "Телефон" in page
    listing = client.get("/admin/records/order/").get_data(as_text=True)
    assert "Список" in listing and "Создать" in listing  # Flask-Admin's own words too
    response = client.post("/admin/records/customer/new/", data={
        "csrf_token": csrf_token(page), "name": "", "phone": "12", "kind": "person"})
    html = response.get_data(as_text=True)
    assert "Заполните это поле." in html and "Это не телефонный номер страны «Россия»" in html


def test_api_messages_follow_the_token_users_language(api, owner):
    User.update(locale="ru").where(User.id == owner.id).execute()
    response = api.post("/api/product", json={"price": "12 900%"})
    errors = response.get_json()["errors"]
    assert errors["price"].startswith("12 900% — не число")
    assert errors["name"] == "Заполните это поле."
    ok = api.post("/api/product", json={"price": "12 900,50 ₽", "sku": "TEA-001", "name": "Чай"})
    assert ok.get_json()["price"] == "12900.50"


def test_every_message_in_the_code_has_a_translation(tmp_path):
    """Extract the messages as pybabel does and find each in the Russian catalog."""
    from babel.messages.extract import extract_from_dir
    root = Path(__file__).resolve().parents[1]
    method_map = [("platform/**.py", "python"), ("templates/**.html", "jinja2")]
    po = {m.id if isinstance(m.id, str) else m.id[0]
          for m in read_po(open(CATALOG / "messages.po", "rb")) if m.id}
    found = {message if isinstance(message, str) else message[0]
             for _file, _line, message, _comments, _context in extract_from_dir(
                 str(root), method_map, keywords={"_": None, "gettext": None, "lazy_gettext": None,
                                                  "ngettext": (1, 2), "plural_forms": (1, 2),
                                                  "Said": None})}
    assert sorted(found - po) == []
    plurals = [m for m in read_po(open(CATALOG / "messages.po", "rb")) if m.pluralizable]
    assert plurals and all(len(m.string) == 3 and all(m.string) for m in plurals), \
        "Russian counts have three forms (1 ячейка, 2 ячейки, 5 ячеек)"
