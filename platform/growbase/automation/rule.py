"""One automation rule as the catalog holds it: its trigger, condition and actions read
from the JSON, nothing checked or stored here (rules.py does that)."""

from huey import crontab

from ..fields.temporal import span
from ..i18n import gettext as _
from ..i18n import pick


class Rule:
    def __init__(self, spec, version=0):
        self.spec = spec
        self.version = version
        self.key = spec["key"]
        self.entity = spec["entity"]
        self.enabled = spec.get("enabled", True)
        self.silent = spec.get("silent", False)
        self.locale = spec.get("locale", "en")  # how numbers and dates read in its messages
        (self.trigger, self.trigger_params), = spec["when"].items()
        self.condition = spec.get("if")
        self.actions = [next(iter(item.items())) for item in spec["then"]]
        self._stages = {}

    @property
    def name(self):
        """Its name in the reader's language (a starter rule's name has English and Russian)."""
        return pick(self.spec["name"], fallback=self.key)

    def __repr__(self):
        return f"<Rule {self.key} on {self.entity}>"

    def stage(self, entity, field, key):
        """The trigger's from/to as the field's value (parsed once per entity version)."""
        cache_key = (entity.name, entity.version, key)
        if cache_key not in self._stages:
            self._stages[cache_key] = field.type.parse(self.trigger_params[key], field)
        return self._stages[cache_key]

    @property
    def offset(self):
        """A time trigger's distance from its date: negative before, positive after."""
        params = self.trigger_params
        return span(params["after"]) if "after" in params else -span(params["before"])

    @property
    def cron(self):
        return cron(self.trigger_params["cron"])

    def watched_field(self, entity):
        """The field a status_changed / field_changed / time trigger watches."""
        name = self.trigger_params.get("field")
        if name:
            return entity.by_name.get(name)
        return next((f for f in entity.active_fields if f.type.stages), None)


def cron(text):
    """A test of a minute against five cron fields; ValueError names the bad part."""
    parts = str(text).split()
    if len(parts) != 5:
        raise ValueError(_("A schedule has five parts: minute hour day month weekday, "
                           "like \"0 9 * * 1-5\" (weekdays at 9:00)."))
    try:
        return crontab(*parts, strict=True)
    except ValueError as exc:
        raise ValueError(_("The schedule \"%(cron)s\" does not read: %(msg)s.",
                           cron=text, msg=exc)) from None
