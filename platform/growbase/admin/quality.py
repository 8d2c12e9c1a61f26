"""The Data quality page: the score, the problems by criticality and their trend, each
check's worklist a click from its grid, and each person's own (static/quality.js draws it
from GET /api/quality and again every 15 s, so a fix shows while the page is open)."""

from flask import request
from flask_admin import BaseView, expose
from flask_login import current_user

from ..i18n import current_locale


class QualityView(BaseView):
    @expose("/")
    def index(self):
        return self.render("admin/quality/index.html", page={
            "locale": current_locale(), "owner": current_user.is_owner,
            "mine": request.args.get("mine") == "1"})
