"""The API's one blueprint and what its routes share: who acts (service), the body read
and checked, refusals as {"errors": {...}}, paging and filters from the query string, an
entity described as the caller may work with it, and the guard on session writes."""

import json
from decimal import Decimal
from io import BytesIO

from flask import Blueprint, abort, jsonify, make_response, request, send_file
from flask_login import current_user

from .. import history
from ..catalog import UnknownEntity, catalog
from ..db import MAX_ID, UNSTORABLE
from ..i18n import gettext as _
from ..permissions import ACTIONS, access
from ..queries import QueryError
from ..records import (Actor, BatchValidationFailed, Conflict, RecordError, RecordService,
                      ValidationFailed)

bp = Blueprint("api", __name__, url_prefix="/api")
RESERVED_PARAMS = {"filter", "sort", "limit", "offset", "q", "count", "by"}
MAX_BATCH = 10_000
INTAKE = "api.intake_receive"  # posted by other servers with the intake's secret, no cookie


PAGES = ("grid", "kanban")  # our own pages say which they are: the history names the door
PASTE = history.PASTE  # the source of a paste's changes: one entry in History


def service(paste=None):
    """The record service acting for the caller; `paste` (the grid's id of one paste) makes
    its changes one entry in History, undone together."""
    token = getattr(current_user, "token_name", None)
    page = request.headers.get("X-Growbase-Client", "")
    source = f"api:{token}" if token else page if page in PAGES else "api:session"
    if paste:
        source = f"{PASTE}{paste}"
    return RecordService(Actor.for_user(current_user, source), locale=current_user.locale)


def refuse(status, **errors):
    abort(make_response(jsonify(errors=errors), status))


def as_asked(result, write, name):
    """`result` as JSON, or with ?format=xlsx the workbook `write(result, stream)` makes,
    in memory (a summary of a few hundred rows, not an export)."""
    wanted = request.args.get("format", "json")
    if wanted == "json":
        return jsonify(result)
    if wanted != "xlsx":
        refuse(400, format=_("Ask for format=json or format=xlsx."))
    stream = BytesIO()
    write(result, stream)
    stream.seek(0)
    return send_file(stream, as_attachment=True, download_name=f"{name}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def entity_or_404(name):
    try:
        return catalog().entity(name)
    except UnknownEntity as exc:
        refuse(404, _entity=str(exc))


def json_of(text):
    """The JSON value sent, decimals exact (no float); 400 naming what is wrong with it."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        refuse(400, _body=_("Not valid JSON: %(msg)s", msg=str(exc)))
    where = unstorable_at(data)
    if where:
        refuse(400, _body=_("%(path)s holds a character that cannot be stored (U+0000, or half "
                            "of a broken one); remove it.", path=where))
    return data


def body(many=False):
    """The request's JSON object (or list of objects); decimals stay exact (no float)."""
    data = json_of(request.get_data(as_text=True) or "{}")
    if isinstance(data, list) and many:
        if len(data) > MAX_BATCH:
            refuse(413, _body=_("At most %(n)s records per request.", n=MAX_BATCH))
        if all(isinstance(item, dict) for item in data):
            return data
    elif isinstance(data, dict):
        return data
    refuse(400, _body=_("Send a JSON object {\"field\": value} (or a list of them to create many)."))


@bp.before_request
def protect_session_writes():
    """Cookie sessions need the CSRF token on writes; bearer tokens cannot be forged by a page."""
    if request.method in ("POST", "PATCH", "PUT", "DELETE") and \
            not request.headers.get("Authorization", "").startswith("Bearer ") and \
            request.endpoint != INTAKE:
        from flask import current_app
        current_app.extensions["csrf"].protect()


@bp.errorhandler(RecordError)
def record_error(exc):
    if isinstance(exc, ValidationFailed):
        return jsonify(errors=exc.errors), 422
    if isinstance(exc, BatchValidationFailed):
        return jsonify(errors={"_batch": str(exc)},
                       rows={str(index): errors for index, errors in exc.rows.items()}), 422
    if isinstance(exc, Conflict):
        return jsonify(errors={name: _("Changed by %(by)s at %(at)s.", by=c["by"], at=c["at"])
                               for name, c in exc.fields.items()},
                       conflict=exc.fields, current_version=exc.version,
                       message=str(exc)), 409
    return jsonify(errors={"_record": str(exc)}), exc.status


@bp.errorhandler(QueryError)
def query_error(exc):
    return jsonify(errors=exc.errors), 400


def describe(entity, locale=None):
    """An entity as the acting user may work with it: what they may do, the fields they see
    (those hidden from their role left out) and which of them they may not change."""
    locale = locale or current_user.locale
    rights = access(entity)
    return {"name": entity.name, "label": entity.label(locale), "version": entity.version,
            "can": [a for a in ACTIONS if rights.can(a)],
            "fields": [dict({"name": f.name, "type": f.kind.name, "label": f.label(locale),
                             "required": bool(f.get("required")),
                             "read_only": f.read_only or f.name in rights.read_only,
                             "operators": list(f.type.operators)},
                            **{k: v for k, v in f.type.client_spec(f).items()},
                            **({"only": rights.only[f.name]} if f.name in rights.only else {}),
                            **({"computed": True, "result": f.type.name,
                                "formula": f.get("formula")} if f.computed else {}),
                            **({"to": f.get("to")} if f.get("to") else {}))
                       for f in entity.active_fields if rights.shows(f.name)]}


def system_rows(model, order, filters, page):
    """Newest first, filtered by exact query parameters, paged with limit/offset;
    `page` turns the page's rows into JSON objects."""
    query = model.select().order_by(order.desc())
    for param, column in filters.items():
        if request.args.get(param):
            query = query.where(column == request.args[param])
    limit, offset = paging(request.args)
    limit = min(limit, 1000)
    return jsonify(items=page(list(query.limit(limit).offset(offset))), total=query.count())


def unstorable_at(data, path="$"):
    """The JSON path of the first key or text holding a character no database keeps
    (PostgreSQL refuses U+0000; UTF-8 has no lone surrogates), or None."""
    if isinstance(data, str):
        return path if UNSTORABLE.search(data) else None
    items = data.items() if isinstance(data, dict) else enumerate(data) \
        if isinstance(data, list) else ()
    for key, value in items:
        step = f"{path}.{key}" if isinstance(data, dict) else f"{path}[{key}]"
        found = unstorable_at(key, step) or unstorable_at(value, step)
        if found:
            return found
    return None


def paging(args):
    """(limit, offset) from the query string, or a QueryError saying how to write them."""
    try:
        limit, offset = int(args.get("limit", 50)), int(args.get("offset", 0))
    except ValueError:
        raise QueryError({"limit": _("limit and offset are whole numbers.")}) from None
    if not 0 < limit <= MAX_ID or not 0 <= offset <= MAX_ID:
        raise QueryError({"limit": _("limit must be positive and offset not negative.")})
    return limit, offset


def query_args():
    """(condition, search) from the query string: `filter` (a condition tree as JSON),
    `field=value` pairs, and `q`."""
    args = request.args
    condition = None
    if args.get("filter"):
        try:
            condition = json.loads(args["filter"])
        except ValueError:
            raise QueryError({"filter": _("Not valid JSON.")}) from None
    equals = [{"field": k, "eq": v} for k, v in args.items() if k not in RESERVED_PARAMS]
    if equals:
        condition = {"all": equals + ([condition] if condition else [])}
    return condition, args.get("q")
