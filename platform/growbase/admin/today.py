"""My day: the lists of the person's dashboard that are about today (a manager's tasks due
today and overdue, logistics' orders to ship today), each record a card with its key
fields, tap-to-call links and buttons that move its stage — the screen staff keep open on a
phone. A move is a plain form post: it works without scripts and says what it set off."""

from datetime import date, datetime

from flask import flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from peewee import OperationalError

from ..catalog import UnknownEntity, catalog
from ..dashboards.widgets import listed, title
from ..db import busy
from ..i18n import current_locale, format_number
from ..i18n import gettext as _
from ..moments import business_zone
from ..permissions import access
from ..queries import QueryError, select
from ..records import (Actor, Conflict, RecordError, RecordService, ValidationFailed,
                       busy_message, titles, unseen)
from ..records.trail import forget_written
from .views import follow, shown_value

KEY_FIELDS = 4
BUTTONS = 3  # more targets than this: a list to pick from


def worklists(dashboard):
    """The dashboard's record lists marked for today; without any marked, all of them."""
    lists = [w for w in dashboard.widgets if w["kind"] == "records"] if dashboard else []
    return [w for w in lists if w.get("today")] or lists


def key_fields(entity, rights, sort):
    """What a card shows besides its title and stage: the field the list is sorted by (the
    date that matters), then the first listed ones."""
    shown = [f for f in entity.visible_fields if rights.shows(f.name) and f.type.listed
             and not f.type.stages and f not in entity.title_fields and f.kind.name != "file"]
    first = [f for f in shown if f.name == (sort or "").lstrip("-")]
    return (first + [f for f in shown if f not in first])[:KEY_FIELDS]


def worth_showing(field, value):
    """Empty values are left off, and so is a person field naming the one looking."""
    return value not in (None, "", []) and not (field.type.holds_users and value == current_user.id)


def late(value):
    """Is a day (or a moment) before today, in the business's calendar?"""
    if not isinstance(value, date):
        return False
    day = value.date() if isinstance(value, datetime) else value
    return day < datetime.now(business_zone()).date()


def due_field(entity, sort):
    """The date a list is sorted by, soonest first, that people set (a due date, a delivery
    day; not a stamp the system keeps): what "overdue" is measured on."""
    field = entity.active_by_name.get((sort or "").lstrip("-"))
    return field if field is not None and field.type.dated and not field.automatic \
        and not sort.startswith("-") else None


def targets(field, rights, value, locale):
    """[(value, label, next?)] of the stages this person may move a record to from `value`;
    the first after it is the likely next step."""
    if field is None or field.read_only or field.name in rights.read_only:
        return []
    allowed, order = rights.only.get(field.name), [o["value"] for o in field.options]
    later = order[order.index(value) + 1:] if value in order else order
    found = [o for o in order if o != value and (allowed is None or o in allowed)]
    step = next((o for o in later if o in found), None)
    return [(o, field.type.option_label(o, field, locale), o == step) for o in found]


INPUTS = {"date": "date", "integer": "number", "email": "email", "phone": "tel", "url": "url"}


def asked(field, locale, error, value):
    """A field a refused move needs, as the card asks for it: a list of its choices, a date
    picker, a box to type in."""
    options = [(o["value"], field.type.option_label(o["value"], field, locale))
               for o in field.options] if field.options and not field.type.holds_list else None
    return {"name": field.name, "label": field.label(locale), "error": error, "value": value,
            "options": options, "input": INPUTS.get(field.type.name, "text")}


def fillable(entity, rights, field_name):
    """Can the card ask for this field (one value typed or picked, the person may set it)?"""
    field = entity.active_by_name.get(field_name)
    return field is not None and not field.read_only and field.name not in rights.read_only \
        and rights.shows(field.name) and not field.type.holds_list \
        and (field.options or field.type.name in INPUTS or field.type.name in ("text", "money",
                                                                                  "decimal"))


