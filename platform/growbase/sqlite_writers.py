"""SQLite for a process with many threads: its writers wait their turn in Python."""

import threading

from playhouse.pool import PooledSqliteDatabase


class QueuedSqliteDatabase(PooledSqliteDatabase):
    """SQLite with this process's writers queued on a lock before BEGIN IMMEDIATE.

    SQLite's own wait for the write lock polls and sleeps (up to 100 ms a try): under a few
    concurrent writers a thread sleeps long after the lock came free, and throughput falls
    to a fraction of what one writer does. Threads of one process wait here instead and
    are woken at once; other processes (the worker) still meet SQLite's wait."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writer = threading.Lock()
        self._holding = threading.local()

    def begin(self, lock_type=None):
        self._writer.acquire()
        self._holding.held = True
        try:
            super().begin(lock_type)
        except BaseException:
            self._let_go()
            raise

    def commit(self):
        try:
            return super().commit()
        finally:
            self._let_go()

    def rollback(self):
        try:
            return super().rollback()
        finally:
            self._let_go()

    def _let_go(self):
        if getattr(self._holding, "held", False):
            self._holding.held = False
            self._writer.release()
