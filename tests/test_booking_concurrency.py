"""No double booking under load, on both databases: 32 simultaneous requests for one slot
through the HTTP API of a running gunicorn server (`knotwork serve`, 4 sync workers) get
exactly one 201 and 31 409s, no 5xx, and the slot is no longer offered. Retries with one
Idempotency-Key racing each other all get the same appointment."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest

RACERS = 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(url: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(req, timeout=60) as response:  # noqa: S310 - our own loopback server
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    try:
        return status, json.loads(payload)
    except ValueError:
        return status, payload.decode(errors="replace")


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = None

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "knotwork", "manage", *args],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "knotwork", "serve", "--port", str(self.port), "--workers", "4"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.process.stdout.read() if self.process.stdout else ''}")
            try:
                if request(f"{self.url}/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("server did not start")

    def stop(self) -> str:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGTERM)
        out, _ = self.process.communicate(timeout=30)
        return out


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "KNOTWORK_HOME": str(tmp_path / "home"),
        "KNOTWORK_SECRET_KEY": "race-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "KNOTWORK_EMAIL_URL": "memory:",
        "KNOTWORK_TASKS": "immediate",
        **extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("KNOTWORK_DATABASE_URL", None)
    env.update(extra)
    return env


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[Server]:
    server = Server(environment(tmp_path))
    server.manage("migrate")
    server.manage("load_demo")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_api_server(tmp_path: Path, postgres_server: dict[str, Any]) -> Iterator[Server]:
    name = f"race_{os.getpid()}_{free_port()}"
    admin = (
        f"host={postgres_server['host']} port={postgres_server['port']} user={postgres_server['user']} dbname=postgres"
    )
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://{postgres_server['user']}@{postgres_server['host']}:{postgres_server['port']}/{name}"
    server = Server(environment(tmp_path, KNOTWORK_DATABASE_URL=url))
    server.manage("migrate")
    server.manage("load_demo")
    server.start()
    yield server
    server.stop()


def a_free_slot(server: Server) -> tuple[int, dict[str, Any]]:
    """A slot of the 60-minute trigger point therapy with one therapist, a few days ahead."""
    services = request(f"{server.url}/api/v1/services")[1]
    service = next(s for s in services if s["name"] == "Trigger point therapy (60 min)")
    day = datetime.now(ZoneInfo("Europe/London")).date() + timedelta(days=3)
    end = day + timedelta(days=7)
    status, slots = request(f"{server.url}/api/v1/availability?service={service['id']}&start={day}&end={end}")
    assert status == 200 and slots, slots
    return service["id"], slots[len(slots) // 2]


def race(url: str, bodies: list[dict[str, Any]], headers: list[dict[str, str]]) -> list[tuple[int, Any]]:
    barrier = threading.Barrier(len(bodies))
    results: list[tuple[int, Any]] = [(0, None)] * len(bodies)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = request(url, bodies[index], headers[index])
        except OSError as error:  # a refused or reset connection counts as a failure too
            results[index] = (-1, repr(error))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def booking(service: int, slot: dict[str, Any], n: int) -> dict[str, Any]:
    return {
        "service": service,
        "therapist": slot["therapist"],
        "start": slot["start"],
        "client": {"name": f"Racer {n}", "email": f"racer{n}@example.com"},
    }


def assert_exactly_one_booking(server: Server) -> None:
    service, slot = a_free_slot(server)
    results = race(
        f"{server.url}/api/v1/appointments",
        [booking(service, slot, n) for n in range(RACERS)],
        [{} for _ in range(RACERS)],
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (RACERS - 1), results
    winner = next(body for status, body in results if status == 201)
    assert winner["start"] == slot["start"] and winner["therapist"] == slot["therapist"]
    assert all(body["code"] == "slot_unavailable" for status, body in results if status == 409)
    day = date.fromisoformat(slot["start"][:10])
    _, after = request(f"{server.url}/api/v1/availability?service={service}&start={day}&end={day}")
    assert slot not in after

    # Retries racing with one Idempotency-Key: one appointment, the same answer for all.
    _, week = request(f"{server.url}/api/v1/availability?service={service}&start={day}&end={day + timedelta(days=7)}")
    taken = datetime.fromisoformat(slot["end"])
    slot = next(s for s in week if datetime.fromisoformat(s["start"]) > taken + timedelta(hours=2))
    body = booking(service, slot, 999)
    retries = race(f"{server.url}/api/v1/appointments", [body] * 8, [{"Idempotency-Key": "one-click"}] * 8)
    assert {status for status, _ in retries} == {201}, retries
    assert len({answer["id"] for _, answer in retries}) == 1


def assert_no_stale_answer_after_a_booking(server: Server, rounds: int = 8) -> None:
    """Each worker keeps answers (and on PostgreSQL the service and clinic rows) in memory:
    a booking answered by one worker is never followed by an answer that still offers its
    slot, whichever worker serves the next request."""
    service, _ = a_free_slot(server)
    day = datetime.now(ZoneInfo("Europe/London")).date() + timedelta(days=14)
    url = f"{server.url}/api/v1/availability?service={service}&start={day}&end={day + timedelta(days=6)}"
    for n in range(rounds):
        for _ in range(12):  # warm every worker's caches
            status, offered = request(url)
            assert status == 200 and offered
        slot = offered[(n * 7) % len(offered)]
        status, body = request(f"{server.url}/api/v1/appointments", booking(service, slot, 500 + n))
        assert status == 201, body
        for _ in range(4):
            assert slot not in request(url)[1]


def test_32_racing_requests_for_one_slot_book_it_once_on_sqlite(sqlite_server: Server, tmp_path: Path) -> None:
    assert_exactly_one_booking(sqlite_server)
    # And SQLite's own guard: a raw overlapping insert, past all application code, is refused.
    database = sqlite3.connect(tmp_path / "home" / "knotwork.sqlite3")
    row = database.execute(
        "SELECT * FROM clinic_appointment WHERE status = 'booked' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    columns = [c[1] for c in database.execute("PRAGMA table_info(clinic_appointment)")]
    copy = dict(zip(columns, row, strict=True))
    copy.pop("id")
    copy["idempotency_key"] = None
    with pytest.raises(sqlite3.IntegrityError, match="overlaps another appointment"):
        database.execute(
            f"INSERT INTO clinic_appointment ({', '.join(copy)}) VALUES ({', '.join('?' for _ in copy)})",  # noqa: S608 - our own column names
            list(copy.values()),
        )
    database.close()
    assert_no_stale_answer_after_a_booking(sqlite_server)


def test_32_racing_requests_for_one_slot_book_it_once_on_postgresql(postgres_api_server: Server) -> None:
    assert_exactly_one_booking(postgres_api_server)
    assert_no_stale_answer_after_a_booking(postgres_api_server)
