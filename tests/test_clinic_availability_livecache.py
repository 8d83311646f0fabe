"""Availability's service and clinic rows in process memory on PostgreSQL
(knotwork.clinic.livecache): a hit runs no query; writes are seen through database
notifications (other connections), at once for this process's own commits, and through the
shared counter for the deployment's other processes; a broken or refused listening
connection falls back to the query path. Real PostgreSQL, real commits (transaction=True)."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from knotwork.api.v1 import AVAILABILITY_CACHE
from knotwork.clinic import livecache
from knotwork.clinic.livecache import LIVE
from knotwork.clinic.models import Clinic, WorkingHours
from knotwork.clinic.testing import SmallClinic, small_clinic

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmallClinic]:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Only notifications (or this process's own writes) may refresh a row in these tests.
    monkeypatch.setattr(livecache, "REVALIDATE_SECONDS", 3600.0)
    AVAILABILITY_CACHE.items.clear()
    built = small_clinic()
    LIVE.drop_all()
    yield built
    AVAILABILITY_CACHE.items.clear()
    LIVE.drop_all()


@pytest.fixture
def other_connection() -> Iterator[psycopg.Connection[Any]]:
    """A connection of its own to the test database, as psql or another server would have."""
    params = connection.get_connection_params()
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)
    with psycopg.connect(**params, autocommit=True) as other:
        yield other


def next_monday() -> date:
    today = datetime.now(LONDON).date()
    return today + timedelta(days=7 - today.weekday())


def slots(client: Client, small: SmallClinic, day: date, therapist: int | None = None) -> list[str]:
    query: dict[str, Any] = {"service": small.massage.pk, "start": day.isoformat(), "end": day.isoformat()}
    if therapist is not None:
        query["therapist"] = therapist
    response = client.get("/api/v1/availability", query)
    assert response.status_code == 200, response.content
    return [s["start"] for s in json.loads(response.content)]


def wait_for_notification(timeout: float = 5.0) -> None:
    """Until something (a notification, or the end of the connection) has reached the
    listening connection's socket: a notification arrives asynchronously after the commit."""
    assert LIVE.listener is not None
    readable, _, _ = select.select([LIVE.listener.pgconn.socket], [], [], timeout)
    assert readable, "no notification within the timeout"


def settle(quiet: float = 0.3) -> None:
    """Apply every notification still on its way (a previous test's writes and its teardown's
    TRUNCATE notify too, asynchronously) until none arrives for ``quiet`` seconds."""
    if LIVE.listener is None:
        return
    while select.select([LIVE.listener.pgconn.socket], [], [], quiet)[0]:
        with LIVE.lock:
            if not LIVE._drain():
                return
    # Answers are cached per minute: keep the requests a test compares within one minute.
    now = datetime.now(LONDON)
    left = 60 - now.second - now.microsecond / 1e6
    if left < 5:
        select.select([], [], [], left + 0.05)  # (a sleep: "time" here is datetime.time)


@pytest.fixture(autouse=True)
def _settled() -> None:
    settle()


def test_a_hit_runs_no_query_at_all(client: Client, small: SmallClinic) -> None:
    day = next_monday()
    slots(client, small, day)  # listening from here on
    settle()  # the clinic's own creation notifies too, asynchronously
    first = slots(client, small, day)
    assert first
    assert not connection.in_atomic_block and connection.get_autocommit()
    hits = LIVE.hits
    seen: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(count):
        assert slots(client, small, day) == first
        assert slots(client, small, day) == first
    assert captured.captured_queries == [] and seen == []
    assert LIVE.hits == hits + 2


def test_a_write_committed_by_another_connection_is_seen_once_its_notification_arrives(
    client: Client, small: SmallClinic, other_connection: psycopg.Connection[Any]
) -> None:
    day = next_monday()
    before = slots(client, small, day, small.alice.pk)
    assert before and slots(client, small, day, small.alice.pk) == before  # a hit
    # Plain SQL on a connection Django knows nothing of: only the database can tell.
    other_connection.execute(
        "DELETE FROM clinic_workinghours WHERE therapist_id = %s AND weekday = %s", [small.alice.pk, day.weekday()]
    )
    wait_for_notification()
    assert slots(client, small, day, small.alice.pk) == []


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # A clinic setting that is not versioned: a month's minimum notice hides every slot.
        ("UPDATE clinic_clinic SET min_notice_minutes = 60 * 24 * 30 WHERE id = %(clinic)s", "none"),
        # The service's timing: a 7-hour massage only fits early in a 9-to-5 day.
        ("UPDATE clinic_service SET duration_minutes = 420 WHERE id = %(service)s", "fewer"),
        # Not bookable online any more: the endpoint says so.
        ("UPDATE clinic_service SET bookable_online = false WHERE id = %(service)s", "gone"),
    ],
)
def test_changes_to_the_rows_kept_in_memory_notify_too(
    client: Client, small: SmallClinic, other_connection: psycopg.Connection[Any], sql: str, expected: str
) -> None:
    day = next_monday()
    before = slots(client, small, day, small.alice.pk)
    assert len(before) > 4 and slots(client, small, day, small.alice.pk) == before  # a hit
    other_connection.execute(sql, {"clinic": small.clinic.pk, "service": small.massage.pk})
    wait_for_notification()
    query = {"service": small.massage.pk, "start": day, "end": day, "therapist": small.alice.pk}
    response = client.get("/api/v1/availability", query)
    if expected == "gone":
        assert response.status_code == 422
        return
    after = [s["start"] for s in json.loads(response.content)]
    if expected == "none":
        assert after == []
    else:
        assert after and after[0] == before[0] and len(after) < len(before)


