"""Message text from sandboxed Jinja over the record, its links and the change.

The sandbox refuses attribute tricks (`__class__`, `mro` ...): owners' templates are
data, never code. An empty field printed into a text ("трек ." for a missing tracking
number) is noticed (holes()), so such a message is held instead of sent.
"""

import contextvars
from contextlib import contextmanager
from functools import lru_cache

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment

from ..catalog import catalog
from ..config import ROOT
from ..db import fetch
from ..errors import GrowbaseError
from ..i18n import gettext as _
from ..records import titles, values_of

# Texts may {% include "file" %} from templates/messages/; HTML email escapes record values.
MESSAGES = ROOT / "templates" / "messages"
_loader = FileSystemLoader(str(MESSAGES))
_printed_blanks = contextvars.ContextVar("gb_printed_blanks", default=None)


class Blank(str):
    """An empty field as a template sees it: prints as nothing, tests false in {% if %},
    and is noticed when printed."""

    def __new__(cls, label):
        made = super().__new__(cls, "")
        made.label = label
        return made


def _noticed(value):
    """Jinja's finalize: called on every {{ value }} printed, never on {% if %} tests."""
    found = _printed_blanks.get()
    if found is not None and isinstance(value, Blank) and value.label not in found:
        found.append(value.label)
    return value


_env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, loader=_loader,
                            finalize=_noticed)
_html = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, loader=_loader,
                             finalize=_noticed)


@contextmanager
def holes():
    """Collect the labels of empty fields printed by the renders inside (a list)."""
    found = []
    token = _printed_blanks.set(found)
    try:
        yield found
    finally:
        _printed_blanks.reset(token)


class TemplateProblem(GrowbaseError, ValueError):
    pass


@lru_cache(maxsize=1024)
def compiled(text, html=False):
    try:
        return (_html if html else _env).from_string(text)
    except TemplateError as exc:
        raise TemplateProblem(_("The template does not compile: %(msg)s", msg=str(exc))) from None


@lru_cache(maxsize=256)
def names_in(text):
    """The names a template reads (a caller's JSON may lack some: they are then empty)."""
    try:
        return frozenset(meta.find_undeclared_variables(_env.parse(text)))
    except TemplateError as exc:
        raise TemplateProblem(_("The template does not compile: %(msg)s", msg=str(exc))) from None


def render(text, html=False, **context):
    try:
        return compiled(text, html).render(**context).strip()
    except TemplateProblem:
        raise
    except Exception as exc:  # any failure inside the owner's template is the template's
        raise TemplateProblem(_("The template failed: %(msg)s", msg=str(exc))) from None


class RecordView:
    """A record as templates see it: fields by name in display form; links lead on."""

    def __init__(self, entity, values, record_id, locale="en", depth=0):
        self._entity, self._values, self._id = entity, values, record_id
        self._locale, self._depth = locale, depth
        self._links = {}  # linked records read once per message, not once per mention

    def __getattr__(self, name):
        if name == "id":
            return self._id
        if name in self._links:
            return self._links[name]
        field = self._entity.by_name.get(name)
        if field is None or name.startswith("_"):
            raise AttributeError(name)
        value = self._values.get(name)
        target = field.type.refers_to(field)
        if target and value is not None and self._depth < 2:
            linked = catalog().entity(target)
            rows = fetch(linked.model, [value])
            row = rows[0] if rows else None
            if row is not None:
                self._links[name] = type(self)(linked, values_of(linked, row), value,
                                               self._locale, self._depth + 1)
                return self._links[name]
        shown = field.type.display(value, field, self._locale)
        return shown if shown != "" else Blank(field.label(self._locale))

    def __str__(self):
        return titles(self._entity, [self._id]).get(self._id, f"#{self._id}")
