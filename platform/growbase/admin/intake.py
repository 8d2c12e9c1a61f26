"""Intake pages (owner only): each intake's address, secret and a ready call to try it,
its mapping in words and as JSON to change, and its log, where a refused payload is
replayed once the mapping or the data is fixed."""

import json

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from peewee import fn

from ..catalog import catalog
from ..definitions import DefinitionError
from ..i18n import current_locale
from ..i18n import gettext as _
from ..intake.receive import rehearse, replay
from ..intake.store import apply_intakes, new_secret, secret_of
from ..records import titles, unseen
from ..tables import IntakeEntry
from .designer import page_config
from .shown import marked
from .system import OwnerView

LOG_ROWS = 50
STARTER = {"key": "", "name": "", "entity": "", "fields": {}}


def described(entity, fields, prefix=""):
    """[(field label, where its value comes from, in words)] of one mapping."""
    rows = []
    for name, how in fields.items():
        field = entity.by_name.get(name)
        label = field.label() if field is not None else name
        if isinstance(how, str):
            rows.append((label, marked(_("from %(path)s", path=prefix + how), prefix + how)))
        elif "value" in how:  # (a choice by its label: "Website", not "website")
            value = field.type.display(how["value"], field, current_locale()) if field and \
                field.options else how["value"]
            said = _("always \"%(value)s\"", value=value)
            rows.append((label, said if field and field.options else marked(said, str(value),
                                                                              css="gb-data")))
        elif "template" in how:
            rows.append((label, marked(_("written as: %(text)s", text=how["template"]),
                                       how["template"], css="gb-data")))
        else:
            other = catalog().entity(field.type.refers_to(field))
            keys = [other.by_name[k].label() for k in how["find"] if k in other.by_name]
            words = _("found by %(keys)s", keys=_(", then ").join(keys))
            words += _("; made if none") if how.get("create", True) else _("; refused if none")
            rows.append((label, words))
            rows += [(f"{label} → {sub}", text) for sub, text in described(other, how["fields"], prefix)]
    return rows


def title_of(entity_name, record_id):
    """A record's title for a message."""
    return titles(catalog().entity(entity_name), [record_id]).get(record_id) or unseen()


def linked(field, link):
    """What "Try it" found for a link: the record by its title, or that one would be made."""
    if link["created"]:
        return _("%(field)s: new", field=field.label())
    return _("%(field)s: found %(title)s", field=field.label(),
             title=title_of(field.type.refers_to(field), link["id"]))


def sample(intake):
    """A payload shaped like the one the intake reads, to try it with."""
    payload = {}
    for path in intake.paths():
        target, steps = payload, path.split(".")
        for step in steps[:-1]:
            if step.endswith("[]"):
                target = target.setdefault(step[:-2], [{}])[0]
            else:
                target = target.setdefault(step, {})
        target[steps[-1]] = "..."
    return payload


