"""The designer's side of the JSON API: review, save, history and rollback of entity
definitions and automation rules, and configuration moved between installations.

Only the owner, and the roles the owner allows, may call it (checked here, on the
server). A review writes nothing; a save answers 409 when it needs the owner's yes (a
conversion, then a second yes for values that would be lost) or when someone saved a
newer version meanwhile, and 422 with every problem on its JSON path and line.
"""

import json
import tempfile
from pathlib import Path

from flask import Response, jsonify, request
from flask_login import current_user

from ..designer import service as designer
from .base import body, bp, refuse, service
from ..automation.preview import preview
from ..automation.rule import Rule
from ..catalog import catalog
from ..definitions import DefinitionError
from ..designer.guess import guess_entity
from ..definitions.schema import line_of, path_lines
from ..designer.store import NeedsConfirmation
from ..i18n import gettext as _
from ..permissions import ROLES
from ..queries import search_titles
from ..records import NotFound
from ..transfer.readers import SheetProblem

KINDS = {"entities": "entity", "rules": "automation"}


def designer_only():
    if not designer.may_design(current_user):
        refuse(403, _role=_("Only the owner, and the roles the owner allows, may change "
                            "definitions and rules."))


def problems_json(problems, spec=None, own=None):
    """422 with {path: sentence}; `lines` places each on the JSON editor's formatted text.
    Problems of the definition being edited (`own`) lose its name; others keep theirs."""
    errors = {}
    for path, text in problems:
        path = path[len(own) + 2:] if own and path.startswith(f"{own}: ") else path
        errors[path] = f"{errors[path]} {text}" if path in errors else text
    lines = path_lines(spec) if isinstance(spec, (dict, list)) else {}
    return jsonify(errors=errors, lines={p: line_of(p, lines) for p in errors
                                         if lines and p.startswith("$")}), 422


def submitted(key):
    """The definition in a request: a JSON object, or the editor's text (a syntax error
    answers with its line and column)."""
    data = body()
    if "text" in data:
        try:
            data[key] = json.loads(data["text"])
        except ValueError as exc:
            line = getattr(exc, "lineno", 1)
            return data, (jsonify(errors={"$": _(
                "Not valid JSON at line %(line)s, column %(col)s: %(msg)s.", line=line,
                col=getattr(exc, "colno", 1), msg=getattr(exc, "msg", str(exc)))},
                lines={"$": line}), 422)
    if not isinstance(data.get(key), dict):
        refuse(400, _body=_("Send the definition as {\"%(key)s\": {...}} or {\"text\": \"...\"}.",
                            key=key))
    return data, None


def flags(data):
    renames = data.get("choice_renames") or {}
    if not isinstance(renames, dict) or not all(isinstance(v, dict) for v in renames.values()):
        refuse(400, choice_renames=_("Give renamed choices as {\"field\": {\"old\": \"new\"}}."))
    return renames, data.get("update_uses", True) is not False


def note_of(data):
    """What the history says of a save: the designer's own words, or just "designer"."""
    return str(data.get("note") or "designer")[:200]


def confirmation_json(exc):
    loses = any(p.loses_values for p in exc.plans)
    return jsonify(needs="confirm_loss" if loses else "confirm",
                   plan=[line for p in exc.plans for line in p.lines()],
                   message=_("Some values would not survive this change; tick the second box "
                             "to apply it anyway.") if loses else
                   _("This change converts stored values; confirm to apply it.")), 409


@bp.errorhandler(designer.Stale)
def stale_json(exc):
    return jsonify(errors={"_version": str(exc)}, current_version=exc.version), 409


@bp.errorhandler(NeedsConfirmation)
def needs_confirmation(exc):
    return confirmation_json(exc)


# -- entities ----------------------------------------------------------------------------------
@bp.get("/designer/entities")
def designer_entities():
    designer_only()
    return jsonify(items=[{"name": e.name, "label": e.label(), "plural": e.plural(),
                           "version": e.version, "fields": len(e.active_fields)}
                          for e in catalog().entities(retired=True)],
                   rules=[{"key": r.key, "name": r.name, "entity": r.entity,
                           "enabled": r.enabled, "version": r.version}
                          for r in catalog().rules()])


