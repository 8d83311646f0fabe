"""Availability's service and clinic rows kept in process memory, dropped when the database says
they changed: on PostgreSQL a cached availability answer then costs no query at all.

``GET /api/v1/availability`` needs the service (its timing), its clinic (the booking rules and
the *availability version*, :mod:`knotwork.clinic.versioning`) and then, unless the answer is
cached, the free time. Reading the service and clinic was the one query left on a cache hit,
and on PostgreSQL that round trip to a server process sharing the machine's cores cost more
than everything else the request did. Here each process keeps those rows, with four ways of
hearing that they changed:

1. **Notifications from the database.** Triggers (migration 0004) call
   ``pg_notify('knotwork_availability', clinic_id)`` whenever a clinic row changes (its
   settings, its slug, or its availability version, which the version triggers bump on every
   write that changes free time) and whenever a service is inserted, updated or deleted;
   ``'*'`` when a clinic is added or removed or a table is truncated. PostgreSQL delivers a
   notification only after the transaction has committed, whoever wrote (this app, another
   server, the admin, ``psql``). Each process holds one extra connection of its own, in
   autocommit, that LISTENs (opened lazily, after gunicorn's fork, and listening before
   anything is cached); every availability request first drains what has arrived, without
   waiting (a ``poll`` with timeout 0), and drops the clinic's rows (or all rows).
2. **Writes made by this process.** Notifications arrive asynchronously, even for one's own
   commits, so every statement other than a read that goes through Django's connection is
   noticed (an execute wrapper): once it has committed (``transaction.on_commit``, or at once
   in autocommit) all rows are dropped.
3. **Writes made by another Knotwork process of the same deployment** (the other gunicorn
   workers, the clinic worker, a management command): the same commit also bumps a counter in
   a small shared file in ``KNOTWORK_HOME``, which every request compares with what it last
   saw. So a booking answered by one worker is never followed by a stale answer from another.
4. **A second's age.** A row read more than :data:`REVALIDATE_SECONDS` ago is read again,
   which bounds the damage if the listening connection dies without the operating system
   noticing.

The rows are used only where they cannot hide the request's own uncommitted writes: when
Django's connection is in autocommit and outside any atomic block (so code inside
``transaction.atomic``, and tests inside their test transaction, take the query path). When
the listening connection cannot be opened or breaks, every cached row is dropped and the
query path is used until it listens again.

SQLite has no notifications but has something better: ``PRAGMA data_version`` changes when
any other connection, in any process, has committed a change to the database, and this
process's own writes are noticed as above. A row is used while the connection's
``data_version`` is the one it was read under, so a hit costs that pragma (a few
microseconds, in-process) instead of the query, and no stale row is ever used.

The window that remains on PostgreSQL: a write committed by anything other than a Knotwork
process of this deployment (``psql``, another machine) is seen once PostgreSQL has delivered
its notification to this process's listening connection, normally well under a millisecond
after the commit, and at most :data:`REVALIDATE_SECONDS` later if the notification is lost.
On both databases, writes made through a connection in manual transaction management
(autocommit off outside ``atomic``) or around Django's cursors are left to the database's
signal (the notification; ``data_version`` for other connections). A stale offer is harmless
for double booking: the booking re-checks the slot inside its transaction and the database
refuses an overlap, so it becomes a 409 with the nearest free slots.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import mmap
import os
import select
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from knotwork.clinic import selectors
from knotwork.clinic.models import Service
from knotwork.clinic.versioning import CHANNEL
from knotwork.sqlwrites import may_write

# A row is read again after this long even without any notification (see point 4 above).
REVALIDATE_SECONDS = 1.0
# After failing to open the listening connection, the query path is used this long before
# trying again (not one connection attempt per request while the database is away).
RETRY_SECONDS = 5.0


class _SharedCounter:
    """A 64-bit counter in a small file shared, through mmap, by the processes of a deployment."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < 8:
                os.ftruncate(fd, 8)
            self.map = mmap.mmap(fd, 8)
        except OSError:
            os.close(fd)
            raise
        self.fd = fd

    def read(self) -> int:
        return int.from_bytes(self.map[:8], "little")

    def bump(self) -> int:
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            value = (self.read() + 1) % 2**64
            self.map[:8] = value.to_bytes(8, "little")
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        return value

    def close(self) -> None:
        self.map.close()
        os.close(self.fd)


