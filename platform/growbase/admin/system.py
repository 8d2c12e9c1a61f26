"""Back-office pages over the system tables: the user's inbox, the outbox, the run log."""

from flask import flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from ..i18n import gettext as _
from ..tables import ActionRun, AutomationRun, Notification, Outbox, utcnow

PAGE = 100


def unread_count():
    if not current_user.is_authenticated:
        return 0
    return Notification.select().where((Notification.user == current_user.id) &
                                       Notification.read_at.is_null()).count()


class InboxView(BaseView):
    """What needs me: notifications from automations, newest first; open one to mark it read."""

    @expose("/")
    def index(self):
        notes = (Notification.select().where(Notification.user == current_user.id)
                 .order_by(Notification.id.desc()).limit(PAGE))
        return self.render("admin/system/inbox.html", notes=notes)

    @expose("/read/<int:note_id>", methods=("POST",))
    def read(self, note_id):
        note = Notification.get_or_none((Notification.id == note_id) &
                                        (Notification.user == current_user.id))
        if note is None:
            flash(_("That message is not in your inbox."), "error")
            return redirect(url_for(".index"))
        Notification.update(read_at=utcnow()).where(Notification.id == note.id).execute()
        if note.entity and note.record_id:
            return redirect(url_for("records.details_view", entity=note.entity, id=note.record_id))
        return redirect(url_for(".index"))


class OutboxView(BaseView):
    """Messages the automations produced; with the embedded adapter nothing leaves the machine."""

    @expose("/")
    def index(self):
        query = Outbox.select().order_by(Outbox.id.desc())
        if request.args.get("channel"):
            query = query.where(Outbox.channel == request.args["channel"])
        return self.render("admin/system/outbox.html", messages=query.limit(PAGE))


class RunLogView(BaseView):
    """Every rule an event fired: outcome, error, attempts, and what each action did."""

    @expose("/")
    def index(self):
        query = AutomationRun.select().order_by(AutomationRun.id.desc())
        for param in ("rule", "status"):
            if request.args.get(param):
                query = query.where(getattr(AutomationRun, param) == request.args[param])
        runs = list(query.limit(PAGE))
        actions = {}
        for action in ActionRun.select().where(ActionRun.run.in_([r.id for r in runs])):
            actions.setdefault(action.run_id, []).append(action)
        return self.render("admin/system/runs.html", runs=runs, actions=actions)
