"""Time-relative and scheduled rules: the clock finds what falls due, once, at its time."""

from datetime import datetime, timedelta

import pytest

from growbase.automation.clock import tick
from growbase.automation.rules import apply_rules
from growbase.catalog import catalog
from growbase.definitions import DefinitionError
from growbase.tables import Event, Notification, User

from helpers import run_pending

# A Monday a week or more ahead: rules that compare with the real "now" (overdue
# digests) must see these tasks as not yet due, whatever day the suite runs.
_today = datetime.now().replace(hour=8, minute=0, second=0, microsecond=0)
MONDAY = _today + timedelta(days=7 + (7 - _today.weekday()) % 7)


@pytest.fixture
def team(shop):
    tick(MONDAY - timedelta(hours=1))  # the clock's first look: nothing before it fires
    return {name: User.get(User.username == name).id for name in ("anna", "lena")}


def notes(user_id):
    return [n.text for n in Notification.select().where(Notification.user == user_id)
            .order_by(Notification.id)]


def test_meeting_reminder_comes_an_hour_before_and_once(team, service):
    meeting = service.create("task", {"title": "Meet Ivan", "kind": "meeting",
                                      "assignee": team["anna"], "due": MONDAY.replace(hour=10)})
    service.create("task", {"title": "Just a to-do", "assignee": team["anna"],
                            "due": MONDAY.replace(hour=10)})
    assert tick(MONDAY.replace(hour=8, minute=59)) == 0
    assert tick(MONDAY.replace(hour=9, minute=0)) == 1
    assert tick(MONDAY.replace(hour=9, minute=1)) == 0
    run_pending()
    reminder, = [t for t in notes(team["anna"]) if t.startswith("In an hour")]
    assert "Meet Ivan" in reminder
    event = Event.get(Event.kind == "time")
    assert event.record_id == meeting.id and event.rule == "meeting_reminder"


def test_a_moved_date_is_reminded_at_its_new_time(team, service):
    meeting = service.create("task", {"title": "Meet Ivan", "kind": "meeting",
                                      "assignee": team["anna"], "due": MONDAY.replace(hour=10)})
    service.update("task", meeting.id, {"due": MONDAY.replace(hour=12)})
    assert tick(MONDAY.replace(hour=9, minute=30)) == 0  # the old time passes quietly
    assert tick(MONDAY.replace(hour=11, minute=0)) == 1


def test_a_record_that_stops_matching_is_not_reminded(team, service):
    meeting = service.create("task", {"title": "Meet Ivan", "kind": "meeting",
                                      "assignee": team["anna"], "due": MONDAY.replace(hour=10)})
    service.update("task", meeting.id, {"state": "done"})
    assert tick(MONDAY.replace(hour=9, minute=30)) == 0


def test_two_workers_looking_at_the_same_minute_make_one_event(team, service):
    service.create("task", {"title": "Meet Ivan", "kind": "meeting", "assignee": team["anna"],
                            "due": MONDAY.replace(hour=10)})
    tick(MONDAY.replace(hour=8, minute=30))
    from growbase.tables import Watermark
    marks = {w.name: w.at for w in Watermark.select()}
    tick(MONDAY.replace(hour=9, minute=0))
    for name, at in marks.items():  # a second worker that looked before the first wrote
        Watermark.update(at=at).where(Watermark.name == name).execute()
    tick(MONDAY.replace(hour=9, minute=0))
    assert Event.select().where(Event.kind == "time").count() == 1


def test_date_only_fields_count_from_a_time_of_day(team, service, shop):
    apply_rules([{"key": "deliver_tomorrow", "name": "Deliver tomorrow", "entity": "order",
                  "when": {"time": {"field": "deliver_by", "before": "1d", "at_time": "10:00"}},
                  "then": [{"notify_role": {"role": "logistics",
                                            "text": "Due tomorrow: {{ record.number }}"}}]}])
    tick(MONDAY)
    service.create("order", {"customer": shop.id,
                             "deliver_by": (MONDAY + timedelta(days=1)).date()})
    assert tick(MONDAY.replace(hour=9, minute=59)) == 0
    assert tick(MONDAY.replace(hour=10, minute=0)) == 1
    run_pending()
    assert "Due tomorrow: ORD-00001" in notes(team["lena"])


