"""A caller's JSON made into records: the links found by their keys (or created), the
record, its lines. Everything goes through the record service inside the caller's
transaction; a value that cannot be taken is refused naming its path in the caller's JSON,
unless the field may stay empty: then the record is made without it and a warning says so
(a website's "phone: 123" does not lose the order)."""

from peewee import IntegrityError

from ..automation.templates import TemplateProblem, names_in, render
from ..catalog import catalog
from ..db import database, fetch_where, lower
from ..duplicates.shown import warned
from ..fields import FieldError
from ..i18n import gettext as _
from ..records import BatchValidationFailed, ValidationFailed
from ..records.values import values_of
from .spec import read


class Refused(Exception):
    """The payload cannot be taken: [(path, sentence)]."""

    def __init__(self, problems):
        super().__init__("; ".join(f"{path}: {text}" for path, text in problems))
        self.problems = problems


def mapped(fields, item, prefix):
    """({field: raw value}, {field: path it came from, None for a constant}, {field: how a
    link is found}) of one record's mapping over `item`."""
    data, paths, finds = {}, {}, {}
    for name, how in fields.items():
        if isinstance(how, str):
            data[name], paths[name] = read(item, how), prefix + how
        elif "value" in how:
            data[name], paths[name] = how["value"], None
        elif "template" in how:
            data[name], paths[name] = written(how["template"], item, prefix + name), None
        else:
            finds[name] = how
    return {n: v for n, v in data.items() if v is not None and v != ""}, paths, finds


def written(template, item, where):
    """A text made of the caller's values ({{ duration }}, {{ customer.name }}), sandboxed
    like message templates."""
    try:
        given = {k: v for k, v in item.items() if str(k).isidentifier()}
        return render(template, **dict(dict.fromkeys(names_in(template)), **given))
    except TemplateProblem as exc:
        raise Refused([(where, str(exc))]) from None


class Builder:
    def __init__(self, intake, service, strict=False):
        """`strict`: a value a field refuses is refused, never left out (a person at a web
        form fixes what they typed; a website's order is not lost over a bad phone)."""
        self.intake, self.service, self.strict = intake, service, strict
        self.warnings = []  # [(path, sentence)]
        self.links = {}  # {field: {"id": ..., "created": bool}} of the main record

    def build(self, payload):
        if not isinstance(payload, dict):
            raise Refused([("$", _("Send a JSON object, like {\"customer\": {...}, \"items\": [...]}."))])
        entity = catalog().entity(self.intake.entity)
        made = self.create(entity, *self.values(entity, self.intake.fields, payload, "", top=True))
        lines = 0
        with self.service.rollups_at_end():
            for spec in self.intake.lines:
                lines += self.lines(spec, payload, made.id)
        return entity, made, lines

    def values(self, entity, fields, item, prefix, top=False):
        """(data, paths) of one record, its links found or made."""
        data, paths, finds = mapped(fields, item, prefix)
        for name, how in finds.items():
            found = self.link(entity.by_name[name], how, item, prefix)
            if found is not None:
                data[name] = found["id"]
                if top:
                    self.links[name] = found
        return data, paths

    def lines(self, spec, payload, parent_id):
        items = read(payload, spec.array)
        if items is None:
            return 0
        if not isinstance(items, list):
            raise Refused([(spec.array, _("Send the items as a list: [{...}, {...}]."))])
        entity = catalog().entity(spec.entity)
        fields = dict(spec.fields, **{spec.link: {"value": parent_id}})
        rows = []
        for index, item in enumerate(items):
            where = f"{spec.array}[{index}]."
            if not isinstance(item, dict):
                raise Refused([(where[:-1], _("Each item is an object, like {\"sku\": \"A-1\", "
                                              "\"quantity\": 2}."))])
            rows.append((self.values(entity, fields, item, where), where))
        try:  # all in one go; one by one only to say which value of which item is wrong
            self.service.create_many(entity.name, [data for (data, _paths), _where in rows])
        except BatchValidationFailed:
            for data, paths in (values for values, _where in rows):
                self.create(entity, data, paths)
        return len(items)

    def link(self, field, how, item, prefix):
        """{"id", "created"} of the record a link points to: the first found by a key (a
        phone as E.164 and an email in any case match however the caller wrote them), else
        a new one (unless "create": false)."""
        target = catalog().entity(field.type.refers_to(field))
        data, paths, _finds = mapped(how["fields"], item, prefix)
        found = self.find(target, how["find"], data)
        if found is not None:
            return {"id": found, "created": False}
        if not data:
            return None  # nothing to find it by nor to make it of: the link stays empty
        if not how.get("create", True):
            key = next((k for k in how["find"] if k in data), how["find"][0])
            raise Refused([(paths.get(key) or f"{prefix}{field.name}", _(
                "No %(entity)s has %(field)s \"%(value)s\". Add it, or correct what is sent; "
                "then replay this entry from the intake log.", entity=target.label(),
                field=target.by_name[key].label(), value=data.get(key, "")))])
        try:
            with database.atomic():
                made = self.create(target, data, paths)
        except (IntegrityError, Refused):
            found = self.find(target, how["find"], data)  # made meanwhile by a twin request
            if found is None:
                raise
            return {"id": found, "created": False}
        return {"id": made.id, "created": True}

    @staticmethod
    def find(entity, keys, data):
        model = entity.model
        for key in keys:
            field = entity.by_name[key]
            try:
                value = field.type.parse(data[key], field, "en") if key in data else None
            except FieldError:
                continue
            if value is None or value == "":
                continue
            row = fetch_where(model, **{key: value})
            if row is None and field.type.name == "email":  # Ann@x.ru is ann@x.ru
                row = model.select(model.id).where(lower(getattr(model, key)) ==
                                                   value.lower()).order_by(model.id).first()
            if row is not None:
                return row.id
        return None

    @staticmethod
    def noticed(entity, made):
        """A record that looks like one there is goes to the merge queue (the caller, a
        website, is not told about other customers)."""
        warned(entity, made.id, values_of(entity, made))
        return made

    def create(self, entity, data, paths):
        """Create through the record service; values from the caller that a field refuses
        are left out when the field may stay empty (a warning), else the whole is refused."""
        try:
            return self.noticed(entity, self.service.create(entity.name, data))
        except ValidationFailed as exc:
            errors = exc.errors
        loose = {name for name in errors if paths.get(name) and name in entity.by_name
                 and not entity.by_name[name].required and not self.strict}
        if set(errors) - loose:
            raise Refused([(paths.get(name) or f"$.fields.{name}", text)
                           for name, text in errors.items()]) from None
        self.warnings += [warning for warning in (
            (paths[name], _("%(text)s It was left empty.", text=errors[name]))
            for name in sorted(loose)) if warning not in self.warnings]
        try:
            return self.noticed(entity, self.service.create(
                entity.name, {n: v for n, v in data.items() if n not in loose}))
        except ValidationFailed as exc:
            raise Refused([(paths.get(name) or f"$.fields.{name}", text)
                           for name, text in exc.errors.items()]) from None
