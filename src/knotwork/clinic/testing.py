"""A small clinic built in one call, for tests and the benchmark (not used by the app).

Two therapists (Alice and Bob) working Monday to Saturday 09:00-17:00, two rooms, and two
services: a 60-minute massage with 15 minutes' turnover after, offered by both in either
room, and 30 minutes of dry needling with 5 minutes before and 10 after, Alice only, in the
treatment room only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from django.contrib.auth import get_user_model

from knotwork.clinic.models import Clinic, Room, Service, ServiceRoom, ServiceTherapist, Therapist, WorkingHours


@dataclass
class SmallClinic:
    clinic: Clinic
    alice: Therapist
    bob: Therapist
    massage: Service
    needling: Service
    treatment_room: Room
    studio: Room


def small_clinic(*, slug: str = "small", phone: str = "0117 496 0999", weekdays: range = range(6)) -> SmallClinic:
    clinic = Clinic.objects.create(name=f"Clinic {slug}", slug=slug, phone=phone, email=f"{slug}@clinic.example")
    users = get_user_model()
    therapists = []
    for name in ("Alice", "Bob"):
        user = users.objects.create(username=f"{name.lower()}-{slug}", first_name=name, is_staff=True)
        therapist = Therapist.objects.create(clinic=clinic, user=user, display_name=name)
        WorkingHours.objects.bulk_create(
            WorkingHours(clinic=clinic, therapist=therapist, weekday=d, starts=time(9), ends=time(17)) for d in weekdays
        )
        therapists.append(therapist)
    alice, bob = therapists
    treatment = Room.objects.create(clinic=clinic, name="Treatment room")
    studio = Room.objects.create(clinic=clinic, name="Studio")
    massage = Service.objects.create(
        clinic=clinic, name="Massage (60 min)", duration_minutes=60, price=Decimal("50.00"), buffer_after_minutes=15
    )
    needling = Service.objects.create(
        clinic=clinic,
        name="Dry needling (30 min)",
        duration_minutes=30,
        price=Decimal("40.00"),
        buffer_before_minutes=5,
        buffer_after_minutes=10,
    )
    for therapist in (alice, bob):
        ServiceTherapist.objects.create(clinic=clinic, service=massage, therapist=therapist)
    ServiceTherapist.objects.create(clinic=clinic, service=needling, therapist=alice)
    for room in (treatment, studio):
        ServiceRoom.objects.create(clinic=clinic, service=massage, room=room)
    ServiceRoom.objects.create(clinic=clinic, service=needling, room=treatment)
    return SmallClinic(clinic, alice, bob, massage, needling, treatment, studio)
