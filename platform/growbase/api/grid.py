"""What the staff grid and the kanban ask of the server, beside the plain record API.

A pasted block or a row of edits is one request (`batch`): each row is saved or refused
on its own, so a bad cell never blocks the good ones, and every saved row raises its
event. `changes` lets an open grid see what colleagues saved since it last looked.
"""

import re

from flask import jsonify, request
from flask_login import current_user
from peewee import fn

from .base import body, bp, entity_or_404, query_args, refuse, service
from ..conditions import evaluate, validate
from ..db import MAX_ID, fetch
from ..duplicates.scan import rule
from ..duplicates.shown import warned
from ..i18n import gettext as _
from ..permissions import access
from ..queries import QueryError, matching, order_by, readable, to_json
from ..records import values_of
from ..records.trail import forget_written, written_event
from ..tables import Audit, SavedView, utcnow
from ..transfer.links import LinkResolver

MAX_GRID_BATCH = 2000  # rows per save; a paste of 1,000 cells is at most 1,000 rows
MAX_CHANGES = 500


def whole_numbers(values, name):
    if not isinstance(values, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in values):
        refuse(400, **{name: _("Give a list of record numbers.")})
    return values


def resolve_links(entity, planned):
    """Link cells pasted as text ("Иван Петров", a phone, "ORD-00042") become record numbers,
    as in an import; returns {(item index, field): why a text matched no single record}."""
    problems = {}
    for field in (f for f in entity.active_fields if f.type.refers_to(f)):
        resolver = LinkResolver(field)
        texts = [(i, item["data"][field.name]) for i, item in enumerate(planned)
                 if isinstance(item["data"].get(field.name), str)]
        resolver.prepare(text for _i, text in texts)
        for index, text in texts:
            if not text.strip():
                continue
            found, problem = resolver.find(text)
            if found:
                planned[index]["data"][field.name] = found
            else:
                problems[(index, field.name)] = problem
    return problems


def rows_json(entity, ids):
    """{id: record as JSON} of those of `ids` the acting role may see."""
    rights = readable(entity)
    found = {row.id: row for row in fetch(entity.model, ids) if rights.rows is None or
             evaluate(rights.rows, entity, values_of(entity, row))} if ids else {}
    return dict(zip(found, to_json(entity, list(found.values()))))


PASTE_ID = re.compile(r"[\w-]{1,40}")
WARN_ROWS = 20  # new rows in one save looked at for look-alikes


@bp.post("/<name>/batch")
def save_rows(name):
    """{"items": [{"id": 5, "_version": 3, "data": {...}}, {"data": {...}}]} -> one result per
    item: created / updated / unchanged with the saved record, or rejected with the
    messages per field (and, for a row someone else changed, what they changed); the first
    saved row's answer carries its event, to note what the save set off."""
    entity = entity_or_404(name)
    items, paste = body().get("items"), body().get("paste")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        refuse(400, items=_(
            "Send {\"items\": [{\"id\": ..., \"_version\": ..., \"data\": {...}}]}."))
    if paste is not None and not (isinstance(paste, str) and PASTE_ID.fullmatch(paste)):
        refuse(400, paste=_("A paste is named by 1 to 40 letters, digits, - or _."))
    if len(items) > MAX_GRID_BATCH:
        refuse(413, items=_("At most %(n)s rows per save.", n=MAX_GRID_BATCH))
    whole_numbers([i["id"] for i in items if i.get("id") is not None], "id")
    svc = service(paste)
    planned = [{"id": i.get("id"), "data": i.get("data") if isinstance(i.get("data"), dict)
                else {}, "version": svc.parse_version(i.get("_version"))} for i in items]
    unmatched = resolve_links(entity, planned)
    forget_written()
    outcomes = svc.save_batch(name, planned)
    ids = [detail if kind != "rejected" else item["id"]
           for (kind, detail), item in zip(outcomes, planned)]
    records = rows_json(entity, [i for i in ids if i])
    created = sum(1 for kind, _detail in outcomes if kind == "created")
    # a row or a few typed in are looked at now; a big paste waits for the hourly scan
    results, look_alikes = [], rule(entity) is not None and created <= WARN_ROWS
    for index, ((kind, detail), item, record_id) in enumerate(zip(outcomes, planned, ids)):
        result = {"status": kind, "id": record_id, "record": records.get(record_id)}
        if kind in ("created", "updated") and written_event(name, record_id):
            result["event"] = written_event(name, record_id)  # (what it set off: effects.js)
        if kind == "created" and look_alikes and result["record"]:
            result["possible_duplicates"] = warned(entity, record_id, values_of(
                entity, fetch(entity.model, [record_id])[0]))
        if kind == "rejected":
            result["errors"] = detail = {
                n: unmatched.get((index, n), message) for n, message in detail.items()}
            stale = result["record"] and item["version"] not in (None, result["record"]["_version"])
            if stale:
                since = svc.changed_since(entity, entity.model(id=record_id), item["version"])
                result["conflict"] = {n: since[n] for n in detail if n in since}
        results.append(result)
    return jsonify(results=results)


