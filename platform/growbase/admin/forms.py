"""WTForms forms built from the definition (not from peewee columns), per request's data.

`fields` are those the user's role may see; `locked` the names it may see but not change."""

from flask_admin.form import rules
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField


def build_form_class(entity, locale, fields, locked=frozenset()):
    """One form class per entity version, locale and role; every input from its field type."""
    attrs = {}
    for field in fields:
        unbound = field.type.form_field(field, locale)
        if field.name in locked:
            unbound.kwargs["render_kw"] = dict(unbound.kwargs.get("render_kw") or {},
                                               readonly=True)
        attrs[field.name] = unbound
    attrs["gb_version"] = HiddenField()
    return type(f"{entity.name}_form", (FlaskForm,), attrs)


def form_layout(entity, locale, fields):
    """Flask-Admin form rules for the definition's sections and columns (its `layout`)."""
    shown, out = {f.name for f in fields}, []
    for title, columns, section in entity.sections(locale):
        names = [f.name for f in section if f.name in shown]
        if names:
            legend = Markup("<legend>{}</legend>").format(title) if title else ""
            out.append(rules.HTML(Markup('<fieldset class="gb-section gb-cols-{}">{}').format(
                columns, legend)))
            out += names
            out.append(rules.HTML("</fieldset>"))
    return out + ["gb_version", "csrf_token"]


def form_data(entity, row, locale, fields, user_id=None):
    """Values as the inputs show them; a new record shows the defaults (`user_id`'s)."""
    data = {}
    for field in fields:
        value = getattr(row, field.name) if row is not None else (
            field.type.default_value(field, user_id) if field.get("default") is not None
            else None)
        data[field.name] = field.type.form_text(value, field, locale)
    data["gb_version"] = row.gb_version if row is not None else ""
    return data


def submitted(form, fields, locked=frozenset()):
    """The form's values for the record service (the fields the user may change only)."""
    return {f.name: form[f.name].data for f in fields
            if not f.read_only and f.name not in locked}


def show_errors(form, errors):
    """Put the record service's messages on the inputs they concern; return the rest."""
    rest = {}
    for name, message in errors.items():
        if name in form:
            form[name].errors = list(form[name].errors or []) + [message]
        else:
            rest[name] = message
    return rest
