"""The queue between the web and the worker: one Huey instance, SqliteHuey's storage
beside the SQLite file by default, Redis by HUEY_URL.

Tasks bind to the instance when they are declared, at import; its storage is opened by
the entry point with its settings (`open_queue`, from boot.start), the way peewee's
DatabaseProxy is initialised: nothing here reads the environment."""

from huey import Huey
from huey.storage import BaseStorage, RedisStorage, SqliteStorage
from redis import ConnectionPool

from .db import private_file

NAME = "growbase"


class NotOpen(BaseStorage):
    """Until an entry point opens the queue: a clear error, never a task silently dropped."""

    def _refuse(self, *args, **kwargs):
        raise RuntimeError("The queue is not open: an entry point calls boot.start(settings).")

    enqueue = dequeue = put_data = peek_data = pop_data = add_to_schedule = _refuse
    read_schedule = queue_size = put_if_empty = _refuse


huey = Huey(NAME, storage_class=NotOpen)
_opened = {}


def storage_for(url):
    if url.startswith("redis://"):
        # a Redis that hangs must not hang every save: the write commits, the sweep queues
        return RedisStorage(NAME, connection_pool=ConnectionPool.from_url(
            url, socket_timeout=5, socket_connect_timeout=2))
    return SqliteStorage(NAME, filename=str(private_file(url.removeprefix("sqlite:///"))))


def open_queue(url):
    """Point the queue at `url` (kept when it is already open there)."""
    if _opened.get("url") != url:
        huey.storage = storage_for(url)
        _opened["url"] = url
    return huey
