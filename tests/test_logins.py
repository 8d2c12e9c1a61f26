"""Guessing passwords: a login is paused after 5 wrong ones from one address for one
account, or 10 for one account from anywhere (not the owner's); never for a whole
address. The owner's new password unlocks; every attempt is in the audit. Sessions end at
logout and with a new password; an unknown name costs the same time as a known one."""

from datetime import timedelta

import pytest

from growbase import auth
from growbase.app import create_app
from growbase.auth import create_user, set_password
from growbase.tables import Audit, LoginFailure, User, utcnow
from helpers import log_in


def test_five_wrong_passwords_pause_that_address_even_against_the_right_one(app, owner):
    client = app.test_client()
    for _ in range(5):
        assert log_in(client, "owner", "wrong-password").status_code == 200
    refused = log_in(client, "owner", "owner-password")
    assert refused.status_code == 429
    assert "paused for 15 min" in refused.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # not logged in
    # the guesser cannot keep the owner out: from the owner's own address it works
    assert log_in(app.test_client(), "owner", "owner-password", "10.0.0.7").status_code == 302
    LoginFailure.update(locked_until=utcnow() - timedelta(seconds=1)).execute()
    assert log_in(client, "owner", "owner-password").status_code == 302
    actions = [a.action for a in Audit.select().where(Audit.entity == "user").order_by(Audit.id)]
    assert actions == ["failed"] * 4 + ["locked", "login", "login"]


def test_ten_wrong_passwords_from_anywhere_pause_a_staff_account(app, owner):
    create_user("anna", "anna-password")
    for i in range(10):
        log_in(app.test_client(), "anna", "nope-nope", f"10.0.1.{i}")
    assert log_in(app.test_client(), "anna", "anna-password", "10.0.2.1").status_code == 429
    assert log_in(app.test_client(), "owner", "owner-password", "10.0.1.1").status_code == 302


def test_the_owner_setting_a_new_password_unlocks(app, owner):
    create_user("anna", "anna-password")
    client = app.test_client()
    for _ in range(5):
        log_in(client, "anna", "nope-nope")
    assert log_in(client, "anna", "anna-password").status_code == 429
    set_password(User.get(username="anna"), "new-password-1")
    assert log_in(client, "anna", "new-password-1").status_code == 302


def test_one_address_trying_many_accounts_does_not_lock_out_the_others(app, owner):
    """An office behind one address: 20 typos of colleagues pause only their names."""
    client = app.test_client()
    for i in range(20):
        log_in(client, f"guess{i}", "password1")
    assert log_in(client, "owner", "owner-password").status_code == 302
    audit = Audit.select().where((Audit.entity == "user") & (Audit.action != "login")).order_by(
        Audit.id.desc()).first()
    assert audit.source == "login:127.0.0.1" and audit.username == "guess19"


def test_a_good_login_forgets_earlier_mistakes(app, owner):
    client = app.test_client()
    for _ in range(4):
        log_in(client, "owner", "wrong-password")
    assert log_in(client, "owner", "owner-password").status_code == 302
    for _ in range(4):
        log_in(client, "owner", "wrong-password")
    assert log_in(client, "owner", "owner-password").status_code == 302


@pytest.mark.parametrize("proxies", [0, 1])
def test_forwarded_addresses_count_only_behind_the_proxies_configured(settings, store, owner,
                                                                      proxies):
    settings.proxies = proxies
    app = create_app(settings)
    for _ in range(5):  # a guesser forging the header to look like everyone else
        log_in(app.test_client(), "owner", "wrong-password", "203.0.113.9",
               {"X-Forwarded-For": "198.51.100.1"})
    source = Audit.select().where(Audit.entity == "user").order_by(Audit.id.desc()).first().source
    assert source == ("login:198.51.100.1" if proxies else "login:203.0.113.9")
    elsewhere = log_in(app.test_client(), "owner", "owner-password", "203.0.113.9",
                       {"X-Forwarded-For": "192.0.2.44"})
    assert elsewhere.status_code == (302 if proxies else 429)


