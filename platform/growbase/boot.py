"""What every entry point (the app factory, the worker, each command of `python run.py`)
does first with its one Settings: hand them down, open the database and the queue, and
make sure the system tables are there."""

from .config import use
from .db import database, open_database
from .queue import open_queue
from .tables import create_system_tables


def start(settings):
    use(settings)
    if database.obj is None:
        open_database(settings.database_url)
    open_queue(settings.huey_url)
    create_system_tables()
    return settings