def needs(entity, stage, refusal, form, locale):
    """What a move refused for missing fields asks on the card, or None when the card cannot
    ask it (the stage itself refused, a field the person cannot set, a link to pick): then
    the refusal is said."""
    rights, errors = access(entity), refusal.errors
    if stage.name in errors or not all(fillable(entity, rights, name) for name in errors):
        return None
    return {"id": form.get("id", type=int), "stage": form.get("stage", ""),
            "fields": [asked(entity.active_by_name[n], locale, message, form.get(f"set:{n}", ""))
                       for n, message in errors.items()]}


def worklist(widget, locale):
    """One list as the page draws it, or {"error": why} when this person may not see it."""
    try:
        entity, condition, sort, grid = listed(widget)
        rights = access(entity)
        if not rights.can("read"):
            return {"title": title(widget, locale), "error": _("Your role does not see %(entity)s.",
                                                               entity=entity.plural(locale))}
        total, exact, rows = select(entity, condition, None, sort, widget.get("limit", 20))
    except (LookupError, QueryError, UnknownEntity) as exc:
        return {"title": title(widget, locale), "error": str(exc)}
    named, fields = titles(entity, [r.id for r in rows]), key_fields(entity, rights, sort)
    due = due_field(entity, sort)
    stage = next((f for f in entity.active_fields if f.type.stages and rights.shows(f.name)), None)
    can_move = rights.can("update")
    cards = []
    for row in rows:
        moves = targets(stage, rights, getattr(row, stage.name), locale) \
            if stage is not None and can_move else []
        cards.append({
            "id": row.id, "version": row.gb_version, "title": named.get(row.id) or unseen(),
            "late": due is not None and late(getattr(row, due.name)),
            "values": [(f.label(locale), shown_value(entity, f, row, locale)) for f in fields
                       if worth_showing(f, getattr(row, f.name))],
            "stage": shown_value(entity, stage, row, locale) if stage is not None else None,
            "moves": moves, "buttons": len(moves) <= BUTTONS})
    return {"title": title(widget, locale), "entity": entity.name, "count": total,
            "counted": format_number(total, locale) + ("" if exact else "+"), "grid": grid,
            "cards": cards}


class TodayView(BaseView):
    @expose("/")
    def index(self, asking=None):
        locale = current_locale()
        lists = [worklist(w, locale) for w in worklists(catalog().dashboard(current_user.role))]
        return self.render("admin/today.html", lists=lists, asking=asking)

    @expose("/move", methods=("POST",))
    def move(self):
        """Move one record to another stage; refused moves are said in words, a record
        someone changed meanwhile is not overwritten."""
        form = request.form
        back = redirect(url_for(".index") + (f"#gb-card-{form.get('id', '')}"))
        forget_written()
        try:
            entity = catalog().entity(form.get("entity", ""))
            stage = next((f for f in entity.active_fields if f.type.stages), None)
            record_id = form.get("id", type=int)
            if stage is None or record_id is None:
                raise RecordError(_("Nothing to move: reload the page."))
            service = RecordService(Actor.for_user(current_user, "ui"), locale=current_locale())
            filled = {k[4:]: v for k, v in form.items() if k.startswith("set:")}
            service.update(entity.name, record_id, dict(filled, **{stage.name: form.get(
                "stage", "")}), version=form.get("version"))
        except UnknownEntity:
            flash(_("Nothing to move: reload the page."), "error")
            return back
        except Conflict:
            flash(_("Someone else changed this record after you opened the page; here it is "
                    "as it is now. Move it again if you still need to."), "error")
            return back
        except ValidationFailed as exc:  # (a courier to name first: asked on the card)
            asking = needs(entity, stage, exc, form, current_locale())
            if asking is None:
                flash(str(exc), "error")
                return back
            return self.index(asking), 422
        except RecordError as exc:
            flash(str(exc), "error")
            return back
        except OperationalError as exc:
            if not busy(exc):
                raise
            flash(busy_message(), "error")
            return back
        follow(entity.name, record_id)
        return back
