"""A booking-ready demo clinic: two therapists, four services, two rooms, working hours and a
few weeks of appointments around today. Idempotent: a second run changes nothing."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from knotwork.clinic.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    Client,
    Clinic,
    Room,
    Service,
    ServiceRoom,
    ServiceTherapist,
    Therapist,
    WorkingHours,
)
from knotwork.clinic.slots import wall_to_utc

SERVICES = [
    # name, minutes, price, buffer before, buffer after, rooms ("all" or "treatment"), description
    ("Trigger point therapy (60 min)", 60, "55.00", 0, 15, "all", "Assessment and hands-on trigger point work."),
    ("Trigger point therapy (30 min)", 30, "35.00", 0, 10, "all", "A focused follow-up session."),
    ("Dry needling (30 min)", 30, "40.00", 5, 10, "treatment", "Needling of trigger points, with consent."),
    ("Sports massage (60 min)", 60, "50.00", 0, 15, "all", "Massage for training and recovery."),
]
THERAPISTS = [
    ("alex", "Alex", "Morgan", "Alex Morgan", [0, 1, 2, 3, 4], (time(9), time(17))),
    ("sam", "Sam", "Okafor", "Sam Okafor", [1, 2, 3, 4, 5], (time(10), time(18))),
]
CLIENT_NAMES = [
    "Priya Shah", "Tom Reynolds", "Aisha Bello", "Gareth Jones", "Mei Lin", "Oliver Hughes",
    "Fatima Khan", "Rory Campbell", "Chloe Evans", "Daniel Novak", "Hannah Price", "Kwame Mensah",
]  # fmt: skip


def load_demo_clinic(*, today: date | None = None) -> tuple[Clinic, bool]:
    """Create the demo clinic if there is none; returns it and whether it was created."""
    existing = Clinic.objects.filter(slug="knotwork-demo").first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        clinic = Clinic.objects.create(
            name="Knotwork Demo Clinic",
            slug="knotwork-demo",
            address="12 Example Street\nBristol\nBS1 4XX",
            phone="0117 496 0000",
            email="hello@clinic.example",
        )
        treatment = Room.objects.create(clinic=clinic, name="Treatment room")
        studio = Room.objects.create(clinic=clinic, name="Studio")
        user_model = get_user_model()
        therapists = []
        for username, first, last, display, weekdays, (opens, closes) in THERAPISTS:
            user, _ = user_model.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@clinic.example"},
            )
            user.is_staff = True
            user.set_unusable_password()
            user.save()
            therapist = Therapist.objects.create(clinic=clinic, user=user, display_name=display)
            WorkingHours.objects.bulk_create(
                WorkingHours(clinic=clinic, therapist=therapist, weekday=d, starts=opens, ends=closes) for d in weekdays
            )
            therapists.append(therapist)
        services = []
        for position, (name, minutes, price, before, after, rooms, description) in enumerate(SERVICES):
            service = Service.objects.create(
                clinic=clinic,
                name=name,
                description=description,
                duration_minutes=minutes,
                price=Decimal(price),
                buffer_before_minutes=before,
                buffer_after_minutes=after,
                position=position,
            )
            for therapist in therapists if name != "Dry needling (30 min)" else therapists[:1]:
                ServiceTherapist.objects.create(clinic=clinic, service=service, therapist=therapist)
            for room in [treatment] if rooms == "treatment" else [treatment, studio]:
                ServiceRoom.objects.create(clinic=clinic, service=service, room=room)
            services.append(service)
        clients = [
            Client.objects.create(
                clinic=clinic,
                name=name,
                email=f"{name.split()[0].lower()}@client.example",
                phone=f"07700 900{index:03d}",
                consent_to_contact=index % 3 != 0,
            )
            for index, name in enumerate(CLIENT_NAMES)
        ]
        _demo_appointments(clinic, therapists, services, [treatment, studio], clients, today or timezone.localdate())
    return clinic, True


def _demo_appointments(
    clinic: Clinic,
    therapists: list[Therapist],
    services: list[Service],
    rooms: list[Room],
    clients: list[Client],
    today: date,
) -> None:
    """Two weeks back (completed, the odd no-show) and three weeks ahead, about half full."""
    rng = random.Random(20261124)  # noqa: S311 - demo data, not security
    now = timezone.now()
    taken: dict[int, list[tuple[datetime, datetime]]] = {room.pk: [] for room in rooms}
    rows = []
    for offset in range(-14, 22):
        day = today + timedelta(days=offset)
        for therapist in therapists:
            hours = therapist.working_hours.filter(weekday=day.weekday()).first()
            if hours is None:
                continue
            cursor = wall_to_utc(day, hours.starts, clinic.zone)
            closes = wall_to_utc(day, hours.ends, clinic.zone)
            while True:
                service = rng.choice([s for s in services if therapist in s.therapists.all()])
                # On the quarter-hour grid that online booking offers.
                start = cursor + timedelta(minutes=(-cursor.minute) % 15 + 15 * rng.randint(0, 4))
                end = start + service.duration
                blocked = (start - service.buffer_before, end + service.buffer_after)
                if end > closes:
                    break
                cursor = blocked[1]
                if rng.random() < 0.35:
                    continue  # a gap left free
                room = next(
                    (
                        r
                        for r in service.rooms.order_by("id")
                        if all(blocked[1] <= s or blocked[0] >= e for s, e in taken[r.pk])
                    ),
                    None,
                )
                if room is None:
                    continue
                taken[room.pk].append(blocked)
                status = AppointmentStatus.BOOKED
                if end < now:
                    status = AppointmentStatus.NO_SHOW if rng.random() < 0.06 else AppointmentStatus.COMPLETED
                rows.append(
                    Appointment(
                        clinic=clinic,
                        client=rng.choice(clients),
                        therapist=therapist,
                        service=service,
                        room=room,
                        start=start,
                        end=end,
                        blocked_start=blocked[0],
                        blocked_end=blocked[1],
                        status=status,
                        source=rng.choice([AppointmentSource.ONLINE, AppointmentSource.STAFF]),
                    )
                )
    Appointment.objects.bulk_create(rows)
