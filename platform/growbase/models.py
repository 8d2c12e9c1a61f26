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


def index_kind(field):
    """'unique', 'index' or None: indexes follow what the definition filters and sorts on."""
    if field.get("unique"):
        return "unique"
    if field.type.indexed or field.get("index"):
        return "index"
    return None


def build_model(entity):
    attrs = {field.name: build_column(field) for field in entity.fields}
    attrs["Meta"] = type("Meta", (), {"table_name": entity.table_name})
    attrs["gb_entity"] = entity
    return type(f"E_{entity.name}", (RecordModel,), attrs)


def index_name(entity, field, kind):
    return f"{'ux' if kind == 'unique' else 'ix'}_{entity.name}_{field.id}"
