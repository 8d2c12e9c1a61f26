"""One payload taken by an intake, once: the log entry that holds its keys is written in
the same transaction as its records, so a retry (the same Idempotency-Key or external id)
finds the first answer, and a refusal leaves the payload in the log for a replay."""

from peewee import IntegrityError

from ..catalog import catalog
from ..db import database, fetch_where
from ..i18n import DEFAULT_LOCALE, current_locale, in_locale
from ..i18n import gettext as _
from ..records import Actor, RecordService
from ..tables import OWNER, IntakeEntry, User
from .build import Builder, Refused
from .spec import read

KEY_LIMIT = 200


def actor_for(intake, user=None):
    """The intake writes what its mapping says, whoever sent it (trusted, like a rule);
    History names the intake, and the token's owner when a token was used."""
    source = f"intake:{intake.key}"
    if user is None:
        return Actor(None, source, source, trusted=True)
    return Actor(user.id, user.username, source, trusted=True)


def external_id(intake, payload):
    value = read(payload, intake.external_id) if intake.external_id and \
        isinstance(payload, dict) else None
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list)) or len(str(value)) > KEY_LIMIT:
        raise Refused([(intake.external_id, _("The external id is a text or a number of at most "
                                              "%(n)s characters.", n=KEY_LIMIT))])
    return str(value)


def earlier(intake, asked_key, external):
    """The entry that already took this payload (by either key), or None."""
    for column, value in (("idem_key", asked_key), ("external_id", external)):
        found = fetch_where(IntakeEntry, intake=intake.key, **{column: value}) if value else None
        if found is not None:
            return found
    return None


def take(intake, payload, asked_key="", address="", user=None, entry=None, visitor=None):
    """(status, answer): 201 and the new record, 200 and the first answer for a repeat,
    422 and {"errors": {path: sentence}, "entry": id} for a refusal (kept in the log; a
    replay of `entry` updates it instead of adding another). Said in the owner's language:
    the log is theirs to read; a web form's `visitor` is told in theirs, and fixes what
    they typed themselves (their refusals are not logged)."""
    with in_locale(visitor or owner_language()):
        return taken(intake, payload, asked_key, address, user, entry, visitor is None)


def owner_language():
    owner = fetch_where(User, role=OWNER, active=True)
    return owner.locale if owner is not None else DEFAULT_LOCALE


def taken(intake, payload, asked_key, address, user, entry, logged):
    try:
        external = external_id(intake, payload)
    except Refused as exc:
        return refuse(intake, payload, asked_key, address, exc.problems, entry, logged)
    for attempt in (1, 2):
        first = earlier(intake, asked_key, external)
        if first is not None:
            if entry is not None and entry.id != first.id:
                settle(entry, first)
            return 200, first.answer
        try:
            with database.atomic():
                return 201, write(intake, payload, asked_key, external, address, user, entry,
                                  strict=not logged)
        except Refused as exc:
            return refuse(intake, payload, asked_key, address, exc.problems, entry, logged)
        except IntegrityError:
            if attempt == 2:  # not a twin's keys: something unique in the records themselves
                raise
    raise AssertionError("unreachable")


def built(intake, payload, user=None, strict=False):
    """The payload made into records (in the caller's transaction): the answer."""
    builder = Builder(intake, RecordService(actor_for(intake, user), locale=current_locale()),
                      strict)
    entity, made, lines = builder.build(payload)
    return {"id": made.id, "entity": entity.name, "number": number_of(entity, made),
            "lines": lines, "links": builder.links,
            "warnings": [{"path": p, "message": m} for p, m in builder.warnings]}


class Rehearsed(Exception):
    def __init__(self, answer):
        super().__init__("rehearsed")
        self.answer = answer


def rehearse(intake, payload):
    """(status, answer) of what the payload would make, made and taken back: nothing is
    kept, numbered or sent, and nothing is logged (the owner trying a mapping)."""
    with in_locale(owner_language()):
        try:
            with database.atomic():
                raise Rehearsed(built(intake, payload))
        except Rehearsed as done:
            return 200, done.answer
        except Refused as exc:
            return 422, {"errors": {path: text for path, text in exc.problems}}


def write(intake, payload, asked_key, external, address, user, entry, strict=False):
    answer = built(intake, payload, user, strict)
    if entry is None:
        entry = IntakeEntry(intake=intake.key, payload=payload, asked_key=asked_key,
                            address=address[:64], status="created")
    else:
        entry.status = "replayed"
    # the keys go in with the records: a twin request that got here first wins, and this
    # one rolls back on the unique keys and answers with the twin's answer
    entry.idem_key, entry.external_id = asked_key or None, external
    entry.answer, entry.record_id, entry.problems = answer, answer["id"], \
        answer["warnings"] or None
    entry.save()
    return answer


def number_of(entity, made):
    """The record's own number (its autonumber), None when it has none."""
    numbered = next((f for f in entity.active_fields if f.type.name == "autonumber"), None)
    return getattr(made, numbered.name) if numbered is not None else None


def refuse(intake, payload, asked_key, address, problems, entry, logged=True):
    listed = [{"path": path, "message": text} for path, text in problems]
    if not logged:
        return 422, {"errors": {path: text for path, text in problems}, "entry": None}
    if entry is None:
        entry = IntakeEntry.create(intake=intake.key, status="refused", payload=payload,
                                   asked_key=asked_key, address=address[:64], problems=listed)
    else:  # only its problems: the object holds what the rolled-back attempt set
        IntakeEntry.update(problems=listed).where(IntakeEntry.id == entry.id).execute()
    return 422, {"errors": {path: text for path, text in problems}, "entry": entry.id}


def settle(entry, first):
    """A refused entry whose payload was taken meanwhile (a retry after the fix) is done."""
    entry.status, entry.record_id, entry.answer = "replayed", first.record_id, first.answer
    entry.save()


def replay(entry_id):
    """Run a refused entry's payload again with the intake as it is now."""
    entry = IntakeEntry.get_or_none(IntakeEntry.id == entry_id)
    if entry is None or entry.status != "refused":
        raise LookupError(_("There is no refused intake entry #%(id)s.", id=entry_id))
    intake = catalog().intake(entry.intake)
    if intake is None:
        raise LookupError(_("The intake \"%(key)s\" was removed.", key=entry.intake))
    return take(intake, entry.payload, entry.asked_key, entry.address, entry=entry)

