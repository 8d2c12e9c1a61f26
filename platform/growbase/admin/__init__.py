"""The Flask-Admin back office: a menu built from the live catalog, generic record views."""

from babel.dates import format_timedelta
from flask import g, request, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.menu import MenuCategory, MenuLink
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext
from flask_login import current_user

from ..backups import is_stale, last_backup
from ..channels.kinds import channel_words
from ..catalog import catalog
from ..i18n import current_locale
from ..i18n import gettext as _
from ..moments import when
from ..permissions import ROLES, access, role_label
from ..queries import select
from ..tables import utcnow
from .audit import AuditView
from .designer import DesignerView
from .documents import DocumentsView
from .duplicates import DuplicatesView
from .filters import period_labels
from .grid import GridView
from .intake import IntakeView
from .quality import QualityView
from .reports import ReportsView
from .rights import RightsView
from ..automation.effects import action_label, outcome_words, typed_params
from .shown import (
    change_label,
    entity_label,
    job_words,
    marked,
    message_status,
    rule_name,
    run_status,
    seconds,
    source_words,
    titles_of,
)
from .system import (
    InboxView,
    OutboxView,
    ProfileView,
    RulesView,
    RunLogView,
    unread_count,
)
from .today import TodayView
from .transfer import TransferView
from .users import UsersView
from .views import RecordsRouter


# An entity's pages, by the endpoint that shows them: the menu opens the one last used
VIEW_OF = {"records.index_view": "list", "grid.grid": "grid", "grid.kanban": "kanban",
           "grid.calendar": "calendar"}
ENDPOINT_OF = {kind: endpoint for endpoint, kind in VIEW_OF.items()}


class EntityLink(MenuLink):
    def __init__(self, entity, locale):
        super().__init__(entity.plural(locale))
        self.entity = entity.name

    def get_url(self):
        """The view this person last used for the entity (a cookie), the grid at first."""
        kind = request.cookies.get(f"gb_view_{self.entity}")
        return url_for(ENDPOINT_OF.get(kind, "grid.grid"), entity=self.entity)

    def is_active(self, view):
        return getattr(getattr(view, "entity", None), "name", None) == self.entity


def remember_view(response):
    """Keep which of an entity's views (list, grid, board, calendar) was opened last."""
    kind = VIEW_OF.get(request.endpoint)
    entity = g.get("gb_entity") or (request.view_args or {}).get("entity")
    if kind and entity and response.status_code == 200:
        response.set_cookie(f"gb_view_{entity}", kind, max_age=365 * 86400, httponly=True,
                            samesite="Lax", secure=request.is_secure)
    return response


class GrowbaseAdmin(Admin):
    def menu(self):
        """Home and My day, then the entities grouped and labelled in the user's language as
        defined right now (the daily work first), then reports, automations and
        administration."""
        locale = current_locale()
        home, today, *rest = self._menu
        items, groups = [home, today], {}
        for entity in catalog().entities():
            if not access(entity).can("read"):
                continue
            group = entity.group(locale)
            if not group:
                items.append(EntityLink(entity, locale))
                continue
            if group not in groups:
                groups[group] = MenuCategory(group)
                items.append(groups[group])
            groups[group].add_child(EntityLink(entity, locale))
        return items + rest

    def not_here(self, error):
        """A page that is not there, or not for this person: said in their language, with
        the menu and a way back, instead of a bare "Not Found" (the API keeps its JSON)."""
        return self.index_view.render("admin/not_here.html", code=error.code), error.code


def backup_words():
    """The owner's line about the last backup, in plain words (None for the others), and
    whether it is too old."""
    if not current_user.is_owner:
        return None
    at = last_backup()
    if at is None:
        return {"stale": True, "text": _(
            'No backup has been made yet: the worker makes one each night, or run "python '
            'run.py backup" now.')}
    ago = format_timedelta(utcnow() - at, locale=current_locale())
    if is_stale(at):
        return {"stale": True, "text": _(
            'The last backup was made %(ago)s ago, more than a day: is the worker running? Run '
            '"python run.py backup" now.', ago=ago)}
    return {"stale": False, "text": _("Last backup: %(ago)s ago.", ago=ago)}


