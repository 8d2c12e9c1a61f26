"""The logs said in words on the owner's pages: which record (its title, not its number),
through which door, what kind of change, which rule and action, how long it took."""

from babel.numbers import format_decimal
from markupsafe import Markup, escape

from ..catalog import catalog
from ..i18n import current_locale
from ..i18n import gettext as _
from ..history import deleted_titles
from ..permissions import ACTIONS, role_label
from ..records.values import titles
from .spoken import condition_words, entity_of, value_words


def titles_of(rows):
    """{(entity, id): "ORD-00121 Ivan Petrov"} for log rows (runs, history entries: each has
    .entity and .record_id), a query per entity; a deleted record by the title its deletion
    kept; one the person may not see keeps its number."""
    wanted = {}
    for row in rows:
        if row.record_id:
            wanted.setdefault(row.entity, set()).add(row.record_id)
    found = {}
    for name, ids in wanted.items():
        entity = entity_of(name)
        named = titles(entity, ids) if entity is not None else {}
        gone = set(ids) - set(named)
        if gone and entity is not None:
            named.update(deleted_titles(entity, gone))
        for record_id in ids:
            found[(name, record_id)] = named.get(record_id) or f"№ {record_id}"
    return found


def entity_label(name):
    entity = entity_of(name)
    return entity.label() if entity is not None else {"user": _("User")}.get(name, name)


def rule_name(key):
    rule = catalog().rule(key)
    return rule.name if rule is not None else key


def change_label(action):
    """An audit entry's kind of change in words."""
    return {"create": _("created"), "update": _("changed"), "delete": _("deleted"),
            "restore": _("restored"), "export": _("exported"), "define": _("definition changed"),
            "rule": _("rule changed"), "rights": _("permissions changed"),
            "role": _("role changed"), "login": _("logged in"), "failed": _("wrong password"),
            "locked": _("logins paused")}.get(action, action)


def run_status(status):
    """A rule run's state in words."""
    return {"done": _("done"), "failed": _("failed"), "skipped": _("skipped"),
            "running": _("running")}.get(status, status)


def job_words(word):
    """An import or export job's kind or state in words."""
    return {"import": _("Import of a file"), "export": _("Export to a file"),
            "draft": _("waiting for its columns"),
            "queued": _("queued"), "running": _("running"), "done": _("done"),
            "failed": _("failed")}.get(word, word)


def message_status(status):
    """A message's fate in words."""
    return {"sent": _("sent"), "stored": _("kept in the outbox"), "failed": _("failed"),
            "unknown": _("fate unknown"), "deferred": _("deferred"), "queued": _("queued"),
            "held": _("held for working hours"), "sending": _("sending")}.get(status, status)


def source_words(source):
    """The door a change came through: "ui" -> "form", "api:shop" -> "API (shop)" ... (a
    token's, a file's or a person's name marked as data)."""
    if (source or "").startswith("undo "):  # ("undo grid:paste:p-1": a paste taken back)
        return escape(_("undo: %(what)s", what="{}")).format(source_words(source[5:]))
    kind, _sep, rest = (source or "").partition(":")
    simple = {"ui": _("form"), "grid": _("grid"), "kanban": _("board"), "calendar": _("calendar"),
              "cli": _("command line"), "demo": _("demo data"), "definition": _("designer"),
              "automation": _("automation"), "users": _("users page"), "intake": _("intake")}
    if not rest:
        return simple.get(kind, source or "")
    said = {"api": lambda: _("API (%(token)s)", token=rest),
            "import": lambda: _("import %(what)s", what=rest),
            "export": lambda: _("export to a file"),
            "grid": lambda: _("grid: a paste") if rest.startswith("paste:") else _("grid"),
            "automation": lambda: _("rule «%(name)s»", name=rule_name(rest)),
            "login": lambda: _("login from %(address)s", address=rest),
            "revert": lambda: _("set back (entry %(entry)s)", entry=rest),
            "merge": lambda: _("merge"),
            "reassign": lambda: _("handed over from %(user)s", user=rest),
            "intake": lambda: _("intake %(name)s", name=rest)}.get(kind, lambda: source)()
    return said if kind == "automation" else marked(said, rest, css="gb-data")  # (a name)


def rights_words(before, after, entity):
    """What a permissions change did, per role, in sentences (not two JSON blobs)."""
    said = []
    before, after = before or {}, after or {}
    for role in sorted(set(before) | set(after)):
        old, new = before.get(role) or {}, after.get(role) or {}
        if old == new:
            continue
        parts = []
        gained = [a for a in ACTIONS if a in new.get("can", []) and a not in old.get("can", [])]
        lost = [a for a in ACTIONS if a in old.get("can", []) and a not in new.get("can", [])]
        if gained:
            parts.append(_("may now: %(what)s", what=", ".join(action_right(a) for a in gained)))
        if lost:
            parts.append(_("may no longer: %(what)s", what=", ".join(action_right(a) for a in lost)))
        if old.get("rows") != new.get("rows"):
            parts.append(_("only the records where %(condition)s",
                           condition=condition_words(new["rows"], entity))
                         if new.get("rows") else _("every record"))
        if old.get("fields") != new.get("fields"):
            parts.append(_("fields: %(fields)s", fields=fields_words(new.get("fields") or {},
                                                                    entity)))
        said.append(f"{role_label(role)}: " + "; ".join(parts))
    return said


def action_right(action):
    return {"read": _("see"), "create": _("add"), "update": _("change"), "delete": _("delete"),
            "import": _("import"), "export": _("export")}.get(action, action)


def fields_words(rules, entity):
    def label(name):
        if name == "*":
            return _("the others")
        field = entity.by_name.get(name) if entity is not None else None
        return field.label() if field is not None else name

    def rule(name, what):
        if isinstance(what, dict):
            field = entity.by_name.get(name) if entity is not None else None
            return _("only %(values)s", values=value_words(field, what.get("only", [])))
        return {"hidden": _("hidden"), "read_only": _("read only"),
                "editable": _("editable")}.get(what, str(what))
    return ", ".join(f"{label(name)} — {rule(name, what)}" for name, what in rules.items()) \
        or _("as for everyone")


def seconds(ms):
    """A run's duration: "0.4 s" / "0,4 с"."""
    return _("%(n)s s", n=format_decimal((ms or 0) / 1000, format="0.0", locale=current_locale()))


def marked(text, *fragments, css=None):
    """Text with fragments that read the same in every language marked apart: a command, a
    header or a folder as code, a person's name (css="gb-data") as data; the rest escaped."""
    out = escape(text)
    wrap = Markup('<span class="%s">%%s</span>' % escape(css)) if css else Markup("<code>%s</code>")
    for fragment in fragments:
        if fragment:
            out = out.replace(escape(fragment), wrap % fragment)
    return out
