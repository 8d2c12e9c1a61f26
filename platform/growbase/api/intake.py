"""Intake over HTTP: `POST /api/intake/<key>` takes a caller's JSON (no login: the intake's
secret in X-Intake-Secret, an HMAC of the body in X-Intake-Signature, or a token); the
owner lists intakes, changes them, reads the log and replays what was refused."""

import hashlib
import hmac

from flask import jsonify, request
from flask_login import current_user

from ..catalog import catalog
from ..definitions import DefinitionError
from ..i18n import gettext as _
from ..intake.receive import KEY_LIMIT, rehearse, replay, take
from ..intake.store import apply_intakes, new_secret, secret_of
from ..tables import IntakeEntry
from .base import body, bp, json_of, refuse
from .designer import problems_json

MAX_BODY = 256 * 1024  # an order or a call, not a file
LOG_PAGE = 100


def signed(secret, raw):
    """Whether X-Intake-Signature is the body's HMAC-SHA256 under the secret."""
    sent = request.headers.get("X-Intake-Signature", "").removeprefix("sha256=").strip()
    good = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return bool(sent) and hmac.compare_digest(sent, good)


def admitted(intake, raw):
    """The sender may post here: the secret, a signature, the owner's token or a token
    limited to this intake."""
    secret = secret_of(intake.key)
    sent = request.headers.get("X-Intake-Secret")
    if sent is not None:
        return hmac.compare_digest(sent.encode(), secret.encode())
    if request.headers.get("X-Intake-Signature"):
        return signed(secret, raw)
    if current_user.is_authenticated and getattr(current_user, "token_name", None):
        limited = getattr(current_user, "token_intake", None)
        return limited == intake.key or (limited is None and current_user.is_owner)
    return False


@bp.post("/intake/<key>")
def intake_receive(key):
    intake = catalog().intake(key)
    if intake is None:
        refuse(404, _intake=_("There is no intake \"%(key)s\"; check the address you post to.",
                              key=key))
    if request.content_length is not None and request.content_length > MAX_BODY:
        refuse(413, _body=_("At most %(n)s KB per payload; send one order or call at a time.",
                            n=MAX_BODY // 1024))
    raw = request.get_data(cache=True)[:MAX_BODY + 1]
    if len(raw) > MAX_BODY:
        refuse(413, _body=_("At most %(n)s KB per payload; send one order or call at a time.",
                            n=MAX_BODY // 1024))
    if not admitted(intake, raw):
        refuse(401, _auth=_("Send this intake's secret as X-Intake-Secret (python run.py "
                            "intake secret %(key)s prints it), or sign the body with it in "
                            "X-Intake-Signature: sha256=<hex HMAC>.", key=key))
    if not intake.enabled:
        refuse(503, _intake=_("This intake is switched off; the owner can switch it on."))
    asked_key = request.headers.get("Idempotency-Key", "").strip()
    if len(asked_key) > KEY_LIMIT:
        refuse(400, **{"Idempotency-Key": _("At most %(n)s characters.", n=KEY_LIMIT)})
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        refuse(400, _body=_("Send the JSON as UTF-8 text."))
    status, answer = take(intake, json_of(text or "null"), asked_key, request.remote_addr or "",
                          current_user if current_user.is_authenticated else None)
    return jsonify(answer), status



def owner_only():
    if not current_user.is_owner:
        refuse(403, _role=_("Only the owner sets up intakes and reads what came in."))


def intake_or_404(key):
    intake = catalog().intake(key)
    if intake is None:
        refuse(404, _intake=_("There is no intake \"%(key)s\".", key=key))
    return intake


def intake_json(intake):
    return {"key": intake.key, "name": intake.name(current_user.locale),
            "entity": intake.entity, "version": intake.version, "enabled": intake.enabled,
            "url": f"/api/intake/{intake.key}", "spec": intake.spec}


def entry_json(entry):
    return {"id": entry.id, "intake": entry.intake, "status": entry.status,
            "received_at": entry.received_at.isoformat(timespec="seconds"),
            "idempotency_key": entry.asked_key or None, "external_id": entry.external_id,
            "record_id": entry.record_id, "problems": entry.problems or [],
            "answer": entry.answer, "payload": entry.payload}


@bp.get("/intake")
def intake_list():
    owner_only()
    return jsonify(items=[intake_json(i) for i in catalog().intakes()])


@bp.get("/intake/<key>")
def intake_get(key):
    owner_only()
    return jsonify(intake_json(intake_or_404(key)))


@bp.put("/intake/<key>")
def intake_put(key):
    """Create or change an intake; the next payload is taken by the new mapping."""
    owner_only()
    spec = dict(body(), key=key)
    try:
        changed = apply_intakes([spec], author=current_user.username, note="api")
    except DefinitionError as exc:
        return problems_json(exc.problems, spec, own=key)
    return jsonify(dict(intake_json(catalog().intake(key)), changed=bool(changed)))


@bp.post("/intake/<key>/try")
def intake_try(key):
    """What a payload would make, with nothing kept: 200 and the answer it would get, or
    422 naming each path."""
    owner_only()
    status, answer = rehearse(intake_or_404(key), body())
    return jsonify(answer), status


@bp.post("/intake/<key>/secret")
def intake_new_secret(key):
    owner_only()
    return jsonify(secret=new_secret(intake_or_404(key).key))


@bp.get("/intake/<key>/log")
def intake_log(key):
    owner_only()
    query = IntakeEntry.select().where(IntakeEntry.intake == intake_or_404(key).key)
    if request.args.get("status"):
        query = query.where(IntakeEntry.status == request.args["status"])
    entries = query.order_by(IntakeEntry.id.desc()).limit(LOG_PAGE)
    return jsonify(items=[entry_json(e) for e in entries])


@bp.post("/intake/log/<int:entry_id>/replay")
def intake_replay(entry_id):
    owner_only()
    try:
        status, answer = replay(entry_id)
    except LookupError as exc:
        refuse(404, _entry=str(exc))
    return jsonify(answer), status
