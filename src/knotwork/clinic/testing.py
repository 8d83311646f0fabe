"""A small clinic built in one call, for tests and the benchmark (not used by the app).

Two therapists (Alice and Bob) working Monday to Saturday 09:00-17:00, two rooms, and two
services: a 60-minute massage with 15 minutes' turnover after, offered by both in either
room, and 30 minutes of dry needling with 5 minutes before and 10 after, Alice only, in the
treatment room only.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import Any

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


class LoopbackSMTP:
    """A real SMTP server on 127.0.0.1 (aiosmtpd, from the test extra) that keeps what it receives.

    Use as a context manager; ``messages`` holds each received ``email.message.EmailMessage``
    and ``url`` is the matching KNOTWORK_EMAIL_URL."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.port = 0
        self._controller: Any = None

    def __enter__(self) -> LoopbackSMTP:
        from email import message_from_bytes, policy

        from aiosmtpd.controller import Controller

        received = self.messages

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                received.append(message_from_bytes(envelope.original_content, policy=policy.default))
                return "250 Message accepted for delivery"

        with socket.socket() as probe:  # a free port (aiosmtpd checks it by connecting, so not 0)
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def mailer(self) -> dict[str, Any]:
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
        }

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