class HomeView(AdminIndexView):
    @expose("/")
    def index(self):
        """The role's dashboard (static/dashboard.js fills it); a role without one, and the
        owner before arranging any, see a card per entity they read with its count."""
        if current_user.is_owner or catalog().dashboard(current_user.role) is not None:
            role = request.args.get("role", current_user.role) if current_user.is_owner \
                else current_user.role
            return self.render("admin/home.html", backup=backup_words(), page={
                "role": role if role in ROLES else current_user.role, "roles": list(ROLES),
                "locale": current_locale(), "owner": current_user.is_owner})
        cards = [{"entity": e, "label": e.plural(), "count": select(e, limit=1, exact=True)[0]}
                 for e in catalog().entities() if access(e).can("read")]
        return self.render("admin/home.html", cards=cards, page=None)


def init_admin(app):
    admin = GrowbaseAdmin(app, name="growbase",
                          index_view=HomeView(name=lazy_gettext("Home"), url="/admin"),
                          theme=Bootstrap4Theme(base_template="admin/growbase_base.html",
                                                swatch="default", fluid=True))
    admin.add_view(TodayView(name=lazy_gettext("My day"), endpoint="today", url="/admin/today"))
    admin.add_view(RecordsRouter())
    admin.add_view(GridView(name="Grid", endpoint="grid", url="/admin/grid"))
    automations = lazy_gettext("Automations")
    admin.add_view(ReportsView(name=lazy_gettext("Reports"), endpoint="reports",
                               url="/admin/reports"))
    admin.add_view(InboxView(name=lazy_gettext("Inbox"), endpoint="inbox"))
    admin.add_view(ProfileView(name=lazy_gettext("My settings"), endpoint="profile",
                               url="/admin/profile"))
    admin.add_view(RulesView(name=lazy_gettext("Rules"), endpoint="rules", category=automations))
    admin.add_view(OutboxView(name=lazy_gettext("Outbox"), endpoint="outbox",
                              category=automations))
    admin.add_view(RunLogView(name=lazy_gettext("Run log"), endpoint="runs", category=automations))
    administration = lazy_gettext("Administration")
    admin.add_view(UsersView(name=lazy_gettext("Users"), endpoint="users", url="/admin/users",
                             category=administration))
    admin.add_view(RightsView(name=lazy_gettext("Permissions"), endpoint="rights",
                              url="/admin/permissions", category=administration))
    admin.add_view(DesignerView(name=lazy_gettext("Designer"), endpoint="designer",
                                url="/admin/designer", category=administration))
    admin.add_view(AuditView(name=lazy_gettext("History"), endpoint="audit", url="/admin/audit",
                             category=administration))
    admin.add_view(DuplicatesView(name=lazy_gettext("Possible duplicates"), endpoint="duplicates",
                                  url="/admin/duplicates", category=administration))
    admin.add_view(DocumentsView(name=lazy_gettext("Documents"), endpoint="documents",
                                 url="/admin/documents", category=administration))
    admin.add_view(IntakeView(name=lazy_gettext("Intake"), endpoint="intake", url="/admin/intake",
                              category=administration))
    admin.add_view(QualityView(name=lazy_gettext("Data quality"), endpoint="quality",
                               url="/admin/quality", category=administration))
    admin.add_view(TransferView(name=lazy_gettext("Imports and exports"), endpoint="transfer",
                                url="/admin/transfer", category=administration))
    app.after_request(remember_view)
    app.extensions["growbase_not_here"] = admin.not_here  # (app.api_http_error shows it)
    app.jinja_env.globals["unread_count"] = unread_count
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["period_labels"] = period_labels
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["marked"] = marked
    app.jinja_env.filters["merged"] = lambda words, more: {**words, **(more or {})}
    app.jinja_env.globals.update(titles_of=titles_of, rule_name=rule_name, seconds=seconds,
                                 action_label=action_label, entity_label=entity_label,
                                 change_label=change_label, source_words=source_words,
                                 run_status=run_status, message_status=message_status,
                                 channel_words=channel_words, job_words=job_words,
                                 outcome_words=outcome_words, typed_params=typed_params)
    return admin
