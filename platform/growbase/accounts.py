"""What the owner does with accounts: invite, new password, deactivate and hand a person's
records and tasks to someone else, activate again."""

import secrets

from .auth import AccountError, create_user, set_password
from .catalog import catalog
from .i18n import gettext as _
from .records import Actor, RecordService
from .permissions import ROLES, role_label
from .tables import OWNER, Audit, User


def new_password():
    return secrets.token_urlsafe(9)  # 12 characters, shown once to the owner


def invite(username, role, full_name="", branch=""):
    """Create the account with a one-time password; return (user, password)."""
    password = new_password()
    return create_user(username.strip(), password, role=role, full_name=full_name.strip(),
                       branch=branch.strip()), password


def set_branch(user, branch):
    """The branch rows rules ask for with {"my": "branch"}."""
    User.update(branch=branch.strip()[:100]).where(User.id == user.id).execute()


def set_role(user, role, by):
    """A new role for the account, in force from its next page; kept in History. The last
    active owner stays owner (someone must be able to mend the rest)."""
    if role not in ROLES:
        raise AccountError(_("Choose one of the roles: %(roles)s.",
                             roles=", ".join(role_label(r) for r in ROLES)))
    if role == user.role:
        return
    if user.is_owner and User.select().where(
            (User.role == OWNER) & User.active & (User.id != user.id)).count() == 0:
        raise AccountError(_("This is the last active owner; make someone else owner first."))
    User.update(role=role).where(User.id == user.id).execute()
    Audit.create(entity="user", record_id=user.id, record_version=0, action="role",
                 changes={"role": [user.role, role]}, user_id=by.id, username=by.username,
                 source="users")


def set_name(user, full_name):
    User.update(full_name=full_name.strip()[:200]).where(User.id == user.id).execute()


def reset_password(user):
    password = new_password()
    set_password(user, password)
    return password


def deactivate(user, heir, by):
    """Lock the account out; its records stay. With an heir, every user field naming it (a
    manager, an assignee) names the heir instead, through the record service (audited,
    automations fire). Returns how many records changed hands."""
    if user.is_owner and User.select().where(
            (User.role == OWNER) & User.active & (User.id != user.id)).count() == 0:
        raise AccountError(_("This is the last active owner; make someone else owner first."))
    if heir is not None and (heir.id == user.id or not heir.active):
        raise AccountError(_("Hand the records to another active user."))
    User.update(active=False).where(User.id == user.id).execute()
    if heir is None:
        return 0
    service = RecordService(Actor.for_user(by, f"reassign:{user.username}"))
    moved = 0
    for entity in catalog().entities(retired=True):
        for field in (f for f in entity.active_fields if f.type.holds_users):
            model, column = entity.model, getattr(entity.model, field.name)
            ids = [r.id for r in model.select(model.id).where(column == user.id)]
            for start in range(0, len(ids), 1000):
                outcomes = service.save_batch(entity.name, [
                    {"id": i, "data": {field.name: heir.id}} for i in ids[start:start + 1000]])
                moved += sum(1 for kind, _detail in outcomes if kind == "updated")
    return moved


def activate(user):
    User.update(active=True).where(User.id == user.id).execute()
