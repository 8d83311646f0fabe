"""Cached availability: the database bumps the clinic's version on every write that changes free
time, so a cached answer is never served after such a write has committed."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client

from knotwork.api.v1 import AVAILABILITY_CACHE
from knotwork.clinic.models import (
    Clinic,
    Room,
    ServiceRoom,
    ServiceTherapist,
    TimeOff,
    WorkingHours,
)
from knotwork.clinic.testing import SmallClinic, small_clinic
from knotwork.clinic.versioning import TABLES

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def small(settings: Any) -> SmallClinic:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    AVAILABILITY_CACHE.items.clear()
    return small_clinic()


def version(clinic: Clinic) -> int:
    return Clinic.objects.values_list("availability_version", flat=True).get(pk=clinic.pk)


def next_monday() -> date:
    today = datetime.now(LONDON).date()
    return today + timedelta(days=7 - today.weekday())


def slots(client: Client, small: SmallClinic, day: date) -> list[str]:
    query = {"service": small.massage.pk, "start": day.isoformat(), "end": day.isoformat(), "therapist": small.alice.pk}
    return [s["start"] for s in json.loads(client.get("/api/v1/availability", query).content)]


@pytest.mark.django_db
def test_every_kind_of_write_that_changes_free_time_bumps_the_version(small: SmallClinic) -> None:
    clinic = small.clinic
    writes = [
        lambda: WorkingHours.objects.filter(therapist=small.alice).update(ends=time(16)),
        lambda: TimeOff.objects.create(
            clinic=clinic,
            therapist=small.bob,
            start=datetime(2030, 1, 1, 9, tzinfo=LONDON),
            end=datetime(2030, 1, 1, 12, tzinfo=LONDON),
        ),
        lambda: small.bob.__class__.objects.filter(pk=small.bob.pk).update(active=False),
        lambda: Room.objects.create(clinic=clinic, name="Annex"),
        lambda: ServiceTherapist.objects.filter(service=small.needling).delete(),
        lambda: ServiceRoom.objects.filter(service=small.needling).delete(),
    ]
    for write in writes:
        before = version(clinic)
        write()
        assert version(clinic) > before, write
    assert len(TABLES) == len(writes) + 1  # and appointments, below


@pytest.mark.django_db(transaction=True)
def test_a_booking_in_the_same_transaction_bumps_the_version_and_the_next_answer_is_fresh(
    client: Client, small: SmallClinic
) -> None:
    day = next_monday()
    first = slots(client, small, day)
    assert slots(client, small, day) == first  # served from the cache
    assert AVAILABILITY_CACHE.items
    taken = first[0]
    response = client.post(
        "/api/v1/appointments",
        json.dumps(
            {
                "service": small.massage.pk,
                "therapist": small.alice.pk,
                "start": taken,
                "client": {"name": "Carol Jones", "email": "carol@example.com", "phone": "07700 900001"},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert taken not in slots(client, small, day)


@pytest.mark.django_db
def test_a_change_made_outside_the_services_such_as_the_admin_is_seen_at_once(
    client: Client, small: SmallClinic
) -> None:
    day = next_monday()
    before = slots(client, small, day)
    assert before
    # As the Django admin or a data fix would: straight through the ORM, no service involved.
    WorkingHours.objects.filter(therapist=small.alice, weekday=day.weekday()).delete()
    assert slots(client, small, day) == []


def test_sqlite_gets_the_same_triggers_after_migrate(tmp_path: Path) -> None:
    env = {
        "KNOTWORK_HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "knotwork.web.settings",
        "KNOTWORK_SECRET_KEY": "test-only",
    }
    subprocess.run([sys.executable, "-m", "knotwork", "manage", "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [sys.executable, "-m", "knotwork", "manage", "load_demo", "-v0"], env=env, check=True, capture_output=True
    )
    db = sqlite3.connect(tmp_path / "knotwork.sqlite3")
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for table in TABLES:
        for event in ("insert", "update", "delete"):
            assert f"{table}_bumps_version_{event}" in names
    before = db.execute("SELECT availability_version FROM clinic_clinic").fetchone()[0]
    db.execute("DELETE FROM clinic_timeoff")
    db.execute("UPDATE clinic_workinghours SET ends = ends")
    db.commit()
    after = db.execute("SELECT availability_version FROM clinic_clinic").fetchone()[0]
    assert after > before


@pytest.mark.django_db(transaction=True)
def test_an_answer_read_inside_a_transaction_that_rolls_back_is_never_shared(
    client: Client, small: SmallClinic
) -> None:
    day = next_monday()
    before = slots(client, small, day)
    assert before

    class Undo(Exception):
        pass

    inside: list[str] = []
    try:
        with transaction.atomic():
            WorkingHours.objects.filter(therapist=small.alice, weekday=day.weekday()).delete()  # version + 1
            inside = slots(client, small, day)
            raise Undo
    except Undo:
        pass
    assert inside == []  # the transaction saw its own change
    # Another change commits and takes the same version number, with different free time.
    TimeOff.objects.create(
        clinic=small.clinic,
        therapist=small.bob,
        start=datetime(2030, 1, 1, 9, tzinfo=LONDON),
        end=datetime(2030, 1, 1, 12, tzinfo=LONDON),
    )
    assert slots(client, small, day) == before
