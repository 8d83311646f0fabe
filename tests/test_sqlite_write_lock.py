"""The embedded database's write queue (knotwork.sqlite): writers wait on a file lock, in turn.

Real SQLite files and real threads (Django gives each thread its own connection). What is
checked is order and exclusion, never how long anything took.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections, transaction

ALIAS = "embedded"


@pytest.fixture
def handler(tmp_path: Path, django_db_blocker: Any) -> Iterator[Any]:
    """A file database under Django's own connections (so transaction.atomic works on it)."""
    entry = {
        "ENGINE": "knotwork.sqlite",
        "NAME": str(tmp_path / "k.sqlite3"),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
    }
    connections.settings[ALIAS] = connections.configure_settings({"default": {}, ALIAS: entry})[ALIAS]
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as c:
            c.execute("CREATE TABLE t (who TEXT)")
        yield connections
        connections[ALIAS].close()
    del connections.settings[ALIAS]
    with contextlib.suppress(AttributeError):
        delattr(connections._connections, ALIAS)


def rows(handler: Any) -> list[str]:
    with handler[ALIAS].cursor() as c:
        c.execute("SELECT who FROM t ORDER BY rowid")
        return [r[0] for r in c.fetchall()]


def in_thread(target: Any) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_a_second_write_transaction_waits_for_the_first_and_then_runs(handler: Any) -> None:
    inside = threading.Event()
    finish = threading.Event()
    second_began = threading.Event()

    def first() -> None:
        db = handler[ALIAS]
        with transaction.atomic(using=ALIAS), db.cursor() as c:
            c.execute("INSERT INTO t VALUES ('first')")
            inside.set()
            finish.wait(10)
        db.close()

    def second() -> None:
        db = handler[ALIAS]
        with transaction.atomic(using=ALIAS), db.cursor() as c:
            second_began.set()
            c.execute("INSERT INTO t VALUES ('second')")
        db.close()

    a = in_thread(first)
    assert inside.wait(10)
    b = in_thread(second)
    assert not second_began.wait(0.5)  # queued behind the first: its transaction has not begun
    finish.set()
    a.join(10)
    b.join(10)
    assert second_began.is_set()
    assert rows(handler) == ["first", "second"]


def test_a_write_outside_a_transaction_waits_its_turn_too(handler: Any, tmp_path: Path) -> None:
    lock = os.open(tmp_path / "k.sqlite3-writelock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)  # as another process's transaction would
    done = threading.Event()

    def write() -> None:
        db = handler[ALIAS]
        with db.cursor() as c:
            c.execute("INSERT INTO t VALUES ('autocommit')")
        done.set()
        db.close()

    thread = in_thread(write)
    try:
        assert not done.wait(0.5)
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)
    thread.join(10)
    assert done.is_set() and rows(handler) == ["autocommit"]


def test_reads_never_wait_and_a_rollback_or_an_error_lets_the_lock_go(handler: Any, tmp_path: Path) -> None:
    db = handler[ALIAS]

    def fails() -> None:
        with transaction.atomic(using=ALIAS), db.cursor() as c:
            c.execute("INSERT INTO t VALUES ('undone')")
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fails()
    probe = os.open(tmp_path / "k.sqlite3-writelock", os.O_RDWR)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again after the rollback
        assert rows(handler) == []  # and a read while someone holds it does not wait
    finally:
        os.close(probe)
