"""Permissions (owner only): per entity, what each role may do, which rows it works with
and what it may do with each field, saved as a new version of the entity's definition
(checked like any definition, on record in the history)."""

import copy
import json

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from ..catalog import UnknownEntity, catalog
from ..definitions.errors import DefinitionError
from ..designer.store import apply_definitions
from ..i18n import current_locale
from ..i18n import gettext as _
from ..permissions import ACTIONS, ROLES
from ..tables import OWNER
from .designer import entity_outline, page_config
from .shown import action_right
from .spoken import condition_words, value_words
from .system import OwnerView

STAFF = [r for r in ROLES if r != OWNER]
FIELD_CHOICES = ("editable", "read_only", "hidden")


def rules_from(form, entity):
    """The "permissions" block the form describes (None: open to every role)."""
    if not form.get("restricted"):
        return None
    old = entity.spec.get("permissions") or {}
    rules = {}
    for role in STAFF:
        rule = {"can": [a for a in ACTIONS if form.get(f"{role}.can.{a}")]}
        rows = form.get(f"{role}.rows", "").strip()
        if rows:
            try:
                rule["rows"] = json.loads(rows)
            except ValueError as exc:
                raise DefinitionError([(f"$.permissions.{role}.rows", _(
                    "Not valid JSON: %(msg)s", msg=str(exc)))]) from None
        fields = {}
        for field in entity.active_fields:
            chosen = form.get(f"{role}.field.{field.name}", "editable")
            kept = (old.get(role, {}).get("fields") or {}).get(field.name)
            if chosen == "only" and isinstance(kept, dict):
                fields[field.name] = kept  # a list of values is kept as it was written
            elif chosen in ("read_only", "hidden"):
                fields[field.name] = chosen
        if fields:
            rule["fields"] = fields
        rules[role] = rule
    return rules


class RightsView(OwnerView):
    @expose("/")
    def index(self):
        return self.render("admin/system/rights_index.html", entities=catalog().entities())

    @expose("/<entity_name>/", methods=("GET", "POST"))  # (`name` is Flask-Admin's own)
    def entity(self, entity_name):
        name = entity_name
        try:
            entity = catalog().entity(name)
        except UnknownEntity:
            abort(404)
        if request.method == "POST":
            spec = copy.deepcopy(entity.spec)
            try:
                rules = rules_from(request.form, entity)
                spec.pop("permissions", None)
                if rules is not None:
                    spec["permissions"] = rules
                apply_definitions([spec], author=current_user.username,
                                  note="permissions changed in the browser")
                flash(_("Saved: the new permissions apply from the next request."), "success")
                return redirect(url_for(".entity", entity_name=name))
            except DefinitionError as exc:
                flash(_("Nothing was saved: %(problems)s", problems=str(exc)), "error")
        rules = entity.spec.get("permissions")
        return self.render("admin/system/rights.html", entity=entity, rules=rules or {},
                           restricted=rules is not None, roles=STAFF, actions=ACTIONS,
                           choices=FIELD_CHOICES, json=json,
                           action_names={a: action_right(a) for a in ACTIONS},
                           rows_words={r: condition_words((rules or {}).get(r, {}).get("rows"),
                                                          entity) for r in STAFF},
                           only_words=value_words,
                           page=page_config(fields=entity_outline(entity, current_locale())
                                            ["fields"]))
