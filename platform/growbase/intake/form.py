"""An intake's web form: the fields a visitor fills in, each the field of the record its
path feeds (its label, mask and type), the consent asked, and the payload their answers
make (dotted paths become nested JSON, the same the intake takes from a website)."""

from ..catalog import catalog
from ..i18n import gettext as _
from ..i18n import pick
from .spec import Intake

RATE = 10  # submissions per address ...
RATE_MINUTES = 10  # ... in this many minutes
HONEYPOT = "website_url"  # hidden from people; a robot fills it in


def fed(intake):
    """{path: (entity, field)} of the paths the intake's record and its links read."""
    found = {}
    entity = catalog().entity(intake.entity)
    for name, how in intake.fields.items():
        field = entity.by_name.get(name)
        if isinstance(how, str) and field is not None:
            found.setdefault(how, (entity, field))
        elif isinstance(how, dict) and "find" in how and field is not None:
            target = catalog().entity(field.type.refers_to(field))
            for sub, path in how["fields"].items():
                if isinstance(path, str) and sub in target.by_name:
                    found.setdefault(path, (target, target.by_name[sub]))
    return found


def form_fields(intake, locale):
    """[{"path", "label", "required", "kind", "mask"}] of the form's fields, in its order."""
    spec, known = intake.spec["form"], fed(intake)
    shown = []
    for path in spec["fields"]:
        _entity, field = known[path]
        attrs = field.type.input_attrs(field)
        shown.append({"path": path, "label": field.label(locale),
                      "required": path in spec.get("required", []) or field.required,
                      "long": field.type.name == "long_text", "mask": attrs.get("data-mask"),
                      "kind": {"phone": "tel", "email": "email"}.get(field.type.name, "text")})
    return shown


def form_problems(spec, intake_spec, path="$.form"):
    """A form may ask only what the intake reads: a path its record or a link takes."""
    known = fed(Intake(intake_spec))
    problems = [(f"{path}.fields[{i}]", _(
        "The intake does not read \"%(path)s\"; ask one of: %(paths)s.", path=p,
        paths=", ".join(sorted(known)))) for i, p in enumerate(spec["fields"]) if p not in known]
    problems += [(f"{path}.required[{i}]", _("\"%(path)s\" is not one of the form's fields.",
                                               path=p))
                 for i, p in enumerate(spec.get("required", [])) if p not in spec["fields"]]
    return problems


def payload_of(intake, form):
    """The JSON a website would have sent, from the visitor's answers (blanks left out)."""
    payload = {}
    for path in intake.spec["form"]["fields"]:
        value = form.get(path, "").strip()
        if not value:
            continue
        target, steps = payload, path.split(".")
        for step in steps[:-1]:
            target = target.setdefault(step, {})
        target[steps[-1]] = value
    if intake.spec["form"].get("consent"):
        payload["consent"] = form.get("consent") == "1"
    return payload


def missing(intake, form, locale):
    """{path: sentence} of what the visitor left out that the form asks for."""
    errors = {f["path"]: _("Fill this in.") for f in form_fields(intake, locale)
              if f["required"] and not form.get(f["path"], "").strip()}
    if intake.spec["form"].get("consent") and form.get("consent") != "1":
        errors["consent"] = _("Tick the box to agree; without it we cannot take the request.")
    return errors


def texts(intake, locale):
    spec = intake.spec["form"]
    return {"title": pick(spec.get("title"), locale, intake.name(locale)),
            "intro": pick(spec.get("intro"), locale, ""),
            "consent": pick(spec.get("consent"), locale, ""),
            "submit": pick(spec.get("submit"), locale, "") or _("Send"),
            "thanks": pick(spec.get("thanks"), locale, "") or
            _("Thank you! We will get back to you soon.")}
