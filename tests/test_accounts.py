"""The owner invites people, gives new passwords, and deactivates someone leaving, handing
their orders and tasks to a colleague; nobody else may."""

import re

import pytest

from growbase.auth import AccountError, create_token, create_user, set_password
from growbase.tables import Audit, User
from helpers import Api, csrf_token, log_in


def flashed_password(html):
    return re.search(r"password (\S+) \(shown once", html).group(1)


def test_an_invited_person_logs_in_with_the_password_shown_once(app, client):
    token = csrf_token(client.get("/admin/users/").get_data(as_text=True))
    page = client.post("/admin/users/invite", data={"username": "ira", "role": "logistics",
                                                    "full_name": "Ира", "csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    password = flashed_password(page)
    assert log_in(app.test_client(), "ira", password).status_code == 302
    renewed = client.post(f"/admin/users/{User.get(username='ira').id}/password",
                          data={"csrf_token": token}, follow_redirects=True)
    assert log_in(app.test_client(), "ira", password).status_code == 200  # the old one is gone
    fresh = re.search(r"New password for ira: (\S+) \(shown once", renewed.get_data(as_text=True))
    assert log_in(app.test_client(), "ira", fresh.group(1)).status_code == 302


def test_someone_leaving_hands_their_orders_and_tasks_to_a_colleague(app, client, shop, service):
    anna = User.get(username="anna")
    boris = create_user("boris", "boris-password", role="manager")
    orders = [service.create("order", {"customer": shop.id,
                                       "manager": anna.id}).id for i in (1, 2)]
    task = service.create("task", {"title": "Call back", "assignee": anna.id}).id
    anna_api = Api(app.test_client(), create_token(anna, "t"))
    assert anna_api.get("/api/order").status_code == 200
    token = csrf_token(client.get("/admin/users/").get_data(as_text=True))
    done = client.post(f"/admin/users/{anna.id}/deactivate",
                       data={"heir": boris.id, "csrf_token": token}, follow_redirects=True)
    assert "3 records were handed over" in done.get_data(as_text=True)
    assert anna_api.get("/api/order").status_code == 401
    assert log_in(app.test_client(), "anna", "anna-password").status_code == 200
    for order_id in orders:
        assert service.get("order", order_id)[1].manager == boris.id
    assert service.get("task", task)[1].assignee == boris.id
    assert Audit.select().where(Audit.source == "reassign:anna").count() == 3
    client.post(f"/admin/users/{anna.id}/activate", data={"csrf_token": token})
    assert log_in(app.test_client(), "anna", "anna-password").status_code == 302


def test_the_last_owner_stays_and_only_owners_manage_users(app, client, owner, shop):
    token = csrf_token(client.get("/admin/users/").get_data(as_text=True))
    page = client.post(f"/admin/users/{owner.id}/deactivate", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "last active owner" in page and User.get_by_id(owner.id).active
    manager = app.test_client()
    log_in(manager, "anna", "anna-password")
    assert manager.get("/admin/users/").status_code == 404
    assert manager.post(f"/admin/users/{owner.id}/deactivate", data={}).status_code in (400, 404)
    assert User.get_by_id(owner.id).active


def test_passwords_anyone_would_try_first_are_refused(owner):
    admin = create_user("administrator", "a-long-enough-one")
    for user, weak in ((owner, "short"), (owner, "password1"), (owner, "12345678"),
                       (admin, "Administrator")):
        with pytest.raises(AccountError):
            set_password(user, weak)
    set_password(admin, "a phrase of my own")


def test_an_invitation_without_a_proper_login_is_refused(client):
    token = csrf_token(client.get("/admin/users/").get_data(as_text=True))
    for login in ("", "two words", "x" * 81):
        page = client.post("/admin/users/invite", data={"username": login, "role": "manager",
                                                        "csrf_token": token},
                           follow_redirects=True).get_data(as_text=True)
        assert "A login is 1 to 80 letters" in page, login
    assert User.select().where(User.username == "").count() == 0
