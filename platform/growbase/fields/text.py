"""Text-like types: text, long_text, email, url (phone: phones.py)."""

from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from markupsafe import Markup
from peewee import CharField, TextField
from wtforms import TextAreaField

from ..i18n import gettext as _
from .base import FieldError, TextLike, check_length_and_pattern, register, storable

TEXT_LIMIT = 1000  # a one-line text longer than this is almost surely pasted by mistake
LONG_TEXT_LIMIT = 100_000


@register
class Text(TextLike):
    name = "text"
    masked = True
    options_schema = {"min_length": {"type": "integer", "minimum": 0},
                      "max_length": {"type": "integer", "minimum": 1, "maximum": TEXT_LIMIT},
                      "pattern": {"type": "string", "format": "regex"},
                      "pattern_message": {"$ref": "#/$defs/label"}}
    limit = TEXT_LIMIT

    def column(self, field):
        return CharField(max_length=self.limit, null=True)

    def parse_value(self, raw, field, locale):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # an Excel cell holding 12345 means "12345", not "12345.0"
        if not isinstance(raw, (str, int)) or isinstance(raw, bool):
            raise FieldError(_("Enter text."))
        value = str(raw)
        if len(value) > self.limit:
            raise FieldError(_("Too long: %(len)s characters, at most %(n)s allowed.",
                               len=len(value), n=self.limit))
        return value

    def check(self, value, field):
        return check_length_and_pattern(value, field)


@register
class LongText(Text):
    name = "long_text"
    editor = "long_text"
    masked = False
    options_schema = dict(Text.options_schema,
                          max_length={"type": "integer", "minimum": 1, "maximum": LONG_TEXT_LIMIT})
    limit = LONG_TEXT_LIMIT
    sortable = False
    listed = False

    def column(self, field):
        return TextField(null=True)

    def parse(self, raw, field, locale="en", context=None):
        # keep the inner line breaks and indentation people typed
        if isinstance(raw, str) and raw.strip():
            return self.parse_value(storable(raw).strip("\n"), field, locale)
        return super().parse(raw, field, locale)

    def form_field(self, field, locale):
        return TextAreaField(field.label(locale), description=field.help_html(locale),
                             render_kw=dict(self.input_attrs(field), rows=4))


@register
class Email(Text):
    name = "email"
    reach = "mailto"
    indexed = True
    masked = False
    limit = 254

    def hint(self, field, locale="en"):
        return "name@example.com"

    def html(self, value, field, base):
        """A mailto: link: a tap opens the mail app."""
        return Markup('<a href="mailto:{0}">{0}</a>').format(value) if value else None

    def parse_value(self, raw, field, locale):
        text = super().parse_value(raw, field, locale)
        try:
            return validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise FieldError(_("Not an email address: %(reason)s", reason=str(exc))) from None


@register
class Url(Text):
    name = "url"
    masked = False
    limit = 2000

    def parse_value(self, raw, field, locale):
        text = super().parse_value(raw, field, locale)
        if "://" not in text:
            text = "https://" + text
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or "." not in (parts.hostname or ""):
            raise FieldError(_("Not a web address; write it like https://example.com/page."))
        return text

    def html(self, value, field, base):
        return Markup('<a href="{0}" target="_blank" rel="noopener noreferrer">{0}</a>').format(
            value) if value else None