@bp.get("/designer/entities/<name>")
def designer_entity(name):
    designer_only()
    current = catalog()
    if name not in current:
        refuse(404, _entity=_("There is no entity \"%(name)s\".", name=name))
    entity = current.entity(name)
    return jsonify(spec=entity.spec, version=entity.version, text=designer.pretty(entity.spec))


@bp.get("/designer/entities/<name>/records")
def designer_records(name):
    """Records to try a rule on, by title, newest first, matching ?q= (only those this
    user may see)."""
    designer_only()
    if name not in catalog():
        refuse(404, _entity=_("There is no entity \"%(name)s\".", name=name))
    return jsonify(items=[{"id": i, "title": t} for i, t in search_titles(
        catalog().entity(name), request.args.get("q", ""), limit=20)])


def entity_change(name):
    data, error = submitted("spec")
    if error is None and data["spec"].get("entity") != name:
        refuse(400, entity=_("The definition's \"entity\" must be \"%(name)s\", the one you "
                             "are editing.", name=name))
    return data, error


@bp.post("/designer/entities/<name>/review")
def review_entity(name):
    designer_only()
    data, error = entity_change(name)
    if error:
        return error
    designer.stale("entity", name, data.get("base_version"))
    try:
        review = designer.entity_review(data["spec"], flags(data)[0], data.get("editable_for"))
    except DefinitionError as exc:
        return problems_json(exc.problems, data["spec"], name)
    return jsonify(review.json())


@bp.put("/designer/entities/<name>")
def save_entity(name):
    designer_only()
    data, error = entity_change(name)
    if error:
        return error
    renames, update_uses = flags(data)
    try:
        review = designer.save_entity(
            data["spec"], current_user.username, base_version=data.get("base_version"),
            choice_renames=renames, update_uses=update_uses, confirm=data.get("confirm") is True,
            confirm_loss=data.get("confirm_loss") is True, note=note_of(data),
            editable_for=data.get("editable_for"))
    except DefinitionError as exc:
        return problems_json(exc.problems, data["spec"], name)
    entity = catalog().entity(name)
    return jsonify(dict(review.json(), version=entity.version, spec=entity.spec))


# -- rules -------------------------------------------------------------------------------------
def rule_submitted(key):
    """(request data, the rule it sends with its key from the URL, an error answer)."""
    data, error = submitted("spec")
    return data, (dict(data["spec"], key=key) if error is None else None), error


@bp.post("/designer/rules/<key>/review")
def review_rule(key):
    designer_only()
    data, spec, error = rule_submitted(key)
    if error:
        return error
    designer.stale("rule", key, data.get("base_version"))
    try:
        return jsonify(designer.rule_review(spec).json())
    except DefinitionError as exc:
        return problems_json(exc.problems, spec, key)


@bp.put("/designer/rules/<key>")
def save_rule(key):
    designer_only()
    data, spec, error = rule_submitted(key)
    if error:
        return error
    try:
        review = designer.save_rule(spec, current_user.username,
                                    base_version=data.get("base_version"), note=note_of(data))
    except DefinitionError as exc:
        return problems_json(exc.problems, spec, key)
    return jsonify(dict(review.json(), version=catalog().rule(key).version))


@bp.post("/designer/rules/<key>/try")
def try_rule(key):
    """What an unsaved rule would do for one record; nothing is written or sent."""
    designer_only()
    data, spec, error = rule_submitted(key)
    if error:
        return error
    record_id = data.get("record_id")
    if not isinstance(record_id, int):
        refuse(400, record_id=_("Give the record to test on: {\"record_id\": 42}."))
    try:
        designer.rule_review(spec)
        service().get(spec["entity"], record_id)  # only a record this user may see
        return jsonify(preview(Rule(spec), record_id))
    except DefinitionError as exc:
        return problems_json(exc.problems, spec, key)
    except NotFound as exc:
        refuse(404, record_id=str(exc))


