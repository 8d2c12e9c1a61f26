"""Back-office pages over the system tables: inbox, outbox, run log, rules."""

from flask import abort, flash, redirect, request, session, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from werkzeug.security import check_password_hash

from .. import auth, config, twofactor
from ..catalog import catalog
from ..channels import kept, resend
from ..definitions import DefinitionError
from ..i18n import LANGUAGES
from ..i18n import gettext as _
from ..moments import zone_names
from ..queries import search_titles
from ..records import titles
from ..tables import AutomationRun, Notification, Outbox, User, utcnow
from .spoken import rule_words

PAGE = 100


def back():
    """Where the user came from, if that is a page of ours (never another site)."""
    came_from = request.referrer or ""
    return came_from if came_from.startswith(request.host_url) else url_for(".index")


def say_done(summary, left):
    """Flash what a take-back did, then (at most 20 of) the things it left as they were."""
    flash(summary, "success")
    for line in left[:20]:
        flash(line, "warning")


def newest_first(model, filters):
    """The newest rows of a log table, narrowed by the exact values asked in the URL."""
    query = model.select().order_by(model.id.desc())
    for param in filters:
        if request.args.get(param):
            query = query.where(getattr(model, param) == request.args[param])
    return query.limit(PAGE)


class OwnerView(BaseView):
    """A page only the owner sees: not in anyone else's menu, and 404 (not a hint) to them."""

    def is_accessible(self):
        return current_user.is_authenticated and current_user.is_owner

    def inaccessible_callback(self, name, **kwargs):
        abort(404)


def unread_count():
    if not current_user.is_authenticated:
        return 0
    return Notification.select().where((Notification.user == current_user.id) &
                                       Notification.read_at.is_null()).count()


class InboxView(BaseView):
    """What needs me: notifications from automations, newest first; open one to mark it read.
    Reached from the top bar, with its count (not from the menu too)."""

    def is_visible(self):
        return False

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


class ProfileView(BaseView):
    """The user's own settings: the address for mail, and whether the inbox goes there too."""

    def is_visible(self):
        return False

    @expose("/", methods=("GET", "POST"))
    def index(self):
        from email_validator import EmailNotValidError, validate_email
        if request.method == "GET":
            return self.page({"email": current_user.email, "full_name": current_user.full_name,
                              "wants": current_user.email_notifications,
                              "locale": current_user.locale, "time_zone": current_user.time_zone})
        form = request.form
        typed = {"email": form.get("email", "").strip(),
                 "wants": bool(form.get("email_notifications")),
                 "full_name": form.get("full_name", "").strip()[:200],
                 "locale": form.get("locale", current_user.locale),
                 "time_zone": form.get("time_zone", current_user.time_zone)}
        try:
            if typed["email"]:
                typed["email"] = validate_email(typed["email"],
                                                check_deliverability=False).normalized
        except EmailNotValidError as exc:
            return self.refused(typed, _("Email: %(reason)s", reason=str(exc)))
        if typed["wants"] and not typed["email"]:
            return self.refused(typed, _("Email: give an address to receive your messages there."))
        if typed["time_zone"] and typed["time_zone"] not in zone_names():
            return self.refused(typed, _("Time zone: there is no zone \"%(zone)s\"; pick one from "
                                         "the list.", zone=typed["time_zone"]))
        User.update(email=typed["email"], email_notifications=typed["wants"],
                    full_name=typed["full_name"], time_zone=typed["time_zone"],
                    locale=typed["locale"] if typed["locale"] in LANGUAGES else current_user.locale
                    ).where(User.id == current_user.id).execute()
        flash(_("Saved."), "success")
        return redirect(url_for(".index"))

    def refused(self, typed, why):
        """Nothing saved: the page again, with everything as it was typed, and why."""
        flash(why, "error")
        return self.page(typed)

    def page(self, typed):
        return self.render("admin/system/profile.html", typed=typed,
                           zones=zone_names(), business_zone=config.current().time_zone,
                           tokens=auth.tokens_seen_by(current_user),
                           intakes=catalog().intakes() if current_user.is_owner else [],
                           **self.second_factor())

    @expose("/password", methods=("POST",))
    def password(self):
        """A new password of one's own: every other session ends, this one goes on."""
        if not check_password_hash(current_user.password_hash, request.form.get("current", "")):
            flash(_("Your current password is not that; nothing was changed."), "error")
            return redirect(url_for(".index"))
        try:
            auth.set_password(current_user, request.form.get("new", ""))
        except auth.AccountError as exc:
            flash(str(exc), "error")
            return redirect(url_for(".index"))
        session["gb_sv"] = User.get_by_id(current_user.id).session_version
        flash(_("Password changed; you were logged out everywhere else."), "success")
        return redirect(url_for(".index"))

    @expose("/tokens", methods=("POST",))
    def token_create(self):
        """A token for a program (the shop's site, a script), shown once."""
        name = request.form.get("name", "").strip()[:80]
        intake = request.form.get("intake") or None
        if not name:
            flash(_("Name the token after the program that will use it, like \"website\"."),
                  "error")
        elif intake and (not current_user.is_owner or catalog().intake(intake) is None):
            flash(_("Only the owner makes tokens for an intake, and only for one that exists."),
                  "error")
        else:
            flash(_("Token \"%(name)s\": %(token)s — copy it now, it is not shown again. "
                    "Send it as Authorization: Bearer <token>.", name=name,
                    token=auth.create_token(current_user, name, intake)), "success")
        return redirect(url_for(".index"))

    @expose("/tokens/<int:token_id>/revoke", methods=("POST",))
    def token_revoke(self, token_id):
        if auth.revoke_token(token_id, current_user):
            flash(_("The token was revoked: programs using it are refused from now on."),
                  "success")
        else:
            flash(_("There is no such token of yours."), "error")
        return redirect(url_for(".index"))

    def second_factor(self):
        """For the owner: whether a code is asked at login, or the secret being set up."""
        setup = session.get("gb_totp_setup") if current_user.is_owner else None
        return {"owner": current_user.is_owner, "totp_on": bool(current_user.totp_secret),
                "setup": setup, "setup_uri": twofactor.setup_uri(current_user, setup)
                if setup else None}

    @expose("/2fa/start", methods=("POST",))
    def totp_start(self):
        if current_user.is_owner:
            session["gb_totp_setup"] = twofactor.new_secret()
        return redirect(url_for(".index"))

    @expose("/2fa/confirm", methods=("POST",))
    def totp_confirm(self):
        secret = session.get("gb_totp_setup")
        if current_user.is_owner and secret and twofactor.turn_on(
                current_user, secret, request.form.get("code")):
            session.pop("gb_totp_setup", None)
            flash(_("From now on, logging in also asks for the code from your app."), "success")
        else:
            flash(_("That code is not right; type the one your app shows now."), "error")
        return redirect(url_for(".index"))

    @expose("/2fa/off", methods=("POST",))
    def totp_off(self):
        if twofactor.turn_off(current_user, request.form.get("code")):
            flash(_("Logging in asks for the password only again."), "success")
        else:
            flash(_("That code is not right; type the one your app shows now."), "error")
        return redirect(url_for(".index"))


