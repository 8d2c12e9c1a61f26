"""Build peewee models from entity definitions at runtime.

Columns are named by stable field ids, attributes by field names: renaming a field
never touches the table. Models are cached by the catalog per definition version.
"""

from peewee import AutoField, DateTimeField, IntegerField, Model

from .db import database
from .tables import utcnow


class RecordModel(Model):
    id = AutoField()
    gb_version = IntegerField(column_name="_version", default=1)
    gb_created_at = DateTimeField(column_name="_created_at", default=utcnow, index=True)
    gb_updated_at = DateTimeField(column_name="_updated_at", default=utcnow)
    gb_created_by = IntegerField(column_name="_created_by", null=True)
    gb_updated_by = IntegerField(column_name="_updated_by", null=True)

    class Meta:
        database = database


def build_column(field):
    """The peewee field for one entity field: its type's column, named by the field's id."""
    column = field.type.column(field)
    column.column_name = field.column
    return column


def index_specs(entity):
    """{index name: (columns, unique, partial)} that the definition's filters and sorts call for.

    Each sort the entity declares gets an index, and so does each pairing of a filter
    key (status, choice, link, ...) with it: "orders with status X, newest first" then
    reads 50 index entries instead of sorting every order with that status. Filter
    indexes skip empty values (`partial`): `status = 'new'` implies non-empty on both
    back ends, and a field added to a million rows is indexed in one pass with nothing
    to write.
    """
    specs = {}
    fields = [f for f in entity.fields if not f.retired]
    sorts = entity.sort_fields
    keys = [f for f in fields if f.type.filter_key]
    for field in fields:
        covered = field in sorts or (sorts and field in keys)  # a composite below leads with it
        if field.unique:
            specs[f"ux_{entity.name}_{field.id}"] = ((field.column,), True, True)
        elif (field.type.indexed or field.get("index") or field.computed) and not covered:
            specs[f"ix_{entity.name}_{field.id}"] = ((field.column,), False, True)
    for sort in sorts:
        specs[f"is_{entity.name}_{sort.id}"] = ((sort.column, "id"), False, False)
        for key in (k for k in keys if k is not sort):
            specs[f"ix_{entity.name}_{key.id}_{sort.id}"] = (
                (key.column, sort.column, "id"), False, True)
    return specs


def build_model(entity):
    attrs = {field.name: build_column(field) for field in entity.fields}
    attrs["Meta"] = type("Meta", (), {"table_name": entity.table_name})
    attrs["gb_entity"] = entity
    return type(f"E_{entity.name}", (RecordModel,), attrs)
