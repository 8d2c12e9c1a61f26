"""Phone numbers: any national or international spelling in, E.164 stored.

WARNING: phonenumbers reads a national number in whatever region it is given, so a
region must be right or the number international. A field reads national numbers by its
"region" (default RU), or by the record's own country ("region_from": a field holding an
ISO code or a country's name); a number that is not valid there is refused naming the
country, never rewritten into another country's number.
"""

import re

import phonenumbers
from markupsafe import Markup

from ..i18n import current_locale
from ..i18n import gettext as _
from .base import FieldError, register
from .countries import country_code, country_name
from .text import Text

RU_MOBILE = re.compile(r"^(\+7|8|7)?(9\d{9})$")
SEPARATORS = re.compile(r"[\s\-().]")


@register
class Phone(Text):
    reach = "tel"
    name = "phone"
    indexed = True
    limit = 20
    options_schema = {"region": {"type": "string", "pattern": "^[A-Z]{2}$"},
                      "region_from": {"type": "string"}}

    def region(self, field):
        return field.get("region", "RU")

    def context_fields(self, field):
        return (field.get("region_from"),) if field.get("region_from") else ()

    def hint(self, field, locale="en", region=None):
        return phonenumbers.format_number(
            phonenumbers.example_number_for_type(region or self.region(field),
                                                 phonenumbers.PhoneNumberType.MOBILE),
            phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    def parse_value(self, raw, field, locale, context=None):
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = str(int(raw))  # Excel keeps 79123456789 as a number
        if not isinstance(raw, str):
            raise FieldError(_("Enter a phone number."))
        region = self.record_region(field, context)
        mobile = RU_MOBILE.match(SEPARATORS.sub("", raw))
        if mobile and (mobile.group(1) == "+7" or region == "RU"):
            return "+7" + mobile.group(2)  # every +7 9xx xxx-xx-xx is valid: no metadata walk
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            raise FieldError(_("Not a phone number; write it like %(example)s.",
                               example=self.hint(field, region=region))) from None
        if not phonenumbers.is_valid_number(number):
            international = raw.lstrip().startswith(("+", "00"))
            raise FieldError(_(
                "This is not a phone number of %(country)s; check the digits, or write it with "
                "its country code (like %(example)s).",
                country=country_name(phonenumbers.region_code_for_country_code(
                    number.country_code) if international else region, current_locale()),
                example=self.hint(field, region=region)))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def record_region(self, field, context):
        """The region national numbers are read in: the record's country, else the field's."""
        source = field.get("region_from")
        if not source or context is None or context.get(source) in (None, ""):
            return self.region(field)
        found = country_code(str(context[source]))
        if found is None:
            raise FieldError(_(
                "The record's country \"%(country)s\" is not one I know, so its national "
                "numbers cannot be read; write the country like DE or Germany, or the number "
                "with its country code (+49 …).", country=context[source]))
        return found

    def check(self, value, field):
        return []

    def display(self, value, field, locale="en"):
        if not value:
            return ""
        return phonenumbers.format_number(phonenumbers.parse(value, None),
                                          phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    def html(self, value, field, base):
        """A tel: link: a tap on a phone calls the number."""
        return Markup('<a href="tel:{}">{}</a>').format(value, self.display(value, field)) \
            if value else None

    def condition_arg(self, op, raw, field):
        if op in ("contains", "starts_with", "not_contains"):
            return "".join(ch for ch in str(raw) if ch.isdigit() or ch == "+")
        return super().condition_arg(op, raw, field)