def test_a_booking_by_this_process_is_never_followed_by_a_stale_answer(
    client: Client, small: SmallClinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the notification were late (they arrive asynchronously, even for one's own commits):
    # only the process's own record of its writes can refresh the rows here.
    monkeypatch.setattr(LIVE, "_drain", lambda: True)
    day = next_monday()
    for _ in range(3):
        offered = slots(client, small, day, small.alice.pk)
        assert slots(client, small, day, small.alice.pk) == offered  # a hit
        taken = offered[len(offered) // 2]
        response = client.post(
            "/api/v1/appointments",
            json.dumps(
                {
                    "service": small.massage.pk,
                    "therapist": small.alice.pk,
                    "start": taken,
                    "client": {"name": "Carol Jones", "email": "carol@example.com"},
                }
            ),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert taken not in slots(client, small, day, small.alice.pk)


def test_a_change_through_the_orm_outside_any_service_is_seen_at_once(
    client: Client, small: SmallClinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LIVE, "_drain", lambda: True)  # no notifications: see above
    day = next_monday()
    before = slots(client, small, day, small.alice.pk)
    assert any(s < f"{day}T13:00" for s in before)
    # As the admin or a data fix would, in autocommit: no service, no signal, no transaction.
    WorkingHours.objects.filter(therapist=small.alice, weekday=day.weekday()).update(starts=time(13))
    assert slots(client, small, day, small.alice.pk) == [s for s in before if s >= f"{day}T13:00"]


def test_another_process_of_the_deployment_is_heard_through_the_shared_counter(
    client: Client, small: SmallClinic, other_connection: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LIVE, "_drain", lambda: True)  # no notifications: see above
    day = next_monday()
    before = slots(client, small, day, small.alice.pk)
    assert before
    other_connection.execute(
        "DELETE FROM clinic_workinghours WHERE therapist_id = %s AND weekday = %s", [small.alice.pk, day.weekday()]
    )
    # Without any signal the row is still served: the window that the notification closes.
    assert slots(client, small, day, small.alice.pk) == before
    # Another gunicorn worker that made that write bumps the counter after its commit.
    assert LIVE.shared is not None
    other_worker = livecache._SharedCounter(LIVE.shared.path)
    other_worker.bump()
    other_worker.close()
    assert slots(client, small, day, small.alice.pk) == []


def test_a_broken_listening_connection_drops_everything_and_listens_again(
    client: Client, small: SmallClinic, other_connection: psycopg.Connection[Any]
) -> None:
    day = next_monday()
    before = slots(client, small, day, small.alice.pk)
    assert before and slots(client, small, day, small.alice.pk) == before
    assert LIVE.listener is not None
    listener_pid = LIVE.listener.info.backend_pid
    other_connection.execute("SELECT pg_terminate_backend(%s)", [listener_pid])
    wait_for_notification()  # the end of the connection
    # Committed while nobody listens: no notification will ever arrive for it.
    other_connection.execute(
        "DELETE FROM clinic_workinghours WHERE therapist_id = %s AND weekday = %s", [small.alice.pk, day.weekday()]
    )
    assert slots(client, small, day, small.alice.pk) == []
    # And it listens again (a new backend), so hits resume.
    assert slots(client, small, day, small.alice.pk) == []
    assert LIVE.listener is not None and LIVE.listener.info.backend_pid != listener_pid
    settle()
    assert slots(client, small, day, small.alice.pk) == []
    hits = LIVE.hits
    with CaptureQueriesContext(connection) as captured:
        assert slots(client, small, day, small.alice.pk) == []
    assert LIVE.hits == hits + 1 and not captured.captured_queries


def test_when_it_cannot_listen_every_request_takes_the_query_path(
    client: Client, small: SmallClinic, other_connection: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    LIVE._forget_connection()
    # The database refuses new connections (Django's own is open already, as is ours).
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)
    admin = psycopg.connect(**params, autocommit=True)
    name = connection.settings_dict["NAME"]
    admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    try:
        day = next_monday()
        hits = LIVE.hits
        before = slots(client, small, day, small.alice.pk)
        assert LIVE.listener is None
        other_connection.execute(
            "DELETE FROM clinic_workinghours WHERE therapist_id = %s AND weekday = %s", [small.alice.pk, day.weekday()]
        )
        with CaptureQueriesContext(connection) as captured:
            assert slots(client, small, day, small.alice.pk) == []
        assert before and captured.captured_queries and LIVE.hits == hits
    finally:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()
    monkeypatch.setattr(LIVE, "retry_at", 0.0)
    assert slots(client, small, day, small.alice.pk) == []
    assert LIVE.listener is not None


def test_a_notification_for_another_clinic_keeps_this_clinics_rows(
    client: Client, small: SmallClinic, other_connection: psycopg.Connection[Any]
) -> None:
    other = Clinic.objects.create(name="Elsewhere", slug="elsewhere")
    day = next_monday()
    settle()
    before = slots(client, small, day)
    other_connection.execute("UPDATE clinic_clinic SET min_notice_minutes = 1 WHERE id = %s", [other.pk])
    wait_for_notification()
    hits = LIVE.hits
    with CaptureQueriesContext(connection) as captured:
        assert slots(client, small, day) == before
    assert LIVE.hits == hits + 1 and not captured.captured_queries
    # This clinic's own change does drop them.
    other_connection.execute("UPDATE clinic_clinic SET phone = '0117 496 0000' WHERE id = %s", [small.clinic.pk])
    wait_for_notification()
    with CaptureQueriesContext(connection) as captured:
        assert slots(client, small, day) == before
    assert LIVE.hits == hits + 1 and captured.captured_queries


def test_inside_a_transaction_the_query_path_sees_its_own_uncommitted_write(client: Client, small: SmallClinic) -> None:
    day = next_monday()
    before = slots(client, small, day, small.alice.pk)
    assert before and slots(client, small, day, small.alice.pk) == before  # cached in memory
    hits = LIVE.hits

    with transaction.atomic():
        WorkingHours.objects.filter(therapist=small.alice, weekday=day.weekday()).delete()
        assert slots(client, small, day, small.alice.pk) == []
        transaction.set_rollback(True)
    assert LIVE.hits == hits
    AVAILABILITY_CACHE.items.clear()  # it holds the answer computed from the undone write
    assert slots(client, small, day, small.alice.pk) == before


def test_truncating_a_versioned_table_bumps_every_clinics_version(
    small: SmallClinic, other_connection: psycopg.Connection[Any]
) -> None:
    def version() -> int:
        row = other_connection.execute(
            "SELECT availability_version FROM clinic_clinic WHERE id = %s", [small.clinic.pk]
        ).fetchone()
        assert row is not None
        return int(row[0])

    before = version()
    other_connection.execute("TRUNCATE clinic_timeoff")
    assert version() > before


SQLITE_SCRIPT = """
import json, sqlite3, sys
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import django

django.setup()
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from knotwork.clinic.livecache import LIVE
from knotwork.clinic.models import WorkingHours
from knotwork.clinic.testing import small_clinic

call_command("migrate", verbosity=0)
small = small_clinic()
today = datetime.now(ZoneInfo("Europe/London")).date()
day = today + timedelta(days=7 - today.weekday())
client = Client()
query = {"service": small.massage.pk, "start": day, "end": day, "therapist": small.alice.pk}


def slots():
    response = client.get("/api/v1/availability", query)
    assert response.status_code == 200, response.content
    return [s["start"] for s in json.loads(response.content)]


before = slots()
assert before
hits = LIVE.hits
with CaptureQueriesContext(connection) as captured:
    assert slots() == before
assert captured.captured_queries == [] and LIVE.hits == hits + 1, "a hit runs no query"

# Another connection (another process would do the same): PRAGMA data_version moves.
other = sqlite3.connect(sys.argv[1])
other.execute("UPDATE clinic_workinghours SET starts = '13:00:00' WHERE therapist_id = ? AND weekday = ?",
              [small.alice.pk, day.weekday()])
other.commit()
after = slots()
assert after and after == [s for s in before if s >= f"{day}T13:00"], (before, after)

# This connection's own write, in autocommit (data_version does not move for it).
WorkingHours.objects.filter(therapist=small.alice, weekday=day.weekday()).update(starts=time(15))
assert slots() == [s for s in before if s >= f"{day}T15:00"]

# Inside a transaction: the query path, which sees the uncommitted write.
hits = LIVE.hits
with transaction.atomic():
    WorkingHours.objects.filter(therapist=small.alice, weekday=day.weekday()).delete()
    assert slots() == []
    transaction.set_rollback(True)
assert LIVE.hits == hits
print("sqlite ok")
"""


def test_on_sqlite_a_hit_costs_no_query_and_data_version_catches_other_connections(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "KNOTWORK_HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "knotwork.web.settings",
        "KNOTWORK_SECRET_KEY": "test-only",
        "KNOTWORK_ALLOWED_HOSTS": "testserver",
        "KNOTWORK_TASKS": "immediate",
        "KNOTWORK_EMAIL_URL": "memory:",
    }
    env.pop("KNOTWORK_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", SQLITE_SCRIPT, str(tmp_path / "knotwork.sqlite3")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0 and "sqlite ok" in done.stdout, done.stderr[-3000:]
