"""Flask-Admin filters that produce condition-tree nodes, compiled by the shared compiler."""

from flask_admin.model.filters import BaseFilter

from ..i18n import gettext as _

ADMIN_OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "contains", "not_contains",
                   "starts_with", "is_empty")


def operation_label(op):
    return {"eq": _("equals"), "ne": _("not equal"), "gt": _("greater than"),
            "gte": _("at least"), "lt": _("smaller than"), "lte": _("at most"),
            "contains": _("contains"), "not_contains": _("does not contain"),
            "starts_with": _("starts with"), "is_empty": _("is empty")}[op]


class ConditionFilter(BaseFilter):
    def __init__(self, field, op, locale):
        options = field.type.filter_options(field, locale) if op in ("eq", "ne") else None
        if op == "is_empty":
            options = [("1", _("Yes")), ("0", _("No"))]
        super().__init__(field.label(locale), options=options,
                         data_type=field.type.filter_widget if op not in ("is_empty",) else None)
        self.field = field
        self.op = op

    def operation(self):
        return operation_label(self.op)

    def node(self, value):
        """The condition this filter stands for with the typed value."""
        if self.op == "is_empty":
            return {"field": self.field.name, "is_empty": value in ("1", "true", "yes")}
        return {"field": self.field.name, self.op: value}


def filters_for(field, locale):
    return [ConditionFilter(field, op, locale) for op in field.type.operators
            if op in ADMIN_OPERATORS]