@bp.post("/<name>/delete")
def delete_rows(name):
    """{"items": [{"id": 5, "_version": 3}]}: each deleted or refused on its own (a record
    still linked from others says by what)."""
    entity_or_404(name)
    items = body().get("items")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        refuse(400, items=_("Send {\"items\": [{\"id\": ..., \"_version\": ...}]}."))
    whole_numbers([i.get("id") for i in items], "id")
    outcomes = service().delete_many(name, [(i["id"], i.get("_version")) for i in items])
    return jsonify(results=[
        {"id": item["id"], "status": "deleted"} if kind == "deleted" else
        {"id": item["id"], "status": "rejected",
         "errors": getattr(refusal, "errors", None) or {"_record": str(refusal)}}
        for item, (kind, refusal) in zip(items, outcomes)])


def groupable(entity, name):
    rights = access(entity)
    field = entity.by_name.get(name)
    if field is None or field.retired or not field.type.filter_key or not rights.shows(name):
        names = ", ".join(f.name for f in entity.active_fields
                          if f.type.filter_key and rights.shows(f.name))
        raise QueryError({"by": _("Cannot group by \"%(name)s\"; use one of: %(names)s.",
                                  name=name, names=names)})
    return field


@bp.get("/<name>/groups")
def groups(name):
    """Counts and sums per value of a choice, status, user or link field, over the rows the
    filter and search match (all of them, not one page): grid group headers, kanban."""
    entity = entity_or_404(name)
    field = groupable(entity, request.args.get("by", ""))
    condition, search = query_args()
    column = getattr(entity.model, field.name)
    summed, sums = summing(entity)
    query = matching(entity, condition, search).order_by().select(
        column, fn.COUNT(entity.model.id), *sums).group_by(column)
    found = {row[0]: row[1:] for row in query.tuples()}
    listed = [] if field.type.references else field.type.filter_options(field, current_user.locale)
    values = [field.type.parse(v, field) for v, _label in listed or []]
    values += [v for v in found if v not in values]  # links and users: those present
    titles = field.type.titles(field, [v for v in values if v is not None]) or {}
    colours = {o["value"]: o.get("color") for o in field.options} if field.get("options") else {}
    out = []
    for value in values + ([None] if None in found else []):
        count, *sums = found.get(value, (0,) + (None,) * len(summed))
        out.append({"value": field.type.to_json(value, field), "count": count,
                    "label": titles.get(value) or field.type.display(value, field,
                                                                     current_user.locale),
                    "color": colours.get(value), "sums": sums_json(summed, sums)})
    return jsonify(field=field.name, groups=out, summed=[f.name for f in summed])


def summing(entity):
    """(the number fields the caller sees, a SUM of each to select)."""
    summed = [f for f in entity.active_fields if f.type.summable and access(entity).shows(f.name)]
    return summed, [fn.SUM(getattr(entity.model, f.name)).coerce(False) for f in summed]


def sums_json(summed, sums):
    return {f.name: None if s is None else
            f.type.to_json(getattr(f.entity.model, f.name).python_value(s), f)
            for f, s in zip(summed, sums)}


@bp.get("/<name>/totals")
def totals(name):
    """The grand total of every row the filter and search match, not one page: their count
    and each number's sum (the grid's last line)."""
    entity = entity_or_404(name)
    condition, search = query_args()
    summed, sums = summing(entity)
    count, *found = matching(entity, condition, search).order_by().select(
        fn.COUNT(entity.model.id), *sums).tuples().get()
    return jsonify(count=count, sums=sums_json(summed, found))


@bp.get("/<name>/changes")
def changes(name):
    """What colleagues saved since `after` (an audit cursor): the given on-screen rows as
    they are now, and which of them were deleted. Without `after`, just the cursor."""
    entity = entity_or_404(name)
    latest = Audit.select(fn.MAX(Audit.id)).scalar() or 0
    after = request.args.get("after", type=int)
    if not after or not 0 < after <= MAX_ID:
        return jsonify(cursor=latest, records=[], deleted=[])
    shown = {int(i) for i in request.args.get("ids", "").split(",")
             if i.strip().isdigit() and int(i) <= MAX_ID}
    touched = {}
    for record_id, action in (Audit.select(Audit.record_id, Audit.action)
                              .where((Audit.id > after) & (Audit.id <= latest) &
                                     (Audit.entity == entity.name))
                              .order_by(Audit.id).limit(MAX_CHANGES * 10).tuples()):
        touched[record_id] = action
    wanted = [i for i in touched if i in shown]
    records = rows_json(entity, wanted)
    created = [i for i, action in touched.items() if action == "create"]
    return jsonify(cursor=latest, records=list(records.values()),
                   deleted=[i for i in wanted if touched[i] == "delete" and i not in records],
                   created=matching(entity).where(entity.model.id.in_(created)).order_by()
                   .count() if created else 0)  # only those among the role's rows


