"""Seed a benchmark clinic: two therapists working every day 09:00-17:00, 10,000 existing
appointments (the past two years fully booked, the coming weeks half booked), and a file of
free, non-overlapping slots far ahead for the booking runs. Run by run.py with the server's
environment (KNOTWORK_HOME or KNOTWORK_DATABASE_URL)."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knotwork.web.settings")
import django

django.setup()

from django.utils import timezone  # noqa: E402

from knotwork.clinic.models import Appointment, AppointmentStatus, Client  # noqa: E402
from knotwork.clinic.slots import wall_to_utc  # noqa: E402
from knotwork.clinic.testing import small_clinic  # noqa: E402

EXISTING = 10_000
STARTS = [time(9), time(10, 15), time(11, 30), time(12, 45), time(14), time(15, 15)]  # 60 min + 15 turnover


def main(out: Path) -> None:
    small = small_clinic(slug="bench", weekdays=range(7))
    clinic = small.clinic
    clinic.horizon_days = 3650  # the booking run books far ahead, past every existing appointment
    clinic.save()
    zone, today = clinic.zone, timezone.localdate()
    clients = [
        Client(clinic=clinic, name=f"Client {i}", email=f"client{i}@example.com", consent_to_contact=i % 2 == 0)
        for i in range(500)
    ]
    Client.objects.bulk_create(clients)
    rows = []
    day = today - timedelta(days=700)
    while len(rows) < EXISTING:
        future = day >= today
        for n, start_at in enumerate(STARTS):
            for therapist, room in ((small.alice, small.treatment_room), (small.bob, small.studio)):
                if future and (n + day.day) % 2:
                    continue  # half booked ahead, so there are free slots to find
                start = wall_to_utc(day, start_at, zone)
                rows.append(
                    Appointment(
                        clinic=clinic,
                        client=clients[len(rows) % len(clients)],
                        therapist=therapist,
                        service=small.massage,
                        room=room,
                        start=start,
                        end=start + timedelta(minutes=60),
                        blocked_start=start,
                        blocked_end=start + timedelta(minutes=75),
                        status=AppointmentStatus.COMPLETED if not future else AppointmentStatus.BOOKED,
                        source="online",
                    )
                )
        day += timedelta(days=1)
    Appointment.objects.bulk_create(rows[:EXISTING], batch_size=2000)
    free = []
    far = today + timedelta(days=400)
    for offset in range(3000):
        for start_at in STARTS:
            for therapist in (small.alice, small.bob):
                start = wall_to_utc(far + timedelta(days=offset), start_at, zone).astimezone(zone)
                free.append({"therapist": therapist.pk, "start": start.isoformat()})
    out.write_text(
        json.dumps(
            {
                "service": small.massage.pk,
                "alice": small.alice.pk,
                "week_from": str(today + timedelta(days=7)),
                "week_to": str(today + timedelta(days=13)),
                "free": free,
                "existing": Appointment.objects.count(),
                "seeded_at": datetime.now().astimezone().isoformat(),
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
