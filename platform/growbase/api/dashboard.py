"""The home page's dashboard over the JSON API: the caller's role's widgets, each one's
figures (asked one by one, so the page fills as they come), and the owner's way to arrange
every role's."""

from flask import jsonify, request
from flask_login import current_user

from .base import body, bp, refuse
from ..catalog import catalog
from ..dashboards import widgets
from ..dashboards.store import apply_dashboards
from ..definitions import DefinitionError
from ..i18n import gettext as _
from ..permissions import ROLES
from ..tables import SavedView


def role_asked():
    """The caller's role; the owner may ask for any role's (to arrange it)."""
    role = request.args.get("role") or current_user.role
    if role != current_user.role and not current_user.is_owner:
        refuse(403, role=_("Only the owner may see another role's dashboard."))
    if role not in ROLES:
        refuse(404, role=_("There is no role \"%(role)s\".", role=role))
    return role


def widgets_of(role):
    found = catalog().dashboard(role)
    return found.widgets if found else []


@bp.get("/dashboard")
def dashboard():
    role, locale = role_asked(), current_user.locale
    return jsonify(role=role, can_arrange=current_user.is_owner, widgets=[
        dict(widget, index=i, heading=widgets.title(widget, locale))
        for i, widget in enumerate(widgets_of(role))])


@bp.get("/dashboard/<int:index>")
def widget(index):
    shown = widgets_of(role_asked())
    if not 0 <= index < len(shown):
        refuse(404, widget=_("The dashboard has no widget %(n)s; reload the page.", n=index))
    return jsonify(widgets.data(shown[index], current_user.locale))


@bp.put("/dashboard/<role>")
def arrange(role):
    """The owner saves a role's widgets, in their order; refused whole when one is wrong."""
    if not current_user.is_owner:
        refuse(403, role=_("Only the owner may arrange dashboards."))
    try:
        changed = apply_dashboards([{"role": role, "widgets": body().get("widgets", [])}],
                                   author=current_user.username)
    except DefinitionError as exc:
        return jsonify(errors={path: text for path, text in exc.problems}), 422
    return jsonify(changed=changed, widgets=widgets_of(role))


@bp.get("/dashboard/choices")
def choices():
    """What the owner may put on a dashboard: the reports and the shared grid views."""
    if not current_user.is_owner:
        refuse(403, role=_("Only the owner may arrange dashboards."))
    locale = current_user.locale
    views = SavedView.select().where(SavedView.shared & (SavedView.name != ""))
    return jsonify(roles=list(ROLES),
                   reports=[{"key": r.key, "name": r.name(locale), "chart": r.chart}
                            for r in catalog().reports()],
                   views=[{"id": v.id, "name": v.name, "entity": v.entity} for v in views
                          if v.entity in catalog()])