class LiveRows:
    """The per-process store: service rows with their clinic, and the listening connection."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        # (service id, clinic slug) -> (service with its clinic, when read, SQLite's token)
        self.rows: dict[tuple[int, str], tuple[Service, float, Any]] = {}
        # Bumped by every invalidation: a row read from the database is stored only if no
        # invalidation happened while it was being read (another thread may have drained a
        # notification for a commit that the read did not see).
        self.epoch = 0
        self.pid = 0
        self.identity: tuple[Any, ...] = ()
        self.listener: Any = None  # a psycopg.Connection in autocommit, LISTENing on CHANNEL
        self.poller: select.poll | None = None
        self.retry_at = 0.0
        self.shared: _SharedCounter | None = None
        self.shared_key: tuple[Any, ...] = ()  # (pid, identity) it was opened for
        self.shared_seen = 0
        self.lost = False  # the server said it is ending the listening session
        self.hits = 0  # for tests and curiosity: answers given without a query

    # -- invalidation -------------------------------------------------------------------------

    def drop_all(self) -> None:
        with self.lock:
            self.epoch += 1
            self.rows.clear()

    def drop_clinic(self, clinic_id: int) -> None:
        with self.lock:
            self.epoch += 1
            for key in [k for k, (service, _, _) in self.rows.items() if service.clinic_id == clinic_id]:
                del self.rows[key]

    def write_committed(self) -> None:
        """A write through Django's connection in this process has committed: drop every row
        here and tell the deployment's other processes through the shared counter (opened
        here if need be: a worker that only takes bookings must tell the others too)."""
        with self.lock:
            self.drop_all()
            connection = connections[DEFAULT_DB_ALIAS]
            if connection.vendor != "postgresql":
                return  # SQLite: PRAGMA data_version tells the other processes
            counter = self._counter(_identity(connection))
            if counter is None:
                return
            try:
                value = counter.bump()
            except (OSError, ValueError):
                return
            if value == (self.shared_seen + 1) % 2**64:
                self.shared_seen = value  # only our own bump since we last looked

    def _counter(self, identity: tuple[Any, ...]) -> _SharedCounter | None:
        """The deployment's shared counter for this database, opened once per process."""
        key = (os.getpid(), identity)
        if key != self.shared_key:
            # A new process (after a fork: the parent's mapping stays the parent's) or database.
            self.shared_key = key
            self.shared = _open_shared_counter(identity)
            self.shared_seen = self.shared.read() if self.shared is not None else 0
            self.drop_all()
        return self.shared

    # -- the listening connection -------------------------------------------------------------

    def _forget_connection(self) -> None:
        listener, self.listener, self.poller = self.listener, None, None
        if listener is not None and self.pid == os.getpid():
            with contextlib.suppress(Exception):
                listener.close()
        # Inherited through a fork: dropped without closing (psycopg does not close a
        # connection that another process opened, and the parent may still use it).

    def close(self) -> None:
        """Stop listening and forget every row (the next request listens again)."""
        with self.lock:
            self._forget_connection()
            self.drop_all()
            self.identity = ()

    def _open(self, identity: tuple[Any, ...], params: dict[str, Any]) -> bool:
        import psycopg

        self._forget_connection()
        self.pid = os.getpid()
        self.identity = identity
        self.drop_all()
        try:
            listener = psycopg.connect(**params, autocommit=True)
        except psycopg.Error:
            self.retry_at = time.monotonic() + RETRY_SECONDS
            return False
        try:
            listener.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            with contextlib.suppress(Exception):
                listener.close()
            self.retry_at = time.monotonic() + RETRY_SECONDS
            return False
        # A server that ends the session (shutdown, pg_terminate_backend, idle timeout) first
        # sends a FATAL message, which libpq hands an idle connection as a notice; the end of
        # the connection itself may only reach us later.
        self.lost = False
        listener.add_notice_handler(self._on_notice)
        self.listener = listener
        self.poller = select.poll()
        self.poller.register(listener.pgconn.socket, select.POLLIN)
        # Listening from here on: whatever committed before is read fresh, since nothing is cached.
        self.drop_all()
        return True

    def _on_notice(self, diagnostic: Any) -> None:
        if diagnostic.severity_nonlocalized in {"FATAL", "PANIC"}:
            self.lost = True

    def _drain(self) -> bool:
        """Apply the notifications that have arrived; False if the connection is broken."""
        import psycopg

        assert self.listener is not None and self.poller is not None
        pgconn = self.listener.pgconn
        try:
            if self.poller.poll(0):
                pgconn.consume_input()
                while (notice := pgconn.notifies()) is not None:
                    payload = notice.extra
                    if payload.isdigit():
                        self.drop_clinic(int(payload))
                    else:
                        self.drop_all()
            if self.lost or pgconn.status != psycopg.pq.ConnStatus.OK:
                raise psycopg.OperationalError("the listening connection is closed")
        except (psycopg.Error, OSError, ValueError):
            self._forget_connection()
            self.drop_all()
            return False
        return True

    def listening(self, connection: Any) -> bool:
        """Whether rows may be served now: listening, with every notification applied.
        Call with the lock held."""
        identity = _identity(connection)
        if self.listener is None or self.pid != os.getpid() or identity != self.identity:
            if self.pid == os.getpid() and identity == self.identity and time.monotonic() < self.retry_at:
                return False
            params = connection.get_connection_params()
            for key in ("cursor_factory", "context", "prepare_threshold"):
                params.pop(key, None)
            params.setdefault("connect_timeout", 5)
            if not self._open(identity, params):
                return False
        if not self._drain():
            self.retry_at = 0.0  # try to listen again at the next request
            return False
        counter = self._counter(identity)
        if counter is not None:
            seen = counter.read()
            if seen != self.shared_seen:
                self.shared_seen = seen
                self.drop_all()
        return True

    # -- reading ------------------------------------------------------------------------------

    def bookable_service(self, service_id: int) -> Service:
        """:func:`selectors.bookable_service`, from memory when that is safe (see the module)."""
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.in_atomic_block or (connection.connection is not None and not connection.autocommit):
            return selectors.bookable_service(service_id)
        key = (service_id, getattr(settings, "KNOTWORK_CLINIC", ""))
        with self.lock:
            if connection.vendor == "postgresql":
                if not self.listening(connection):
                    return selectors.bookable_service(service_id)
                token: Any = None
            elif connection.vendor == "sqlite":
                token = _sqlite_token(connection)
            else:
                return selectors.bookable_service(service_id)
            found = self.rows.get(key)
            now = time.monotonic()
            if found is not None and found[2] == token and now - found[1] < REVALIDATE_SECONDS:
                self.hits += 1
                return found[0]
            epoch = self.epoch
        service = selectors.bookable_service(service_id)
        with self.lock:
            if self.epoch == epoch:
                self.rows[key] = (service, now, token)
        return service


