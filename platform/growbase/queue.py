"""The queue between the web and the worker: one Huey instance, SqliteHuey beside the
SQLite file by default, Redis by HUEY_URL.

Tasks bind to the instance when they are declared, so it is made when this module is first
imported, from the settings' huey_url (the one place that reads it)."""

from huey import RedisHuey, SqliteHuey
from redis import ConnectionPool

from .config import load_settings
from .db import private_file


def build_huey(url):
    if url.startswith("redis://"):
        # a Redis that hangs must not hang every save: the write commits, the sweep queues
        return RedisHuey("growbase", connection_pool=ConnectionPool.from_url(
            url, socket_timeout=5, socket_connect_timeout=2))
    path = private_file(url.removeprefix("sqlite:///"))
    return SqliteHuey("growbase", filename=str(path))


huey = build_huey(load_settings().huey_url)
