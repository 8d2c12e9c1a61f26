"""Users (owner only): invite, set a new password, deactivate (handing the person's records
and tasks to a colleague), activate again."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from .. import accounts
from ..auth import AccountError
from ..i18n import gettext as _
from ..permissions import ROLES, role_label
from ..tables import User
from .system import OwnerView


class UsersView(OwnerView):
    @expose("/")
    def index(self):
        users = list(User.select().order_by(User.active.desc(), User.username))
        return self.render("admin/system/users.html", users=users, roles=ROLES)

    @expose("/invite", methods=("POST",))
    def invite(self):
        try:
            user, password = accounts.invite(request.form.get("username", ""),
                                             request.form.get("role", ""),
                                             request.form.get("full_name", ""),
                                             request.form.get("branch", ""))
            flash(_("%(name)s can log in with the password %(password)s (shown once; hand it "
                    "over in person).", name=user.username, password=password), "success")
        except AccountError as exc:
            flash(str(exc), "error")
        return redirect(url_for(".index"))

    @expose("/<int:user_id>/password", methods=("POST",))
    def password(self, user_id):
        user = self.user(user_id)
        flash(_("New password for %(name)s: %(password)s (shown once).", name=user.username,
                password=accounts.reset_password(user)), "success")
        return redirect(url_for(".index"))

    @expose("/<int:user_id>/deactivate", methods=("POST",))
    def deactivate(self, user_id):
        user = self.user(user_id)
        heir_id = request.form.get("heir", type=int)
        heir = User.get_or_none(User.id == heir_id) if heir_id else None
        try:
            moved = accounts.deactivate(user, heir, current_user)
            flash(_("%(name)s can no longer log in; %(n)s records were handed over.",
                    name=user.username, n=moved), "success")
        except AccountError as exc:
            flash(str(exc), "error")
        return redirect(url_for(".index"))

    @expose("/<int:user_id>/branch", methods=("POST",))
    def branch(self, user_id):
        accounts.set_branch(self.user(user_id), request.form.get("branch", ""))
        return redirect(url_for(".index"))

    @expose("/<int:user_id>/role", methods=("POST",))
    def role(self, user_id):
        user = self.user(user_id)
        try:
            accounts.set_role(user, request.form.get("role", ""), current_user)
            flash(_("%(name)s is now: %(role)s.", name=user.display_name,
                    role=role_label(request.form["role"])), "success")
        except AccountError as exc:
            flash(str(exc), "error")
        return redirect(url_for(".index"))

    @expose("/<int:user_id>/activate", methods=("POST",))
    def activate(self, user_id):
        accounts.activate(self.user(user_id))
        return redirect(url_for(".index"))

    @staticmethod
    def user(user_id):
        user = User.get_or_none(User.id == user_id)
        if user is None:
            abort(404)
        return user
