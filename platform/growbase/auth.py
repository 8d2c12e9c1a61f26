"""Accounts: users with a role, hashed passwords, sessions for people, tokens for programs."""

import hashlib
import os
import re
import secrets
from datetime import datetime, timedelta

from flask import (Blueprint, flash, jsonify, redirect, render_template, request, session,
                   url_for)
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from peewee import OperationalError
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from . import logins, twofactor
from .db import busy, database
from .errors import GrowbaseError
from .i18n import gettext as _
from .permissions import ROLES
from .tables import ApiToken, User, utcnow

MIN_PASSWORD = 8


def hash_method():
    """werkzeug's scrypt (its default) unless GROWBASE_PASSWORD_HASH names a lighter scrypt
    or pbkdf2 — what the test suite does, as Django's docs advise for tests: thousands of
    logins there, and the hashing is still the real one."""
    method = os.environ.get("GROWBASE_PASSWORD_HASH", "scrypt")
    if method.split(":")[0] not in ("scrypt", "pbkdf2"):
        raise ValueError(f"GROWBASE_PASSWORD_HASH={method}: use scrypt:N:r:p or pbkdf2:sha256:N")
    return method


def hashed(password):
    return generate_password_hash(password, method=hash_method())


DUMMY_HASH = hashed("growbase: no such user")  # hashed for unknown names
TOKEN_TOUCH = timedelta(minutes=1)
PUBLIC_ENDPOINTS = {"auth.login", "auth.code", "health.healthz",
                    "static", "admin.static", "auth.static",
                    "api.intake_receive",  # it checks the intake's own secret
                    "forms.show", "forms.send"}  # web forms: anyone may fill them in

login_manager = LoginManager()
bp = Blueprint("auth", __name__)


class AccountError(GrowbaseError, ValueError):
    pass


COMMON = {"password", "password1", "12345678", "123456789", "1234567890", "qwerty123",
          "qwertyuiop", "11111111", "00000000", "iloveyou", "admin123", "welcome1",
          "letmein1", "йцукенгш"}


def check_password_rules(password, username=""):
    """Long enough, not one everyone tries first, not the login itself."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("The password needs at least %(n)s characters.", n=MIN_PASSWORD))
    if password.lower() in COMMON or password.lower() == username.lower():
        raise AccountError(_("This password is among the first anyone would try; choose a "
                             "longer phrase of your own."))


def set_password(user, password):
    """A new password ends every session the user had (a thief's too) and any pause."""
    check_password_rules(password, user.username)
    User.update(password_hash=hashed(password),
                session_version=User.session_version + 1).where(User.id == user.id).execute()
    logins.unlock(user.username)


def end_sessions(user):
    """Every session of the user ends at its next request (logout, a new password)."""
    User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()


def create_user(username, password, role="manager", full_name="", email="", locale="en",
                branch=""):
    if role not in ROLES:
        raise AccountError(_("Unknown role %(role)s; use one of: %(roles)s.", role=role,
                             roles=", ".join(ROLES)))
    if not re.fullmatch(r"[\w.@+-]{1,80}", username or ""):
        raise AccountError(_("A login is 1 to 80 letters, digits and . @ + - _ (no spaces)."))
    check_password_rules(password, username)
    if User.select().where(User.username == username).exists():
        raise AccountError(_("The user %(name)s exists already.", name=username))
    return User.create(username=username, password_hash=hashed(password),
                       role=role, full_name=full_name, email=email, locale=locale,
                       branch=branch)


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user, name="cli", intake=None):
    """Return a new API token (good only for posting to `intake`, when given); only its
    hash is stored, so it is shown once."""
    token = "gb_" + secrets.token_urlsafe(32)
    ApiToken.create(user=user, name=name, token_hash=_digest(token), intake=intake or None)
    return token


def tokens_seen_by(user):
    """The tokens a user may list and revoke: their own; the owner's page shows everyone's."""
    query = ApiToken.select(ApiToken, User).join(User).order_by(ApiToken.id.desc())
    return list(query if user.is_owner else query.where(ApiToken.user == user.id))


def revoke_token(token_id, by):
    """Delete a token (its user's or, for the owner, anyone's); False if there is none."""
    query = ApiToken.delete().where(ApiToken.id == token_id)
    if not by.is_owner:
        query = query.where(ApiToken.user == by.id)
    return bool(query.execute())


