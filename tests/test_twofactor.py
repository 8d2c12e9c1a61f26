"""The owner turns on a code from an authenticator app; then a password alone does not open
the account, a wrong code is refused (and counted), the right one logs in."""

import re

import pyotp
from growbase.tables import User
from helpers import csrf_token, log_in


def code_page_post(client, code):
    page = client.get("/login/code").get_data(as_text=True)
    return client.post("/login/code", data={"code": code, "csrf_token": csrf_token(page)})


def test_owner_turns_the_second_step_on_and_logs_in_with_it(app, client, owner):
    token = csrf_token(client.get("/admin/profile/").get_data(as_text=True))
    client.post("/admin/profile/2fa/start", data={"csrf_token": token})
    page = client.get("/admin/profile/").get_data(as_text=True)
    secret = re.search(r'class="gb-totp-secret">([A-Z2-7]+)<', page).group(1)
    refused = client.post("/admin/profile/2fa/confirm", data={"code": "000000",
                                                              "csrf_token": token},
                          follow_redirects=True)
    assert "not right" in refused.get_data(as_text=True)
    assert User.get_by_id(owner.id).totp_secret is None
    client.post("/admin/profile/2fa/confirm", data={"code": pyotp.TOTP(secret).now(),
                                                    "csrf_token": token})
    assert User.get_by_id(owner.id).totp_secret == secret

    browser = app.test_client()
    first = log_in(browser, "owner", "owner-password")
    assert first.headers["Location"].endswith("/login/code")
    assert browser.get("/admin/").status_code == 302  # the password alone opened nothing
    assert code_page_post(browser, "123456").status_code == 200
    assert browser.get("/admin/").status_code == 302
    assert code_page_post(browser, pyotp.TOTP(secret).now()).status_code == 302
    assert browser.get("/admin/").status_code == 200


def test_the_code_page_needs_the_password_first_and_codes_count_as_guesses(app, owner):
    User.update(totp_secret=pyotp.random_base32()).where(User.id == owner.id).execute()
    stranger = app.test_client()
    assert stranger.get("/login/code").status_code == 302
    browser = app.test_client()
    log_in(browser, "owner", "owner-password")
    for _ in range(5):
        code_page_post(browser, "111111")
    assert code_page_post(browser, "222222").status_code == 429


def test_turning_it_off_needs_a_current_code(client, owner):
    secret = pyotp.random_base32()
    User.update(totp_secret=secret).where(User.id == owner.id).execute()
    token = csrf_token(client.get("/admin/profile/").get_data(as_text=True))
    client.post("/admin/profile/2fa/off", data={"code": "000000", "csrf_token": token})
    assert User.get_by_id(owner.id).totp_secret == secret
    client.post("/admin/profile/2fa/off", data={"code": pyotp.TOTP(secret).now(),
                                                "csrf_token": token})
    assert User.get_by_id(owner.id).totp_secret is None