# -- history -----------------------------------------------------------------------------------
def kind_of(kinds):
    if kinds not in KINDS:
        refuse(404, _kind=_("Use entities or rules."))
    return KINDS[kinds]


def known_version(kind, name, version):
    try:
        return designer.version_body(kind, name, version)
    except LookupError as exc:
        refuse(404, version=str(exc))


@bp.get("/designer/<kinds>/<name>/versions")
def designer_versions(kinds, name):
    designer_only()
    return jsonify(items=designer.versions(kind_of(kinds), name))


@bp.get("/designer/<kinds>/<name>/versions/<int:version>")
def designer_version(kinds, name, version):
    designer_only()
    spec = known_version(kind_of(kinds), name, version)
    return jsonify(spec=spec, version=version, text=designer.pretty(spec))


@bp.get("/designer/<kinds>/<name>/compare")
def designer_compare(kinds, name):
    designer_only()
    kind = kind_of(kinds)
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    if a is None or b is None:
        refuse(400, a=_("Name the two versions: ?a=1&b=3."))
    known_version(kind, name, a)
    known_version(kind, name, b)
    return jsonify(diff=designer.compare(kind, name, a, b))


@bp.post("/designer/<kinds>/<name>/rollback")
def designer_rollback(kinds, name):
    designer_only()
    kind, data = kind_of(kinds), body()
    version = data.get("version")
    if not isinstance(version, int):
        refuse(400, version=_("Name the version to go back to: {\"version\": 3}."))
    spec = known_version(kind, name, version)
    try:
        review = designer.rollback(kind, name, version, current_user.username,
                                   confirm=data.get("confirm") is True,
                                   confirm_loss=data.get("confirm_loss") is True)
    except DefinitionError as exc:
        return problems_json(exc.problems, spec, name)
    return jsonify(review.json())


# -- configuration -----------------------------------------------------------------------------
@bp.get("/designer/export")
def designer_export():
    designer_only()
    return Response(designer.export_zip(), mimetype="application/zip", headers={
        "Content-Disposition": "attachment; filename=growbase-configuration.zip"})


@bp.post("/designer/import")
def designer_import():
    """Review an exported configuration (apply=1 applies it, with the same confirmations)."""
    designer_only()
    upload = request.files.get("file")
    if upload is None:
        refuse(400, file=_("Choose the .zip exported from another installation."))
    try:
        entities, rules = designer.read_zip(upload.read())
        if request.form.get("apply") == "1":
            reviews = designer.import_config(
                entities, rules, current_user.username,
                confirm=request.form.get("confirm") == "1",
                confirm_loss=request.form.get("confirm_loss") == "1")
        else:
            reviews = designer.config_review(entities, rules)
    except DefinitionError as exc:
        return problems_json(exc.problems)
    return jsonify(files={name: r.json() for name, r in reviews.items()},
                   applied=request.form.get("apply") == "1")


@bp.post("/designer/guess")
def designer_guess():
    """Fields guessed from a spreadsheet's columns, for the owner to confirm."""
    designer_only()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        refuse(400, file=_("Choose a spreadsheet (.xlsx or .csv) whose first row names the "
                           "columns."))
    suffix = Path(upload.filename).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as saved:
        upload.save(saved.name)
        try:
            return jsonify(guess_entity(saved.name, upload.filename))
        except SheetProblem as exc:
            refuse(422, file=str(exc))


@bp.route("/designer/designers", methods=["GET", "PUT"])
def designer_designers():
    """Which roles besides the owner may change definitions (the owner decides)."""
    if request.method == "PUT":
        if not current_user.is_owner:
            refuse(403, _role=_("Only the owner decides who may change definitions."))
        try:
            designer.set_designer_roles(body().get("roles"), current_user.username)
        except DefinitionError as exc:
            return problems_json(exc.problems)
    else:
        designer_only()
    return jsonify(roles=designer.designer_roles(), all=list(ROLES))