def user_for_token(token):
    """The active user a token belongs to (with `token_name` set), or None."""
    mark = database.obj.param
    rows = list(User.raw(
        'SELECT u.*, t.id AS token_id, t.name AS token_name, t.last_used_at AS token_used, '
        't.intake AS token_intake '
        'FROM "gb_user" u JOIN "gb_api_token" t ON t.user_id = u.id '
        f'WHERE t.token_hash = {mark} AND u.active = {mark}', _digest(token), True))
    if not rows:
        return None
    user = rows[0]
    used = user.token_used
    used = datetime.fromisoformat(used) if isinstance(used, str) else used
    now = utcnow()
    if used is None or now - used > TOKEN_TOUCH:
        # at most once a minute: a write per API call would double its cost on SQLite
        try:
            ApiToken.update(last_used_at=now).where(ApiToken.id == user.token_id).execute()
        except OperationalError as exc:  # another writer's long import: touch it next time
            if not busy(exc):
                raise
    return user


@login_manager.user_loader
def load_user(user_id):
    """The session's user, while the session is of the user's current version: logging
    out or a new password ends the others, wherever their cookies were copied."""
    user = User.get_or_none((User.id == int(user_id)) & (User.active == True))  # noqa: E712
    return user if user is not None and session.get("gb_sv") == user.session_version else None


@login_manager.request_loader
def load_user_from_request(req):
    header = req.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return user_for_token(header[7:].strip())
    return None


def require_login():
    """Every page and API call needs a login; /login, /healthz and static files do not.
    A token limited to one intake opens nothing else."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_user.is_authenticated:
        limited = getattr(current_user, "token_intake", None)
        if limited:
            return jsonify(errors={"_auth": _("This token may only post to the intake "
                                              "\"%(key)s\".", key=limited)}), 403
        return None
    if request.path.startswith("/api"):
        return jsonify(errors={"_auth": _("Log in, or send Authorization: Bearer <token>.")}), 401
    return redirect(url_for("auth.login", next=request.full_path))


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired()])


def _safe_next(target):
    return target if target and target.startswith("/") and not target.startswith("//") else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        name, address = form.username.data.strip(), request.remote_addr or "-"
        user = User.get_or_none(User.username == name)
        paused = logins.locked(name, address, user)
        if paused:  # not even checked: a right guess now would tell the guesser
            flash(paused, "error")
            return render_template("auth/login.html", form=form), 429
        if user is None or not user.active:  # as long as a real check: no name is told
            check_password_hash(DUMMY_HASH, form.password.data)
        elif check_password_hash(user.password_hash, form.password.data):
            target = _safe_next(request.args.get("next")) or url_for("admin.index")
            session.clear()
            if user.totp_secret:  # the password was right; now the code from the app
                session["gb_pending"] = {"user": user.id, "at": utcnow().timestamp(),
                                         "next": target}
                return redirect(url_for("auth.code"))
            return _logged_in(user, address, target)
        logins.failed(name, address, user)
        flash(logins.locked(name, address, user) or _("Wrong username or password."), "error")
    return render_template("auth/login.html", form=form)


def _logged_in(user, address, target):
    session.clear()
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
    session["gb_sv"] = user.session_version
    login_user(user)
    logins.succeeded(user, address)
    return redirect(target)


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """The second step for accounts with a second factor."""
    pending = session.get("gb_pending") or {}
    user = User.get_or_none(User.id == pending.get("user"))
    if user is None or not user.active or \
            utcnow().timestamp() - pending.get("at", 0) > twofactor.PENDING_SECONDS:
        session.pop("gb_pending", None)
        flash(_("Log in with your password first (the code is asked within 5 minutes)."),
              "error")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    address = request.remote_addr or "-"
    if form.validate_on_submit():
        paused = logins.locked(user.username, address, user)
        if paused:
            flash(paused, "error")
            return render_template("auth/code.html", form=form), 429
        if twofactor.valid(user.totp_secret, form.code.data):
            return _logged_in(user, address, pending.get("next") or url_for("admin.index"))
        logins.failed(user.username, address, user)
        flash(logins.locked(user.username, address, user) or
              _("That code is not right; type the one your app shows now."), "error")
    return render_template("auth/code.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Ends this session and every other of the user's (a copied cookie included)."""
    if current_user.is_authenticated:
        end_sessions(current_user)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>", methods=["POST"])
def language(code):
    """Switch the UI language and remember it on the user."""
    from .i18n import LANGUAGES
    if code in LANGUAGES:
        User.update(locale=code).where(User.id == current_user.id).execute()
    return redirect(_safe_next(request.form.get("next")) or url_for("admin.index"))