def test_proposal_follow_up_two_days_later_becomes_a_call_task(team, service, shop):
    sent = MONDAY - timedelta(days=2)
    service.create("contact_log", {"customer": shop.id, "channel": "proposal", "at": sent,
                                   "user": team["anna"]})
    service.create("contact_log", {"customer": shop.id, "channel": "call", "at": sent,
                                   "user": team["anna"]})
    tick(MONDAY + timedelta(minutes=1))
    run_pending()
    task, = catalog().entity("task").model.select()  # the plain call needs no follow-up
    assert task.title.startswith("Позвонить Иван Петров по КП") and task.kind == "call"
    assert task.assignee == team["anna"]


def test_after_downtime_the_clock_catches_up_but_not_forever(team, service):
    for hours in (3, 30):  # due 2 h and 29 h before the worker comes back
        service.create("task", {"title": f"Meeting {hours}", "kind": "meeting",
                                "assignee": team["anna"], "due": MONDAY - timedelta(hours=hours - 1)})
    tick(MONDAY - timedelta(hours=40))  # the worker's last look, then it was down
    # the meeting within a day is still worth saying, the other is not; the owner's data-quality
    # digest missed at 7:00 comes once
    assert tick(MONDAY) == 2


def test_weekday_digest_lists_each_assignees_overdue_tasks(team, service):
    old = _today - timedelta(days=3)  # overdue by the real clock the condition reads
    for title, who in (("Call Ivan", "anna"), ("Send invoice", "anna"), ("Pack box", "lena")):
        service.create("task", {"title": title, "assignee": team[who], "due": old})
    service.create("task", {"title": "Closed", "assignee": team["anna"], "due": old,
                            "state": "done"})
    assert tick(MONDAY.replace(hour=9)) == 2  # one digest for each assignee
    assert tick(MONDAY.replace(hour=9, minute=5)) == 0
    run_pending()
    anna, = [t for t in notes(team["anna"]) if t.startswith("Overdue")]
    assert anna.startswith("Overdue: 2 task(s).") and "Call Ivan" in anna and "Closed" not in anna
    lena, = [t for t in notes(team["lena"]) if t.startswith("Overdue")]
    assert "Pack box" in lena and "Call Ivan" not in lena
    saturday = MONDAY + timedelta(days=5)
    tick(saturday.replace(hour=8))
    assert tick(saturday.replace(hour=9)) == 0  # weekdays only


def test_a_disabled_rule_does_not_replay_what_it_missed(team, service):
    rule = {"key": "remind", "name": "Remind", "entity": "task", "enabled": False,
            "when": {"time": {"field": "due", "before": "10m"}},
            "then": [{"notify_user": {"field": "assignee", "text": "Soon"}}]}
    apply_rules([rule])
    service.create("task", {"title": "A", "assignee": team["anna"], "due": MONDAY})
    tick(MONDAY - timedelta(hours=1))
    assert tick(MONDAY) == 0
    apply_rules([dict(rule, enabled=True)])
    assert tick(MONDAY + timedelta(minutes=1)) == 0


@pytest.mark.parametrize("when, path, words", [
    ({"schedule": {"cron": "0 9 * *"}}, "cron", "five parts"),
    ({"schedule": {"cron": "0 25 * * *"}}, "cron", "does not read"),
    ({"time": {"field": "title", "before": "1h"}}, "field", "Count from a date field"),
    ({"time": {"field": "due"}}, "time", "either \"before\" or \"after\""),
    ({"time": {"field": "due", "before": "soon"}}, "before", ""),
])
def test_bad_clock_triggers_are_refused_with_a_fix(shop, when, path, words):
    with pytest.raises(DefinitionError) as err:
        apply_rules([{"key": "bad", "name": "Bad", "entity": "task", "when": when,
                      "then": [{"notify_role": {"role": "manager", "text": "x"}}]}])
    text = str(err.value)
    assert path in text and words in text
