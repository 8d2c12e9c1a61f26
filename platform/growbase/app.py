"""create_app(): configuration, database, accounts, admin, API and health check."""

from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, g, jsonify, request
from flask_babel import Babel
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect
from peewee import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import acting
from .boot import start
from .headers import security_headers
from .config import load_settings
from .db import MAX_ID, UNSTORABLE, busy, database
from .i18n import LANGUAGES, current_locale, plural_forms
from .i18n import gettext as _
from .intake.web import bp as web_forms
from .queue import huey
from .records import Forbidden, busy_message
from .transfer.readers import MAX_BYTES
from .tables import ConfigState, Heartbeat, utcnow

PACKAGE = Path(__file__).resolve().parent
WORKER_FRESH = timedelta(seconds=90)  # the worker beats every minute
health = Blueprint("health", __name__)


def select_locale():
    wanted = request.args.get("lang")
    if wanted in LANGUAGES:
        return wanted
    if current_user and current_user.is_authenticated:
        return current_user.locale
    return request.accept_languages.best_match(LANGUAGES) or "en"


@health.get("/favicon.ico")
def favicon():
    """Browsers ask for it on every page, linked or not."""
    return current_app.send_static_file("favicon.svg")


@health.get("/healthz")
def healthz():
    """Database and worker state, no login needed (for monitors and start-up scripts)."""
    try:
        version = ConfigState.get_by_id(1).version
        beat = Heartbeat.get_or_none(Heartbeat.name == "worker")
    except Exception as exc:  # the point of a health check is to report, not to raise
        return jsonify(status="error", database=f"error: {exc.__class__.__name__}"), 503
    worker = "unknown" if beat is None else (
        "ok" if utcnow() - beat.at < WORKER_FRESH else "stale")
    queue = queue_state()
    return jsonify(status="ok" if queue == "ok" else "degraded", database="ok", worker=worker,
                   queue=queue, config_version=version)


def queue_state():
    """"ok", or why the worker's queue cannot be reached: saves still commit, and their
    automations run once it is back (the sweep queues what waited)."""
    try:
        huey.storage.queue_size()
    except Exception as exc:
        return f"unreachable: {exc.__class__.__name__}"
    return "ok"


def api_http_error(exc):
    """Programs get JSON errors from /api, whatever went wrong (404, 405, 413 ...); a page
    sent too big a file says so where it was sent from."""
    limit = (MAX_BYTES if request.endpoint in UPLOADS else request.max_content_length) // 2**20
    if not request.path.startswith("/api"):
        if exc.code == 413 and request.method == "POST":
            from flask import flash, redirect
            flash(_("The file is larger than %(max)s MB; split it into parts.", max=limit),
                  "error")
            return redirect(request.path)
        styled = current_app.extensions.get("growbase_not_here")  # with the menu (admin)
        if exc.code == 404 and styled is not None and current_user.is_authenticated:
            return styled(exc)
        return exc
    if exc.code == 413:
        return jsonify(errors={"_body": _("The request is larger than %(max)s MB; send less at "
                                          "a time.", max=limit)}), 413
    return jsonify(errors={"_request": exc.description}), exc.code


UPLOADS = ("transfer.upload", "api.import_file", "api.files_upload")  # up to MAX_BYTES


def allow_uploads(endpoint, values):
    """Raise the 16 MB request limit where spreadsheets are sent, before anything reads
    the form (the CSRF check does, before the view: a limit set there came too late)."""
    if endpoint in UPLOADS:
        request.max_content_length = MAX_BYTES + 2**20


def refuse_unstorable_text():
    """A query string or form carrying U+0000 (PostgreSQL refuses it) is answered 400 here,
    not with a crash further in. JSON bodies are checked by api.body(), which names the path."""
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            if UNSTORABLE.search(key) or UNSTORABLE.search(value):
                abort(400, description=_("%(name)s holds a character that cannot be stored "
                                         "(U+0000); remove it.", name=key.replace("\x00", "")))


def refused_page(exc):
    """A page the user's role may not use: say so where they came from (the API answers
    403 JSON itself)."""
    from flask import flash, redirect, url_for
    flash(str(exc), "error")
    return redirect(url_for("admin.index"))


def database_busy(exc):
    """A save that waited out another writer's lock is refused with a message and 503 (the
    grid keeps the edit and tries again; forms keep their input), not a crash page."""
    if not busy(exc):
        raise exc
    if request.path.startswith("/api"):
        return jsonify(errors={"_record": busy_message()}), 503, {"Retry-After": "5"}
    return busy_message(), 503, {"Retry-After": "5", "Content-Type": "text/plain; charset=utf-8"}


# Pages load only this server's scripts, styles, images and calls, run no inline script, are
# never framed, and post forms only here: escaping is the defence against injected text,
# this the fence behind it. Flask-Admin's templates with inline handlers are overridden
# (templates/admin/model/row_actions.html, layout.html, templates/admin/actions.html).
def listen_for_events():
    """Queue every committed event, and every message to send, for the worker (once per
    process)."""
    from .worker import listen
    listen()


class RecordNumber(IntegerConverter):
    """<int:...> in our URLs: a number past MAX_ID is no record's, and SQLite cannot even
    be asked about it (a 404, not a crash)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def create_app(settings=None):
    from . import api, auth
    from .admin import init_admin

    settings = settings or load_settings()
    app = Flask("growbase", root_path=str(PACKAGE), static_folder="static",
                template_folder=str(settings.root / "templates"))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.https,
        REMEMBER_COOKIE_SECURE=settings.https,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        BABEL_TRANSLATION_DIRECTORIES=str(PACKAGE / "translations"),
        GROWBASE=settings,
    )
    start(settings)
    database.close()  # each request opens its own

    if settings.proxies:  # else X-Forwarded-For is anyone's to forge: the socket's address
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxies)
    app.url_map.converters["int"] = RecordNumber
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["plural_forms"] = plural_forms
    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)  # the API checks CSRF itself, for cookie sessions only
    csrf.exempt(web_forms)  # anyone's form, no session to forge: a submission id instead
    auth.login_manager.init_app(app)
    auth.login_manager.login_view = "auth.login"

    @app.before_request
    def open_connection():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def close_connection(exc):
        if not database.is_closed():
            database.close()

    app.before_request(auth.require_login)
    app.before_request(refuse_unstorable_text)

    @app.before_request
    def act_as_the_user():
        """Every query of the request is scoped to what the user's role may see."""
        if current_user.is_authenticated:
            g.gb_acting = acting.enter(current_user)

    @app.teardown_request
    def stop_acting(exc):
        token = g.pop("gb_acting", None)
        if token is not None:
            acting.leave(token)
    app.after_request(security_headers)
    app.url_value_preprocessor(allow_uploads)  # runs before every before_request
    app.register_error_handler(HTTPException, api_http_error)
    app.register_error_handler(Forbidden, refused_page)
    app.register_error_handler(OperationalError, database_busy)
    app.register_blueprint(health)
    app.register_blueprint(auth.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(web_forms)
    init_admin(app)
    listen_for_events()

    @app.route("/")
    def root():
        from flask import redirect, url_for
        return redirect(url_for("admin.index"))

    return app
