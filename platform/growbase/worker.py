"""The Huey worker: the tasks on the queue (queue.py) and the consumer that runs them.

WARNING: the consumer installs signal handlers, so it must own its process's main
thread; `python run.py` starts it as a supervised child process. Task arguments are
plain values: a model class built at runtime cannot be pickled.
"""

import logging
import threading
from datetime import timedelta

from huey import crontab

from .catalog import catalog
from .config import current
from .db import catch_up, database, is_postgres, open_database
from .duplicates.pairs import keep as keep_pairs
from .duplicates.scan import rule as duplicate_rule
from .duplicates.scan import scan
from .quality.trend import keep_today
from .queue import huey
from .recompute import refresh_clock
from .tables import Event, Heartbeat, utcnow
from .transfer import jobs as transfer_jobs  # (declares run_transfer_job on the queue)

# SqliteHuey polls; a short ceiling keeps a change's effects well under a second away.
CONSUMER_OPTIONS = dict(workers=2, worker_type="thread", initial_delay=0.05, backoff=1.2,
                        max_delay=0.5, periodic=True, check_worker_health=True)

_open_lock = threading.Lock()


def beat():
    now = utcnow()
    Heartbeat.insert(name="worker", at=now).on_conflict(
        conflict_target=[Heartbeat.name], update={Heartbeat.at: now}).execute()


_started = []


def listen():
    """Queue committed events and messages from this process (records written by rules
    trigger rules too); a message that failed for good counts against its rule."""
    from .automation.safety import after_failure
    from .channels import gave_up_listeners, queued_listeners
    from .records import listeners
    for hooks, listener in ((listeners, enqueue), (queued_listeners, queue_delivery),
                            (gave_up_listeners, after_failure), (catch_up, process_pending)):
        if listener not in hooks:
            hooks.append(listener)


@huey.on_startup()
def connect():
    with _open_lock:
        if database.obj is None:
            open_database(current().database_url)
        listen()
        first = not _started
        _started.append(True)
    beat()
    if first and pending(1):
        process_pending()  # what was left when the worker last stopped (or was killed)


@huey.periodic_task(crontab(minute="*"))
def heartbeat():
    """Each minute: say the worker lives, queue what was missed, look at the clock for
    time and schedule rules, and give up on jobs a stopped worker left running."""
    from .automation.clock import tick
    from .channels import due
    beat()
    sweep()
    tick()
    transfer_jobs.stalled()
    for message_id in due():
        deliver_message(message_id)


@huey.task()
def process_event(event_id):
    from .automation.engine import handle_events
    retry_later(handle_events([event_id]))


BATCH = 100  # events per transaction: long enough to save commits, short for the web's writes
RUN_TRIES = 4  # a failing rule is tried this often (10 s, 30 s, 90 s apart), then left failed


@huey.task()
def process_pending(limit=10_000):
    """Run the automations of events not yet done, oldest first (after a bulk change, a
    crash), a batch per transaction."""
    from .automation.engine import handle_events
    ids, failures = pending(limit), []
    for start in range(0, len(ids), BATCH):
        failures += handle_events(ids[start:start + BATCH])
    retry_later(failures)


def retry_later(failures):
    """Try a failed event's rules again after a growing delay; after RUN_TRIES the run
    stays failed in the run log, where a person can run it again once it is fixed."""
    from .channels import retry_delay
    from .tables import AutomationRun
    for event_id in sorted({event_id for event_id, _error in failures}):
        tries = max([run.attempts for run in AutomationRun.select(AutomationRun.attempts).where(
            (AutomationRun.event_id == event_id) & (AutomationRun.status == "failed"))] or [0])
        if 0 < tries < RUN_TRIES:
            process_event.schedule((event_id,), delay=retry_delay(tries))


@huey.task()
def deliver_message(message_id):
    """Send one message; a failure schedules the next try after a growing delay."""
    from .channels import deliver
    delay = deliver(message_id)
    if delay:
        deliver_message.schedule((message_id,), delay=delay)


def queue_delivery(message_id, delay=0):
    if delay:
        deliver_message.schedule((message_id,), delay=delay)
    else:
        deliver_message(message_id)


def pending(limit, older_than=0):
    cutoff = utcnow() - timedelta(seconds=older_than)
    query = (Event.select(Event.id).where((Event.state == "pending") & (Event.created_at <= cutoff))
             .order_by(Event.id).limit(limit))
    return [row.id for row in query]


def sweep():
    """Queue events nobody queued (the worker was down when they were written)."""
    if pending(1, older_than=current().sweep_after):
        process_pending()


def enqueue(event_id):
    """The record service's listener: queue the new event (or a look for several)."""
    if event_id is None:
        process_pending()
    else:
        process_event(event_id)


@huey.periodic_task(crontab(hour="2", minute="30"))
def nightly_backup():
    """A backup each night into data/backups, keeping GROWBASE_BACKUP_DAYS days of them,
    after the files of jobs older than GROWBASE_JOB_DAYS are removed (backups hold them)."""
    from .backups import make, prune
    settings = current()
    transfer_jobs.remove_old_files(settings)
    make(settings)
    prune(settings, settings.backup_days)


@huey.periodic_task(crontab(minute="1"))
def clock_formulas():
    """Each hour: formulas reading TODAY or NOW, worked out again for every record."""
    refresh_clock()


@huey.periodic_task(crontab(minute="13"))
def keep_quality():
    """Each hour: today's data-quality figures, so the trend has a point for every day."""
    keep_today()


@huey.periodic_task(crontab(minute="43"))
def keep_duplicates():
    """Each hour: look through every record again for look-alikes (an edit can make two
    alike, or no longer), so the merge queue and its check stay true."""
    for entity in catalog().entities():
        if duplicate_rule(entity) is not None:
            keep_pairs(entity.name, scan(entity), whole=True)


@huey.periodic_task(crontab(minute="7"))
def optimize():
    """SQLite has no autovacuum to keep planner statistics fresh; PostgreSQL does."""
    if not is_postgres():
        database.execute_sql("PRAGMA optimize")


def run_consumer():
    """Run the consumer in this process's main thread until it is stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    logging.getLogger("huey").setLevel(logging.WARNING)  # failures, not every task
    huey.create_consumer(**CONSUMER_OPTIONS).run()
