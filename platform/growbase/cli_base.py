"""What every command of `python run.py` shares: printing, and opening the database."""

from .db import database, open_database
from .tables import create_system_tables


def out(text=""):
    print(text, flush=True)


def open_store(settings):
    if database.obj is None:
        open_database(settings.database_url)
    create_system_tables()
