"""Flask-Admin filters that produce condition-tree nodes, compiled by the shared compiler."""

from flask_admin.model.filters import BaseFilter

from ..i18n import gettext as _

ADMIN_OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "contains", "not_contains",
                   "starts_with", "is_empty", "within")
ME = "me"  # a person filter's choice for whoever looks


def operation_label(op):
    return {"eq": _("equals"), "ne": _("not equal"), "gt": _("greater than"),
            "gte": _("at least"), "lt": _("smaller than"), "lte": _("at most"),
            "contains": _("contains"), "not_contains": _("does not contain"),
            "starts_with": _("starts with"), "is_empty": _("is empty"), "within": _("within")}[op]


def period_labels(everything=None):
    """The periods a date filter offers ({"within": key}), in the user's language: the
    list's filters, the grid's and the board's chips, the report builder."""
    return {**({"": everything} if everything else {}),
            "today": _("today"), "yesterday": _("yesterday"), "tomorrow": _("tomorrow"),
            "this_week": _("this week"), "last_week": _("last week"), "next_week": _("next week"),
            "this_month": _("this month"), "last_month": _("last month"),
            "next_month": _("next month"), "this_quarter": _("this quarter"),
            "this_year": _("this year"), "last_7_days": _("the last 7 days"),
            "last_30_days": _("the last 30 days"), "next_7_days": _("the next 7 days"),
            "next_30_days": _("the next 30 days")}


class ConditionFilter(BaseFilter):
    def __init__(self, field, op, locale):
        options = field.type.filter_options(field, locale) if op in ("eq", "ne") else None
        if op in ("eq", "ne") and field.type.holds_users:
            options = [(ME, _("me"))] + list(options or [])
        if op == "is_empty":
            options = [("1", _("Yes")), ("0", _("No"))]
        if op == "within":
            options = list(period_labels().items())
        super().__init__(field.label(locale), options=options,
                         data_type=None if op in ("is_empty", "within") else
                         field.type.filter_widget)
        self.field = field
        self.op = op

    def operation(self):
        return operation_label(self.op)

    def node(self, value):
        """The condition this filter stands for with the typed value."""
        if self.op == "is_empty":
            return {"field": self.field.name, "is_empty": value in ("1", "true", "yes")}
        if value == ME and self.field.type.holds_users:
            return {"field": self.field.name, self.op: {"me": True}}
        return {"field": self.field.name, self.op: value}


def filters_for(field, locale):
    return [ConditionFilter(field, op, locale) for op in field.type.operators
            if op in ADMIN_OPERATORS]
