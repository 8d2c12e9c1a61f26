"""WTForms forms built from the definition (not from peewee columns), per request's data."""

from flask_wtf import FlaskForm
from wtforms import HiddenField


def build_form_class(entity, locale):
    """One form class per entity version and locale; every input comes from its field type."""
    attrs = {f.name: f.type.form_field(f, locale) for f in entity.visible_fields}
    attrs["gb_version"] = HiddenField()
    return type(f"{entity.name}_form", (FlaskForm,), attrs)


def form_data(entity, row, locale):
    """Values as the inputs show them; a new record shows the defaults."""
    data = {}
    for field in entity.visible_fields:
        value = getattr(row, field.name) if row is not None else (
            field.type.parse(field.get("default"), field) if field.get("default") is not None
            else None)
        data[field.name] = field.type.form_text(value, field, locale)
    data["gb_version"] = row.gb_version if row is not None else ""
    return data


def submitted(entity, form):
    """The form's values for the record service (visible, writable fields only)."""
    return {f.name: form[f.name].data for f in entity.visible_fields if not f.get("read_only")}


def show_errors(form, errors):
    """Put the record service's messages on the inputs they concern; return the rest."""
    rest = {}
    for name, message in errors.items():
        if name in form:
            form[name].errors = list(form[name].errors or []) + [message]
        else:
            rest[name] = message
    return rest