class IntakeView(OwnerView):
    @expose("/")
    def index(self):
        counts = {(key, status): n for key, status, n in IntakeEntry.select(
            IntakeEntry.intake, IntakeEntry.status, fn.COUNT(IntakeEntry.id))
            .group_by(IntakeEntry.intake, IntakeEntry.status).tuples()}
        rows = [{"intake": i, "entity": catalog().entity(i.entity).label()
                 if i.entity in catalog() else i.entity,
                 "taken": counts.get((i.key, "created"), 0) + counts.get((i.key, "replayed"), 0),
                 "refused": counts.get((i.key, "refused"), 0)} for i in catalog().intakes()]
        return self.render("admin/intake/index.html", rows=rows)

    @expose("/new")
    def new(self):
        return self.page(intake=None, rows=[],
                           spec=json.dumps(STARTER, ensure_ascii=False, indent=2), entries=[])

    @expose("/<key>")
    def detail(self, key):
        intake = self.intake(key)
        entries = list(IntakeEntry.select().where(IntakeEntry.intake == key)
                       .order_by(IntakeEntry.id.desc()).limit(LOG_ROWS))
        entity = catalog().entity(intake.entity)
        rows = described(entity, intake.fields)
        for lines in intake.lines:
            other = catalog().entity(lines.entity)
            rows += [(f"{other.label()}: {label}", text) for label, text in
                     described(other, lines.fields, f"{lines.array}[].")]
        url = request.host_url.rstrip("/") + url_for("api.intake_receive", key=key)
        named = titles(entity, [e.record_id for e in entries])
        return self.page(
            intake=intake, rows=rows, entries=entries, url=url,
            made={e.record_id: named.get(e.record_id) or unseen() for e in entries},
            secret=secret_of(key), entity=entity,
            form_url=request.host_url.rstrip("/") + url_for("forms.show", key=key),
            sample=json.dumps(sample(intake), ensure_ascii=False),
            trial=request.args.get("sample") or json.dumps(sample(intake), ensure_ascii=False,
                                                           indent=2),
            spec=request.args.get("draft") or json.dumps(intake.spec, ensure_ascii=False,
                                                         indent=2))

    @expose("/save", methods=("POST",))
    def save(self):
        text = request.form.get("spec", "")
        try:
            spec = json.loads(text)
        except ValueError as exc:
            flash(_("Not valid JSON: %(msg)s", msg=str(exc)), "error")
            return self.render_draft(text)
        try:
            changed = apply_intakes([spec], author=current_user.username, note="intake page")
        except DefinitionError as exc:
            for path, problem in exc.problems:
                flash(f"{path}: {problem}", "error")
            return self.render_draft(text)
        flash(_("Saved: the next payload is taken this way.") if changed else
              _("Nothing changed."), "success")
        return redirect(url_for(".detail", key=spec["key"]))

    def render_draft(self, text):
        return self.page(intake=None, rows=[], spec=text,
                           entries=[]), 422

    @expose("/<key>/try", methods=("POST",))
    def rehearse(self, key):
        """The page's "Try it": what the sample would make, nothing kept."""
        intake, text = self.intake(key), request.form.get("sample", "")
        try:
            status, answer = rehearse(intake, json.loads(text))
        except ValueError as exc:
            status, answer = 422, {"errors": {"$": _("Not valid JSON: %(msg)s", msg=str(exc))}}
        if status < 400:
            entity = catalog().entity(intake.entity)
            found = [linked(entity.by_name[name], link) for name, link in answer["links"].items()]
            flash(_("It would make %(entity)s %(number)s with %(lines)s lines",
                    entity=entity.label(),
                    number=answer["number"] or "", lines=answer["lines"]) +
                  (" (" + "; ".join(found) + ")" if found else "") + ". " +
                  _("Nothing was kept."), "success")
            for warning in answer["warnings"]:
                flash(f"{warning['path']}: {warning['message']}", "warning")
        else:
            for path, problem in answer["errors"].items():
                flash(f"{path}: {problem}", "error")
        return redirect(url_for(".detail", key=key, sample=text))

    @expose("/<key>/secret", methods=("POST",))
    def secret(self, key):
        new_secret(self.intake(key).key)
        flash(_("A new secret: the old one no longer works. Put the new one on the website."),
              "success")
        return redirect(url_for(".detail", key=key))

    @expose("/replay/<int:entry_id>", methods=("POST",))
    def replay(self, entry_id):
        entry = IntakeEntry.get_or_none(IntakeEntry.id == entry_id) or abort(404)
        try:
            status, answer = replay(entry_id)
        except LookupError as exc:
            flash(str(exc), "error")
            return redirect(url_for(".detail", key=entry.intake))
        if status < 400:
            flash(_("Taken: %(title)s.", title=title_of(catalog().intake(entry.intake).entity,
                                                        answer["id"])), "success")
        else:
            for path, problem in answer["errors"].items():
                flash(_("Still refused: %(path)s: %(problem)s", path=path, problem=problem),
                      "error")
        return redirect(url_for(".detail", key=entry.intake))

    def page(self, **context):
        """An intake's page (or a new one's): its mapping edited with pickers
        (static/intake_designer.js), which read the entities and people from `page`."""
        return self.render("admin/intake/detail.html", page=page_config(), **context)

    @staticmethod
    def intake(key):
        return catalog().intake(key) or abort(404)
