"""Web forms at /f/<key>: a page anyone may fill in (no login), or framed into the
business's own site. A robot that fills the hidden field is thanked and ignored; an
address that sends too much is asked to wait; a form sent twice (a double click, a
reload) makes one record: each page carries its own submission id, the Idempotency-Key."""

import uuid
from datetime import timedelta

from flask import Blueprint, abort, render_template, request

from ..catalog import catalog
from ..i18n import current_locale
from ..i18n import gettext as _
from ..tables import IntakeEntry, utcnow
from .form import HONEYPOT, RATE, RATE_MINUTES, form_fields, missing, payload_of, texts
from .receive import take

bp = Blueprint("forms", __name__, url_prefix="/f")
FRAMED = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
          "frame-ancestors *")  # the business's own site may frame its form


def web_form(key):
    intake = catalog().intake(key)
    if intake is None or not intake.enabled or "form" not in intake.spec:
        abort(404)
    return intake


def page(intake, status=200, **context):
    locale = current_locale()
    response = render_template("forms/form.html", intake=intake, fields=form_fields(
        intake, locale), words=texts(intake, locale), honeypot=HONEYPOT, locale=locale,
        **context)
    return response, status, {"Content-Security-Policy": FRAMED}


@bp.get("/<key>")
def show(key):
    return page(web_form(key), submission=uuid.uuid4().hex, values={}, errors={})


@bp.post("/<key>")
def send(key):
    intake = web_form(key)
    form, locale = request.form, current_locale()
    submission = (form.get("submission") or uuid.uuid4().hex)[:64]
    if form.get(HONEYPOT):
        return page(intake, thanked=True)  # told nothing: a robot learns nothing
    address = request.remote_addr or ""
    since = utcnow() - timedelta(minutes=RATE_MINUTES)
    if IntakeEntry.select().where((IntakeEntry.intake == intake.key) &
                                  (IntakeEntry.address == address) &
                                  (IntakeEntry.received_at > since)).count() >= RATE:
        return page(intake, 429, submission=submission, values=form, errors={
            "_form": _("Too many requests from your address; try again in a few minutes.")})
    errors = missing(intake, form, locale)
    if not errors:
        status, answer = take(intake, payload_of(intake, form), f"form:{submission}", address,
                              visitor=locale)
        if status < 400:
            return page(intake, thanked=True)
        errors = answer["errors"]
    return page(intake, 422, submission=submission, values=form, errors=errors)
