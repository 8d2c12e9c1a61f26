"""The designer's pages: entities and rules built in the browser (static/design*.js).

The pages hold no logic of their own: every review, save, rollback and import goes
through the designer's JSON API (api/designer.py), which checks who may design.
"""

from flask import abort
from flask_admin import BaseView, expose
from flask_login import current_user

from ..designer import service as designer
from ..automation.actions import action_types
from ..automation.rules import TRIGGERS
from ..catalog import catalog
from ..fields import field_types
from ..fields.masks import PRESETS
from ..i18n import current_locale
from ..permissions import ROLES
from ..tables import User


def entity_outline(entity, locale):
    """Fields as the pickers offer them: name, label, type, choices, where links lead."""
    return {"name": entity.name, "label": entity.label(locale), "fields": [
        {"name": f.name, "label": f.label(locale), "type": f.type.name,
         "options": f.options if f.type.client_spec(f).get("options") else None,
         "to": f.type.refers_to(f), "stages": f.type.stages, "users": f.type.holds_users,
         "dates": f.type.dated, "operators": list(f.type.operators)}
        for f in entity.active_fields]}


def page_config(**extra):
    locale = current_locale()
    current = catalog()
    return {
        "locale": locale, "fields": [], "roles": list(ROLES),
        "types": {name: {"options": sorted(t.options_schema), "choices": "options" in
                         t.options_schema, "link": t.links_entity, "masked": t.masked,
                         "operators": list(t.operators), "mask": t.mask,
                         "automatic": t.automatic, "users": t.holds_users}
                  for name, t in sorted(field_types.items())},
        "presets": [{"key": k, "mask": p["mask"], "label": str(p["label"])}
                    for k, p in PRESETS.items()],
        "entities": [entity_outline(e, locale) for e in current.entities()],
        "triggers": list(TRIGGERS), "actions": {name: a.schema for name, a in action_types.items()},
        "users": [u.username for u in User.select(User.username).where(User.active)
                  .order_by(User.username)],
        **extra,
    }


class DesignerView(BaseView):
    """Only for the owner and the roles the owner allows; 404 (not a hint) to the rest."""

    def is_accessible(self):
        return current_user.is_authenticated and designer.may_design(current_user)

    def inaccessible_callback(self, name, **kwargs):
        abort(404)

    @expose("/")
    def index(self):
        return self.render("admin/designer/index.html", entities=catalog().entities(retired=True),
                           rules=catalog().rules(), roles=designer.designer_roles(),
                           all_roles=ROLES)

    @expose("/entity/")
    @expose("/entity/<entity_name>")
    def entity(self, entity_name=None):  # not `name`: Flask-Admin's own argument
        if entity_name is not None and entity_name not in catalog():
            abort(404)
        return self.render("admin/designer/entity.html", name=entity_name,
                           page=page_config(name=entity_name))

    @expose("/rule/")
    @expose("/rule/<key>")
    def rule(self, key=None):
        if key is not None and catalog().rule(key) is None:
            abort(404)
        return self.render("admin/designer/rule.html", key=key, page=page_config(key=key))
