"""Records under /api/<entity>: list, read, create (one or all-or-none many), update with
the version read, delete; the same validation as the forms (the record service)."""

from flask import jsonify, request

from ..catalog import catalog
from ..duplicates.scan import rule
from ..duplicates.shown import warned
from ..permissions import access
from ..queries import select, to_json
from ..records.trail import forget_written, written_event
from ..records.values import values_of
from .base import body, bp, describe, entity_or_404, paging, query_args, service


@bp.get("")
def index():
    return jsonify(entities=[describe(e) for e in catalog().entities()
                             if access(e).can("read")])


@bp.get("/<name>")
def list_records(name):
    entity = entity_or_404(name)
    args = request.args
    condition, search = query_args()
    limit, offset = paging(args)
    total, exact, rows = select(entity, condition, search, args.get("sort"), limit, offset,
                                exact=args.get("count") == "exact")
    return jsonify(items=to_json(entity, rows), total=total, total_exact=exact, limit=limit,
                   offset=offset)


@bp.get("/<name>/<int:record_id>")
def get_record(name, record_id):
    entity = entity_or_404(name)
    _entity, row = service().get(name, record_id)
    return jsonify(to_json(entity, [row])[0])


@bp.post("/<name>")
def create_record(name):
    """One object creates one record; a list creates them all or none (422 per row)."""
    entity = entity_or_404(name)
    data = body(many=True)
    if isinstance(data, list):
        rows = service().create_many(name, data)
        return jsonify(items=[{"id": row.id, "_version": row.gb_version} for row in rows],
                       total=len(rows)), 201
    row = service().create(name, data)
    made = to_json(entity, [row])[0]
    if rule(entity) is not None:  # what it looks like waits in the merge queue too
        made["possible_duplicates"] = warned(entity, row.id, values_of(entity, row))
    return jsonify(made), 201


@bp.route("/<name>/<int:record_id>", methods=["PATCH"])
def update_record(name, record_id):
    entity = entity_or_404(name)
    data = body()
    version = data.pop("_version", None) or request.headers.get("If-Match")
    forget_written()
    row = service().update(name, record_id, data, version=version)
    event = written_event(name, record_id)  # what the save sets off, for the page to follow
    return jsonify(to_json(entity, [row])[0]), 200, {"X-Growbase-Event": str(event or "")}


@bp.post("/<name>/<int:record_id>/copy")
def copy_record(name, record_id):
    """A new record like this one, with copies of its lines; 201 with the copy."""
    entity = entity_or_404(name)
    row = service().copy(name, record_id)
    return jsonify(to_json(entity, [row])[0]), 201


@bp.delete("/<name>/<int:record_id>")
def delete_record(name, record_id):
    entity_or_404(name)
    service().delete(name, record_id, version=request.args.get("_version"))
    return "", 204