def test_sessions_end_at_logout_and_with_a_new_password(app, owner):
    phone, laptop = app.test_client(), app.test_client()
    assert log_in(phone, "owner", "owner-password").status_code == 302
    copied = app.test_client()  # a stolen copy of the phone's cookie
    copied.set_cookie("session", phone.get_cookie("session").value)
    assert copied.get("/admin/").status_code == 200
    phone.post("/logout", data={"csrf_token": auth_token(phone)})
    assert copied.get("/admin/").status_code == 302  # ended with the session it copied
    assert log_in(laptop, "owner", "owner-password").status_code == 302
    assert laptop.get("/admin/").status_code == 200
    set_password(User.get(username="owner"), "a-new-password-2")
    assert laptop.get("/admin/").status_code == 302


def auth_token(client):
    from helpers import csrf_token
    return csrf_token(client.get("/admin/").get_data(as_text=True))


def test_an_unknown_name_costs_a_password_check_like_a_known_one(app, owner, monkeypatch):
    checked = []
    real = auth.check_password_hash
    monkeypatch.setattr(auth, "check_password_hash",
                        lambda stored, given: checked.append(stored) or real(stored, given))
    log_in(app.test_client(), "nobody-here", "wrong-password")
    log_in(app.test_client(), "owner", "wrong-password")
    assert len(checked) == 2 and checked[0] == auth.DUMMY_HASH


def test_tokens_are_made_listed_and_revoked_in_the_browser(app, owner):
    import re

    from helpers import csrf_token
    create_user("anna", "anna-password")
    anna, boss = app.test_client(), app.test_client()
    log_in(anna, "anna", "anna-password")
    log_in(boss, "owner", "owner-password")
    page = anna.get("/admin/profile/").get_data(as_text=True)
    made = anna.post("/admin/profile/tokens", data={"name": "website",
                                                    "csrf_token": csrf_token(page)},
                     follow_redirects=True).get_data(as_text=True)
    token = re.search(r"(gb_[\w-]{20,})", made).group(1)
    api = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/customer", headers=api).status_code == 200
    assert made.count("website") >= 2  # said once, and listed
    listed = boss.get("/admin/profile/").get_data(as_text=True)
    assert "website" in listed and "anna" in listed  # the owner sees everyone's
    mine = boss.post("/admin/profile/tokens", data={"name": "backup script",
                                                    "csrf_token": csrf_token(listed)})
    owners = [t for t in auth.tokens_seen_by(User.get(username="owner"))
              if t.name == "backup script"][0]
    refused = anna.post(f"/admin/profile/tokens/{owners.id}/revoke",
                        data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "no such token of yours" in refused.get_data(as_text=True) and mine.status_code == 302
    annas = [t for t in auth.tokens_seen_by(User.get(username="owner")) if t.name == "website"][0]
    boss.post(f"/admin/profile/tokens/{annas.id}/revoke", data={"csrf_token": csrf_token(listed)})
    assert app.test_client().get("/api/customer", headers=api).status_code == 401


def test_changing_ones_password_keeps_this_session_and_ends_the_others(app, owner):
    from helpers import csrf_token
    here, there = app.test_client(), app.test_client()
    log_in(here, "owner", "owner-password")
    log_in(there, "owner", "owner-password")
    page = here.get("/admin/profile/").get_data(as_text=True)
    wrong = here.post("/admin/profile/password", data={
        "current": "not-it", "new": "another-pass-3", "csrf_token": csrf_token(page)},
        follow_redirects=True)
    assert "nothing was changed" in wrong.get_data(as_text=True)
    here.post("/admin/profile/password", data={
        "current": "owner-password", "new": "another-pass-3", "csrf_token": csrf_token(page)})
    assert here.get("/admin/").status_code == 200
    assert there.get("/admin/").status_code == 302
    assert log_in(app.test_client(), "owner", "another-pass-3").status_code == 302


def test_passwords_are_hashed_with_full_strength_scrypt_unless_told(monkeypatch):
    """The suite runs with a lighter scrypt (conftest); a shop without the setting gets
    werkzeug's full one, and a setting that is not a password hash is refused."""
    monkeypatch.delenv("GROWBASE_PASSWORD_HASH")
    stored = auth.hashed("a-long-password")
    assert stored.startswith("scrypt:32768:8:1$") and "a-long-password" not in stored
    assert auth.check_password_hash(stored, "a-long-password")
    monkeypatch.setenv("GROWBASE_PASSWORD_HASH", "plain")
    with pytest.raises(ValueError, match="GROWBASE_PASSWORD_HASH=plain"):
        auth.hashed("a-long-password")