class OutboxView(OwnerView):
    """Messages the automations produced and where each is on its way out."""

    @expose("/")
    def index(self):
        return self.render("admin/system/outbox.html",
                           messages=newest_first(Outbox, ("channel", "status")), kept=kept())

    @expose("/resend/<int:message_id>", methods=("POST",))
    def resend(self, message_id):
        if resend(message_id):
            flash(_("The message is on its way (or kept in the outbox, where no gateway is "
                    "set up)."), "success")
        else:
            flash(_("Only a failed or held message, or one whose sending is unknown, can be "
                    "sent (again)."), "error")
        return redirect(back())


class RunLogView(OwnerView):
    """Every rule an event fired: outcome, error, attempts, and what each action did."""

    @expose("/")
    def index(self):
        from ..automation.runlog import with_actions
        return self.render("admin/system/runs.html",
                           runs=with_actions(newest_first(AutomationRun, ("rule", "status"))),
                           rules=[r.key for r in catalog().rules()],
                           statuses=("done", "failed", "skipped", "running"))

    @expose("/rerun/<int:run_id>", methods=("POST",))
    def rerun(self, run_id):
        from ..automation.engine import rerun
        if rerun(run_id) is None:
            flash(_("Only a failed run can be run again."), "error")
        else:
            flash(_("The run is queued again; refresh in a moment to see how it went."), "success")
        return redirect(back())


def tried_on(rule, args):
    """The record a rule is tested on: found by its title or number as typed ("ORD-00005",
    "Ivanov"), or by record_id (the form's earlier name)."""
    if args.get("record_id", "").isdigit():
        return int(args["record_id"])
    text = args.get("record", "").strip()
    found = search_titles(catalog().entity(rule.entity), text, limit=1) if text else []
    return found[0][0] if found else None


class RulesView(OwnerView):
    """The automation rules: what each does, on or off, and "test on this record"."""

    @expose("/")
    def index(self):
        from ..automation.preview import preview
        from ..records import NotFound
        rules = catalog().rules()
        tested, key, title = None, request.args.get("test"), None
        rule = catalog().rule(key) if key else None
        record_id = tried_on(rule, request.args) if rule else None
        if record_id is not None:
            try:
                tested = preview(rule, record_id)
                title = titles(catalog().entity(rule.entity), [record_id]).get(record_id)
            except NotFound as exc:
                flash(str(exc), "error")
        elif rule:
            flash(_("No record found by \"%(text)s\": type its number or a word of its title.",
                    text=request.args.get("record", "")), "error")
        return self.render("admin/system/rules.html", rules=rules, tested=tested, title=title,
                           words={r.key: rule_words(r) for r in rules})

    @expose("/toggle/<key>", methods=("POST",))
    def toggle(self, key):
        from ..automation.rules import apply_rules
        rule = catalog().rule(key)
        if rule is None:
            flash(_("There is no rule \"%(key)s\".", key=key), "error")
            return redirect(url_for(".index"))
        try:
            apply_rules([dict(rule.spec, enabled=not rule.enabled)],
                        author=current_user.username,
                        note="turned " + ("off" if rule.enabled else "on") + " in the UI")
        except DefinitionError as exc:  # turned off by a definition change: fix it first
            flash(_("The rule cannot be turned on as it is: %(problems)s. Open it in the "
                    "designer to fix it.", problems="; ".join(t for _p, t in exc.problems)),
                  "error")
        return redirect(url_for(".index"))