_SERIALS = itertools.count(1)


def _sqlite_token(connection: Any) -> tuple[int, int]:
    """Which connection this is, and its ``PRAGMA data_version``, which changes whenever another
    connection (of this process or any other) has committed a change to the database file, and
    only then: a row read under the same token is as fresh as reading it again, provided that
    this connection's own writes are noticed, as they are (:func:`watch_writes`). An in-process
    read of a counter in the WAL index, a few microseconds; the query it saves costs ~30 times that."""
    connection.ensure_connection()
    cursor = connection.connection.execute("PRAGMA data_version")
    (version,) = cursor.fetchone()
    cursor.close()
    return (getattr(connection, "_knotwork_serial", 0), version)


def _identity(connection: Any) -> tuple[Any, ...]:
    settings_dict = connection.settings_dict
    return (settings_dict["NAME"], settings_dict["HOST"], settings_dict["PORT"], settings_dict["USER"])


def _open_shared_counter(identity: tuple[Any, ...]) -> _SharedCounter | None:
    home = Path(getattr(settings, "HOME", "") or ".")
    digest = hashlib.sha256(repr(identity).encode()).hexdigest()[:16]
    try:
        return _SharedCounter(home / f".availability-writes-{digest}")
    except OSError:
        return None  # a read-only home: the other processes hear of it by notification only


LIVE = LiveRows()


def bookable_service(service_id: int) -> Service:
    return LIVE.bookable_service(service_id)


def _watch_writes(execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    if may_write(sql):
        connection = context["connection"]
        if connection.in_atomic_block:
            if not any(func is LIVE.write_committed for _, func, _ in connection.run_on_commit):
                transaction.on_commit(LIVE.write_committed, using=connection.alias)
        else:
            # Autocommit: committed already. (Manual transaction management, with autocommit
            # off outside atomic, is not followed to its commit: the notification covers it.)
            LIVE.write_committed()
    return result


def watch_writes(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created: note every write made through this connection.

    Put first in the list, so that ``connection.execute_wrapper()`` blocks opened earlier still
    remove their own wrapper when they end (they pop the last one). On SQLite each new
    connection also gets a serial number: ``data_version`` values of two connections cannot be
    compared."""
    connection._knotwork_serial = next(_SERIALS)
    if connection.vendor in {"postgresql", "sqlite"} and _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch_writes)
