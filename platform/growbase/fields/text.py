"""Text-like types: text, long_text, email, url, phone."""

import re
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from peewee import CharField, TextField
from wtforms import TextAreaField

from ..i18n import gettext as _
from .base import FieldError, TextLike, check_length_and_pattern, register, storable

TEXT_LIMIT = 1000  # a one-line text longer than this is almost surely pasted by mistake
LONG_TEXT_LIMIT = 100_000


@register
class Text(TextLike):
    name = "text"
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
    options_schema = dict(Text.options_schema,
                          max_length={"type": "integer", "minimum": 1, "maximum": LONG_TEXT_LIMIT})
    limit = LONG_TEXT_LIMIT
    sortable = False
    listed = False

    def column(self, field):
        return TextField(null=True)

    def parse(self, raw, field, locale="en"):
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
    indexed = True
    limit = 254

    def hint(self, field, locale="en"):
        return "name@example.com"

    def parse_value(self, raw, field, locale):
        text = super().parse_value(raw, field, locale)
        try:
            return validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise FieldError(_("Not an email address: %(reason)s", reason=str(exc))) from None


@register
class Url(Text):
    name = "url"
    limit = 2000

    def parse_value(self, raw, field, locale):
        text = super().parse_value(raw, field, locale)
        if "://" not in text:
            text = "https://" + text
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or "." not in (parts.hostname or ""):
            raise FieldError(_("Not a web address; write it like https://example.com/page."))
        return text


RU_MOBILE = re.compile(r"^(\+7|8|7)?(9\d{9})$")
SEPARATORS = re.compile(r"[\s\-().]")


@register
class Phone(Text):
    """A phone number: any national or international spelling in, E.164 stored."""
    name = "phone"
    indexed = True
    limit = 20
    options_schema = {"region": {"type": "string", "pattern": "^[A-Z]{2}$"}}

    def region(self, field):
        return field.get("region", "RU")

    def hint(self, field, locale="en"):
        return phonenumbers.format_number(
            phonenumbers.example_number_for_type(self.region(field),
                                                 phonenumbers.PhoneNumberType.MOBILE),
            phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    def parse_value(self, raw, field, locale):
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = str(int(raw))  # Excel keeps 79123456789 as a number
        if not isinstance(raw, str):
            raise FieldError(_("Enter a phone number."))
        mobile = RU_MOBILE.match(SEPARATORS.sub("", raw))
        if mobile and (mobile.group(1) == "+7" or self.region(field) == "RU"):
            return "+7" + mobile.group(2)  # every +7 9xx xxx-xx-xx is valid: no metadata walk
        try:
            number = phonenumbers.parse(raw, self.region(field))
        except phonenumbers.NumberParseException:
            raise FieldError(_("Not a phone number; write it like %(example)s.",
                               example=self.hint(field))) from None
        if not phonenumbers.is_valid_number(number):
            raise FieldError(_("This phone number does not exist; check the digits (e.g. %(example)s).",
                               example=self.hint(field)))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def check(self, value, field):
        return []

    def display(self, value, field, locale="en"):
        if not value:
            return ""
        return phonenumbers.format_number(phonenumbers.parse(value, None),
                                          phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    def condition_arg(self, op, raw, field):
        if op in ("contains", "starts_with", "not_contains"):
            return "".join(ch for ch in str(raw) if ch.isdigit() or ch == "+")
        return super().condition_arg(op, raw, field)
