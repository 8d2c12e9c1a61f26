"""What a record page shows besides the record: the records that link to it, a panel per
link ("Orders (3)", with "+ add" prefilled with the link), and one activity timeline of
its changes, the records linked to it, the messages sent about it and the automations
that ran on it — each within the reader's rights. Messages about the records shown in
its panels (an SMS about a customer's order) are on the timeline too."""

from functools import reduce
from operator import or_

from flask import flash, url_for
from markupsafe import Markup, escape
from flask_login import current_user

from ..catalog import catalog
from ..duplicates.shown import warned
from ..i18n import gettext as _
from ..permissions import access
from ..queries import select
from ..records import titles, unseen
from ..records.values import values_of
from ..tables import Audit, AutomationRun, Outbox
from ..channels.kinds import channel_words
from .shown import change_label, message_status

SHOWN = 10  # records per panel; the panel links to the list of all of them


def links_here(entity):
    """(other entity, its link field) for every link to one `entity` record a role reads."""
    for other in catalog().entities():
        rights = access(other)
        if not rights.can("read"):
            continue
        for link in other.active_fields:
            if link.type.links_entity and not link.type.holds_list and not link.get("part_of") \
                    and link.get("to") == entity.name and rights.shows(link.name):
                yield other, link, rights  # (its lines are a grid of their own)


def panels(entity, record_id, locale):
    out = []
    found = list(links_here(entity))
    for other, link, rights in found:
        total, _exact, rows = select(other, {"field": link.name, "eq": record_id},
                                     sort=other.default_sort, limit=SHOWN, exact=True)
        names = titles(other, [row.id for row in rows])
        several = sum(1 for o, _l, _r in found if o is other) > 1
        out.append({
            "entity": other.name, "count": total,
            "label": other.plural(locale) + (f" ({link.label(locale)})" if several else ""),
            "rows": [(row.id, names.get(row.id) or unseen(), row.gb_created_at) for row in rows],
            "add_url": url_for("records.create_view", entity=other.name, url=url_for(
                "records.details_view", entity=entity.name, id=record_id),  # (back here)
                **{link.name: record_id})
            if rights.can("create") and link.name not in rights.read_only else None})
    return out


def timeline(entity, record_id, related, locale, limit=40):
    """(moment, kind, text, url) newest first: changes, linked records, messages, runs."""
    items = []
    for audit in Audit.select().where((Audit.entity == entity.name) &
                                      (Audit.record_id == record_id)).order_by(
                                          Audit.id.desc()).limit(limit):
        rights = access(entity)
        names = [entity.by_name[n].label(locale) for n in audit.changes
                 if n in entity.by_name and rights.shows(n)]
        what = change_label(audit.action)
        items.append((audit.at, "change", Markup('<span class="gb-data">{}</span>: {}').format(
            audit.username, what + (f" — {', '.join(names)}" if names and audit.action == "update"
                                    else "")), None))
    for panel in related:
        for record, title, created in panel["rows"]:
            items.append((created, "linked", f"{panel['label']}: {title}",
                          url_for("records.details_view", entity=panel["entity"], id=record)))
    owner = current_user.is_owner
    about = {(entity.name, record_id): ""}  # messages about it, and about what links here
    about.update({(panel["entity"], record): f"{title}: " for panel in related
                  for record, title, _created in panel["rows"]})
    whose = reduce(or_, [(Outbox.entity == name) & (Outbox.record_id == record)
                         for name, record in about])
    for message in Outbox.select().where(whose).order_by(Outbox.id.desc()).limit(limit):
        text = f"{about[(message.entity, message.record_id)]}" \
               f"{channel_words(message.channel)} → {message.recipient} " \
               f"({message_status(message.status)})"
        items.append((message.created_at, "message", text + (f": {message.body[:140]}"
                                                              if owner else ""), None))
    for run in AutomationRun.select().where((AutomationRun.entity == entity.name) &
                                            (AutomationRun.record_id == record_id)).order_by(
                                                AutomationRun.id.desc()).limit(limit):
        rule = catalog().rule(run.rule)
        items.append((run.started_at, "automation",
                      f"{rule.name if rule else run.rule}: {run.status}", None))
    return sorted(items, key=lambda item: item[0], reverse=True)[:limit]


def look_alikes(entity, made):
    """After a form created a record: say which records it looks like, with links to
    them and to the merge queue (the pairs wait there)."""
    found = warned(entity, made.id, values_of(entity, made))
    if not found:
        return
    links = ", ".join(
        f'<a href="{url_for("records.details_view", entity=entity.name, id=item["id"])}">'
        f'{escape(item["title"])}</a> ({escape(item["why"])})' for item in found[:5])
    flash(Markup(escape(_("This looks like a record there is already: ")) + Markup(links) +
                 Markup(f' · <a href="{url_for("duplicates.index", entity=entity.name)}">') +
                 escape(_("merge them")) + Markup("</a>")), "warning")
