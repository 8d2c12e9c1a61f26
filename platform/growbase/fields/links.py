"""References: link (to a record of another entity) and user (an account)."""

from flask_admin.model.ajax import AjaxModelLoader
from flask_admin.model.fields import AjaxSelectField
from peewee import BigIntegerField

from ..acting import acting_user_id
from ..db import MAX_ID, existing_values, lower, row_exists
from ..i18n import gettext as _
from ..tables import OWNER, User
from .base import FieldError, FieldType, register

LINK_OPERATORS = ("eq", "ne", "in", "not_in", "is_empty")


def unseen():
    """What a link shows for a record the reader may not see, or one deleted: not its
    internal number, which says nothing to a person."""
    return _("(not available)")


class Reference(FieldType):
    operators = LINK_OPERATORS
    indexed = True
    filter_key = True
    editor, shown_as = "lookup", "title"

    def column(self, field):
        # WARNING: no database foreign key. SQLite rebuilds on ALTER would null
        # children, and retired entities keep their rows; the record service checks links.
        return BigIntegerField(null=True)

    def parse_value(self, raw, field, locale):
        if isinstance(raw, dict) and "id" in raw:
            raw = raw["id"]
        if isinstance(raw, tuple):  # (id, title) from the form's record picker
            raw = raw[0]
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, str) and raw.strip().lstrip("#").isdigit():
            raw = int(raw.strip().lstrip("#"))
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw <= MAX_ID:
            return raw
        raise FieldError(_("Pick a record from the list (or give its number)."))

    def to_json(self, value, field):
        return value

    def display(self, value, field, locale="en"):
        if value is None:
            return ""
        return self.titles(field, [value]).get(value) or unseen()

    def form_text(self, value, field, locale="en"):
        return "" if value is None else str(value)

    references = True

    def form_field(self, field, locale):
        """A searching picker: the browser asks the view's ajax lookup as the user types."""
        return AjaxSelectField(ReferenceLoader(field), field.label(locale), allow_blank=True,
                               description=field.help_html(locale),
                               render_kw=self.input_attrs(field))

    def lookup(self, field, text, offset=0, limit=10):
        """[(id, title)] of records this field may point at, matching `text`, newest first."""
        raise NotImplementedError

    def filter_options(self, field, locale):
        return self.lookup(field, "", 0, 500)


class ReferenceLoader(AjaxModelLoader):
    """Flask-Admin's record picker over a reference field; items are (id, title)."""

    def __init__(self, field):
        super().__init__(field.name, {"minimum_input_length": 0, "placeholder": "—"})
        self.field = field

    def format(self, item):
        if item in (None, ""):
            return None
        return item if isinstance(item, tuple) else self.get_one(item)

    def get_one(self, pk):
        try:
            record_id = self.field.type.parse(pk, self.field)
        except FieldError:
            return None
        title = self.field.type.titles(self.field, [record_id]).get(record_id)
        return (record_id, title) if title is not None else None

    def get_list(self, query, offset=0, limit=10):
        return self.field.type.lookup(self.field, query or "", offset or 0, limit)


class Resolver:
    """How a link reaches the records it points at, given by the layers that hold them
    (catalog: an entity by name; records: titles; queries: a search as [(id, title)]), so
    a field type never imports the layers built on top of it."""
    entity = titles = search = None

    def provide(self, **parts):
        for name, part in parts.items():
            setattr(self, name, part)


resolver = Resolver()


@register
class Link(Reference):
    name = "link"
    options_schema = {"to": {"type": "string"}, "part_of": {"type": "boolean"}}
    links_entity = True
    needs = ("to",)

    def target(self, field):
        return resolver.entity(field.get("to"))

    def titles(self, field, ids, depth=0):
        return resolver.titles(self.target(field), ids, depth)

    def refers_to(self, field):
        return field.get("to")

    def hint(self, field, locale="en"):
        return _("number (#12), name or a unique field of %(entity)s",
                 entity=self.target(field).label(locale))

    def verify(self, value, field):
        return [] if row_exists(self.target(field).model, "id", value) else self.missing(value, field)

    def verify_many(self, values, field):
        found = existing_values(self.target(field).model, "id", values)
        return {value: [] if value in found else self.missing(value, field) for value in values}

    def missing(self, value, field):
        return [_("There is no %(entity)s #%(id)s; pick an existing one.",
                  entity=self.target(field).label(), id=value)]

    def lookup(self, field, text, offset=0, limit=10):
        return resolver.search(self.target(field), text, offset, limit)


@register
class UserRef(Reference):
    name = "user"
    holds_users = True
    options_schema = {"role": {"type": "string"}}

    def _users(self, field):
        query = User.select().where(User.active == True)  # noqa: E712 (peewee expression)
        if field.get("role"):
            query = query.where(User.role.in_([field.get("role"), OWNER]))
        return query

    def hint(self, field, locale="en"):
        return _("login")

    def titles(self, field, ids, depth=0):
        ids = list(ids)
        return {u.id: u.display_name for u in User.select().where(User.id.in_(ids))} if ids else {}

    def verify(self, value, field):
        if not self._users(field).where(self._users(field).model.id == value).exists():
            return [_("No active user #%(id)s with role %(role)s.", id=value,
                      role=field.get("role") or "-")]
        return []

    def default_value(self, field, user_id=None):
        """"default": "me": whoever creates the record, if they have the field's role (the
        owner creating an order leaves its manager field empty for a manager to take)."""
        if field.get("default") != "me":
            return super().default_value(field, user_id)
        users = User.select().where((User.id == user_id) & (User.active == True))  # noqa: E712
        if field.get("role"):
            users = users.where(User.role == field.get("role"))
        return user_id if user_id and users.exists() else None

    def condition_arg(self, op, raw, field):
        """{"me": true} is whoever is acting: "my orders" in a permission or a view."""
        if isinstance(raw, dict) and raw.get("me"):
            return acting_user_id() or 0
        return super().condition_arg(op, raw, field)

    def lookup(self, field, text, offset=0, limit=10):
        query = self._users(field)
        if text:
            needle = text.lower()
            query = query.where(lower(User.username).contains(needle) |
                                lower(User.full_name).contains(needle))
        return [(u.id, u.display_name) for u in query.order_by(User.full_name, User.username)
                .offset(offset).limit(limit)]

    def parse_value(self, raw, field, locale):
        """A user by number, login or full name (as exports show them)."""
        if isinstance(raw, str) and not raw.strip().lstrip("#").isdigit():
            text = raw.strip()
            users = list(User.select().where(User.username == text)) or list(
                User.select().where(lower(User.full_name) == text.lower()))
            if len(users) != 1:
                raise FieldError(_("No user called %(name)s.", name=raw) if not users else _(
                    "%(n)s users are called %(name)s; write the login instead.",
                    n=len(users), name=raw))
            return users[0].id
        return super().parse_value(raw, field, locale)