@bp.get("/<name>/lookup/<field_name>")
def lookup(name, field_name):
    """Records (or users) a link field may point at, matching what is typed."""
    entity = entity_or_404(name)
    field = entity.by_name.get(field_name)
    if field is None or not field.type.references or not readable(entity).shows(field_name):
        refuse(404, field=_("There is no link field \"%(name)s\".", name=field_name))
    return jsonify(items=[{"id": i, "title": t} for i, t in
                          field.type.lookup(field, request.args.get("q", ""), 0, 20)])


# -- saved views ---------------------------------------------------------------------------------
VIEW_KEYS = {"filter", "sort", "q", "group_by", "columns", "page_size"}


def checked_config(entity, config):
    """A view's settings, each checked against the entity as it is now."""
    if not isinstance(config, dict) or set(config) - VIEW_KEYS:
        refuse(400, config=_("A view holds only: %(keys)s.", keys=", ".join(sorted(VIEW_KEYS))))
    if config.get("filter"):
        problems = validate(config["filter"], entity)
        if problems:
            refuse(400, filter="; ".join(f"{p}: {t}" for p, t in problems))
    if config.get("sort"):
        order_by(entity, config["sort"])
    if config.get("group_by"):
        groupable(entity, config["group_by"])
    columns = config.get("columns", [])
    if not isinstance(columns, list) or not all(
            isinstance(c, dict) and isinstance(c.get("field"), str) for c in columns):
        refuse(400, columns=_("Columns are a list of {\"field\": name, \"width\": pixels, "
                              "\"visible\": true|false}."))
    return config


def view_json(view):
    return {"id": view.id, "name": view.name, "shared": view.shared, "config": view.config,
            "mine": view.user == current_user.id}


def own_view(name, view_id):
    """A view the current user may change: their own, or any shared one for the owner."""
    view = SavedView.get_or_none((SavedView.id == view_id) & (SavedView.entity == name))
    if view is None or (view.user != current_user.id and not view.shared):
        refuse(404, view=_("There is no such view (it may have been deleted)."))
    if view.user != current_user.id and not current_user.is_owner:
        refuse(403, view=_("Only its author or the owner may change a shared view."))
    return view


@bp.get("/<name>/views")
def list_views(name):
    entity_or_404(name)
    mine = (SavedView.entity == name) & ((SavedView.user == current_user.id) | SavedView.shared)
    views = list(SavedView.select().where(mine).order_by(SavedView.name))
    layout = next((v.config for v in views if v.name == "" and v.user == current_user.id), None)
    return jsonify(views=[view_json(v) for v in views if v.name], layout=layout)


def view_fields(entity):
    data = body()
    label = str(data.get("name", "")).strip()
    if not label or len(label) > 100:
        refuse(400, name=_("Give the view a name (up to 100 characters)."))
    return label, bool(data.get("shared")), checked_config(entity, data.get("config", {}))


def refuse_taken(name, user_id, label, view_id=None):
    """Names are unique per person and entity: say so rather than fail on the index."""
    clash = SavedView.get_or_none(entity=name, user=user_id, name=label)
    if clash is not None and clash.id != view_id:
        refuse(409, name=_("You already have a view called \"%(name)s\"; pick another name.",
                           name=label))


@bp.post("/<name>/views")
def create_view(name):
    label, shared, config = view_fields(entity_or_404(name))
    refuse_taken(name, current_user.id, label)
    view = SavedView.create(entity=name, user=current_user.id, name=label, shared=shared,
                            config=config)
    return jsonify(view_json(view)), 201


@bp.put("/<name>/views/<int:view_id>")
def update_view(name, view_id):
    label, shared, config = view_fields(entity_or_404(name))
    view = own_view(name, view_id)
    refuse_taken(name, view.user, label, view.id)
    view.name, view.shared, view.config, view.updated_at = label, shared, config, utcnow()
    view.save()
    return jsonify(view_json(view))


@bp.delete("/<name>/views/<int:view_id>")
def delete_view(name, view_id):
    own_view(name, view_id).delete_instance()
    return "", 204


@bp.put("/<name>/layout")
def save_layout(name):
    """The user's own widths, order and hidden columns of this grid."""
    config = checked_config(entity_or_404(name), body().get("config", {}))
    (SavedView.insert(entity=name, user=current_user.id, name="", config=config,
                      updated_at=utcnow())
     .on_conflict(conflict_target=[SavedView.entity, SavedView.user, SavedView.name],
                  update={SavedView.config: config, SavedView.updated_at: utcnow()})
     .execute())
    return jsonify(config=config)
