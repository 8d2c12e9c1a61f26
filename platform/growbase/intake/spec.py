"""One intake as the catalog holds it, read from its JSON (store.py checks it).

    {"key": "shop_order", "name": {...}, "entity": "order", "external_id": "external_id",
     "fields": {"comment": "comment",                         # a path in the caller's JSON
                "status": {"value": "new"},                   # a constant
                "customer": {"find": ["phone", "email"],      # a link found by these keys,
                             "fields": {"phone": "customer.phone", ...}}},  # else created
     "lines": [{"entity": "order_line", "link": "order", "from": "items",
                "fields": {"quantity": "quantity", "product": {"find": ["sku"],
                           "fields": {"sku": "sku"}, "create": false}}}]}
"""

import re

from ..i18n import pick

PATH = r"^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$"
STEP = re.compile(r"[^.]+")


def read(payload, path):
    """The value at a dotted path of the caller's JSON (None where any step is missing)."""
    value = payload
    for step in STEP.findall(path or ""):
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def relative(path, array):
    """A line's path as written either way: "sku" or "items[].sku" for items of "items"."""
    prefix = f"{array}[]."
    return path[len(prefix):] if isinstance(path, str) and path.startswith(prefix) else path


class Lines:
    def __init__(self, spec):
        self.spec = spec
        self.entity, self.link, self.array = spec["entity"], spec["link"], spec["from"]
        self.fields = {name: relative(how, self.array) for name, how in spec["fields"].items()}


class Intake:
    def __init__(self, spec, version=0):
        self.spec, self.version = spec, version
        self.key, self.entity = spec["key"], spec["entity"]
        self.external_id = spec.get("external_id")
        self.fields = spec["fields"]
        self.lines = [Lines(lines) for lines in spec.get("lines", [])]
        self.enabled = spec.get("enabled", True)

    def name(self, locale=None):
        return pick(self.spec.get("name"), locale, self.key)

    def paths(self):
        """Every path of the caller's JSON this intake reads (for the page's sample)."""
        found = []

        def walk(fields, prefix):
            for how in fields.values():
                if isinstance(how, str):
                    found.append(prefix + how)
                elif "find" in how:
                    walk(how["fields"], prefix)
        walk(self.fields, "")
        for lines in self.lines:
            walk(lines.fields, f"{lines.array}[].")
        return found
