"""Guessing passwords: an account locks after 5 wrong ones, an address after 20 across
accounts; the owner's new password unlocks; every attempt is in the audit."""

from datetime import timedelta

from growbase.auth import create_user, set_password
from growbase.tables import Audit, LoginFailure, User, utcnow
from helpers import log_in


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(app, owner):
    client = app.test_client()
    for _ in range(5):
        assert log_in(client, "owner", "wrong-password").status_code == 200
    refused = log_in(client, "owner", "owner-password")
    assert refused.status_code == 429
    assert "paused for 15 min" in refused.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # not logged in
    LoginFailure.update(locked_until=utcnow() - timedelta(seconds=1)).execute()
    assert log_in(client, "owner", "owner-password").status_code == 302
    actions = [a.action for a in Audit.select().where(Audit.entity == "user").order_by(Audit.id)]
    assert actions == ["failed"] * 4 + ["locked", "login"]


def test_the_owner_setting_a_new_password_unlocks(app, owner):
    create_user("anna", "anna-password")
    client = app.test_client()
    for _ in range(5):
        log_in(client, "anna", "nope-nope")
    assert log_in(client, "anna", "anna-password").status_code == 429
    set_password(User.get(username="anna"), "new-password-1")
    assert log_in(client, "anna", "new-password-1").status_code == 302


def test_one_address_trying_many_accounts_is_paused(app, owner):
    client = app.test_client()
    for i in range(20):
        log_in(client, f"guess{i}", "password1")
    refused = log_in(client, "owner", "owner-password")
    assert refused.status_code == 429
    audit = Audit.select().where(Audit.entity == "user").order_by(Audit.id.desc()).first()
    assert audit.source == "login:127.0.0.1" and audit.username == "guess19"


def test_a_good_login_forgets_earlier_mistakes(app, owner):
    client = app.test_client()
    for _ in range(4):
        log_in(client, "owner", "wrong-password")
    assert log_in(client, "owner", "owner-password").status_code == 302
    for _ in range(4):
        log_in(client, "owner", "wrong-password")
    assert log_in(client, "owner", "owner-password").status_code == 302
