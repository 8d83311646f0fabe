"""Django's SQLite backend, with write transactions queued on an operating-system file lock.

Knotwork's embedded database runs in WAL mode with ``BEGIN IMMEDIATE`` transactions, so that
several gunicorn workers can write without "database is locked" (reference/stack-probe.md).
A transaction that finds the write lock taken waits in SQLite's busy handler, which *sleeps*
between tries, longer and longer (1, 2, 5, 10 ... 100 ms): under a burst of bookings the
waiters sleep while the lock is free, and the slowest booking took 0.7 s (bench/booking).

Here every transaction that will write (``transaction_mode`` IMMEDIATE or EXCLUSIVE) first
takes an exclusive ``flock`` on a file beside the database (``<name>-writelock``), and lets it
go at commit, rollback or close; a writing statement outside a transaction (autocommit, such
as a queued task's row) holds it for that statement. Waiting on ``flock`` is a queue in the
kernel: the next writer wakes the moment the lock is released, so SQLite's busy handler is
not reached between Knotwork's own processes. Other programs writing the file still meet
SQLite's own lock and its timeout, as before. The lock belongs to the open file, so it is
released if the process dies; and each connection (one per thread in Django) has its own, so
threads queue too.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from typing import Any

from django.db.backends.sqlite3 import base as sqlite3_base

from knotwork.sqlwrites import may_write


class _Cursor(sqlite3_base.SQLiteCursorWrapper):  # type: ignore[misc]
    db: DatabaseWrapper

    def execute(self, query: str, params: Any = None) -> Any:
        if self.db.writes_alone(query):
            with self.db.write_lock():
                return super().execute(query, params)
        return super().execute(query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        if self.db.writes_alone(query):
            with self.db.write_lock():
                return super().executemany(query, param_list)
        return super().executemany(query, param_list)


class DatabaseWrapper(sqlite3_base.DatabaseWrapper):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._write_lock_fd: int | None = None
        self._write_lock_held = False

    def _write_lock_path(self) -> str | None:
        if self.transaction_mode not in ("IMMEDIATE", "EXCLUSIVE") or self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}-writelock"

    def _take_write_lock(self) -> None:
        path = self._write_lock_path()
        if path is None or self._write_lock_held:
            return
        if self._write_lock_fd is None:
            self._write_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._write_lock_fd, fcntl.LOCK_EX)
        self._write_lock_held = True

    def _release_write_lock(self) -> None:
        if self._write_lock_held and self._write_lock_fd is not None:
            self._write_lock_held = False
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_UN)

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=_Cursor)
        cursor.db = self
        return cursor

    def writes_alone(self, query: str) -> bool:
        """A writing statement outside any transaction (SQLite's autocommit)."""
        return (
            not self._write_lock_held
            and self.connection is not None
            and not self.connection.in_transaction
            and self._write_lock_path() is not None
            and may_write(query)
        )

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        self._take_write_lock()
        try:
            yield
        finally:
            self._release_write_lock()

    def _start_transaction_under_autocommit(self) -> None:
        self._take_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self) -> Any:
        try:
            return super()._close()
        finally:
            self._release_write_lock()
            if self._write_lock_fd is not None:
                os.close(self._write_lock_fd)
                self._write_lock_fd = None
