"""What a door sent, turned into typed values field by field, within the actor's rights."""

from datetime import date, datetime
from decimal import Decimal

from ..fields import FieldError
from ..i18n import gettext as _
from .errors import ValidationFailed
from .values import read_late

MEMO_TYPES = {str, int, float, Decimal, date, datetime}  # cells whose parse can be remembered


def parse_version(version):
    """The version a client read a record at (3, '3', an ETag 'W/"3"'), or None."""
    if version is None or version == "":
        return None
    try:
        return int(str(version).strip('"W/ '))
    except ValueError:
        raise ValidationFailed({"_version": _(
            "The version must be the whole number the record was read with.")}) from None


class Parser:
    """Parses one write's records. With a memo (a batch), a cell's parse and a field's
    default are worked out once: an import repeats its statuses, dates, links and amounts
    thousands of times, and "me" as a default asks the database."""

    def __init__(self, actor, rights, locale, memo=None):
        self.actor, self.rights, self.locale, self.memo = actor, rights, locale, memo

    def parse(self, entity, data, current):
        """({name: value}, {name: message}) for the fields `data` names."""
        values, errors = {}, {}
        if not isinstance(data, dict):
            raise ValidationFailed({"_record": _("Send the record as an object {\"field\": value}.")})
        rights, trusted = self.rights, self.actor.trusted
        fields, hidden = entity.active_by_name, rights.hidden
        current = current or {}
        late = read_late(entity)  # a field read by others (a phone by the country): after them
        items = [i for i in data.items() if i[0] not in late] + \
            [i for i in data.items() if i[0] in late] if late else data.items()
        for name, raw in items:
            field = fields.get(name)
            if field is None or name in hidden:
                if name != "id" and not name.startswith("_"):
                    errors[name] = _("There is no field \"%(name)s\" in %(entity)s.",
                                     name=name, entity=entity.label())
                continue
            if field.automatic:
                errors[name] = (_("%(label)s is worked out from its formula and cannot be "
                                  "written; leave it out.", label=field.label(self.locale))
                                if field.kind.formula else
                                _("%(label)s is added up from the records that link here and "
                                  "cannot be written; change those records.",
                                  label=field.label(self.locale)) if field.computed else
                                _("%(label)s is given by growbase when the record is created "
                                  "and cannot be written; leave it out.",
                                  label=field.label(self.locale)))
                continue
            context = {other: values.get(other, current.get(other))
                       for other in field.type.context_fields(field)} if name in late else None
            try:
                value = self.value(field, raw, context)
            except FieldError as exc:
                errors[name] = str(exc)
                continue
            if not trusted and value != current.get(name):
                refused = self.refusal(field, value)
                if refused:
                    errors[name] = refused
                    continue
            values[name] = value
        return values, errors

    def with_defaults(self, entity, values):
        """A new record's values, its fields' defaults filled in where `values` is silent."""
        for field, _default in entity.defaults:
            if field.name not in values:
                values[field.name] = self.default(field)
        return values

    def default(self, field):
        if self.memo is None:
            return field.type.default_value(field, self.actor.user_id)
        key = ("default", field)
        if key not in self.memo:
            self.memo[key] = field.type.default_value(field, self.actor.user_id)
        return self.memo[key]

    def value(self, field, raw, context=None):
        memo = self.memo
        if memo is None or type(raw) not in MEMO_TYPES or field.type.holds_list:
            return field.type.parse(raw, field, self.locale, context)
        key = (field, type(raw), raw, tuple(sorted(context.items())) if context else ())
        found = memo.get(key)
        if found is None:
            try:
                found = memo[key] = (True, field.type.parse(raw, field, self.locale, context))
            except FieldError as exc:
                found = memo[key] = (False, str(exc))
        if not found[0]:
            raise FieldError(found[1])
        return found[1]

    def refusal(self, field, value):
        """Why this (untrusted) actor may not give the field this value (None: it may)."""
        if field.read_only or field.name in self.rights.read_only:
            return _("This field is read-only.")
        allowed = self.rights.only.get(field.name)
        if allowed is not None and field.type.to_json(value, field) not in allowed:
            shown = (field.type.display(field.type.parse(v, field), field, self.locale)
                     for v in allowed)
            return _("Your role may set this only to: %(values)s.", values=", ".join(shown))
        return None
