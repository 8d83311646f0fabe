"""Emails on a real SMTP server on loopback (aiosmtpd): the confirmation with its .ics (right
across the clock changes), reminders a day before with a delivery record each, never twice,
none for cancelled appointments or clients who did not agree, and failures recorded with why."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from icalendar import Calendar

from knotwork.clinic import services
from knotwork.clinic.emails import send_appointment_message
from knotwork.clinic.ics import appointment_ics
from knotwork.clinic.models import Appointment, AppointmentSource, Delivery, DeliveryStatus
from knotwork.clinic.reminders import reminders_send_due
from knotwork.clinic.slots import wall_to_utc
from knotwork.clinic.testing import LoopbackSMTP, SmallClinic, small_clinic

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
CAROL = services.ClientDetails("Carol Jones", "carol@example.com", consent_to_contact=True)
DAVE = services.ClientDetails("Dave Price", "dave@example.com", consent_to_contact=False)


@pytest.fixture
def smtp(settings: Any) -> Iterator[LoopbackSMTP]:
    with LoopbackSMTP() as server:
        settings.MAILERS = {"default": server.mailer()}
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
        settings.KNOTWORK_SITE_URL = "https://clinic.example"
        yield server


@pytest.fixture
def small() -> SmallClinic:
    return small_clinic()


def staff_booking(small: SmallClinic, start: datetime, client: services.ClientDetails = CAROL) -> Appointment:
    return services.appointment_book(
        clinic=small.clinic,
        service=small.massage,
        therapist=small.alice,
        start=start,
        client=client,
        source=AppointmentSource.STAFF,
        now=start - timedelta(days=10),
    ).appointment


def test_the_confirmation_arrives_by_smtp_with_an_ics_and_a_link_to_cancel(
    small: SmallClinic, smtp: LoopbackSMTP
) -> None:
    appointment = staff_booking(small, wall_to_utc(date(2026, 3, 30), time(10), LONDON))
    delivery = send_appointment_message(appointment.pk, "confirmation")
    assert delivery.status == DeliveryStatus.SENT and delivery.error == ""
    (message,) = smtp.messages
    assert message["To"] == CAROL.email and message["Subject"].startswith("Booked: Massage (60 min)")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Monday 30 March 2026 at 10:00 (BST)" in body
    assert f"https://clinic.example/book/appointment/{appointment.pk}/" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and attachment.get_filename() == "appointment.ics"
    event = Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)  # 10:00 BST


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2026, 3, 28), 10),  # Saturday before the spring change: GMT
        (date(2026, 3, 30), 9),  # Monday after: BST
        (date(2026, 10, 24), 9),  # Saturday before the autumn change: BST
        (date(2026, 10, 26), 10),  # Monday after: GMT
    ],
)
def test_ics_times_are_utc_and_right_on_both_sides_of_the_clock_changes(
    small: SmallClinic, day: date, utc_hour: int
) -> None:
    appointment = staff_booking(small, wall_to_utc(day, time(10), LONDON))
    ics = appointment_ics(appointment, manage_url="https://x/", host="clinic.example", now=datetime.now(UTC))
    assert f"DTSTART:{day:%Y%m%d}T{utc_hour:02d}0000Z".encode() in ics
    assert f"DTEND:{day:%Y%m%d}T{utc_hour + 1:02d}0000Z".encode() in ics
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event.decoded("dtstart").astimezone(LONDON).strftime("%H:%M") == "10:00"
    assert str(event["uid"]) == f"appointment-{appointment.pk}@clinic.example"


def test_reminders_go_a_day_before_with_a_delivery_record_and_never_twice(
    small: SmallClinic, smtp: LoopbackSMTP
) -> None:
    start = wall_to_utc(date(2026, 5, 12), time(10), LONDON)
    appointment = staff_booking(small, start)
    smtp.messages.clear()
    assert reminders_send_due(now=start - timedelta(hours=25)) == {"sent": 0, "failed": 0}  # not yet
    assert reminders_send_due(now=start - timedelta(hours=23)) == {"sent": 1, "failed": 0}
    assert reminders_send_due(now=start - timedelta(hours=22)) == {"sent": 0, "failed": 0}
    call_command("send_reminders", verbosity=0)  # the cron command: nothing due now either
    assert len(smtp.messages) == 1 and smtp.messages[0]["Subject"].startswith("Reminder: Massage (60 min)")
    delivery = Delivery.objects.get(appointment=appointment, kind="reminder")
    assert delivery.status == DeliveryStatus.SENT and delivery.for_start == start and delivery.sent_at


def test_a_moved_appointment_is_reminded_of_its_new_time(small: SmallClinic, smtp: LoopbackSMTP) -> None:
    start = wall_to_utc(date(2026, 5, 12), time(10), LONDON)
    appointment = staff_booking(small, start)
    reminders_send_due(now=start - timedelta(hours=23))
    later = start + timedelta(hours=3)
    services.appointment_move(appointment=appointment, start=later, by_client=False, now=start - timedelta(hours=22))
    assert reminders_send_due(now=later - timedelta(hours=23)) == {"sent": 1, "failed": 0}
    assert Delivery.objects.filter(appointment=appointment, kind="reminder", status="sent").count() == 2


def test_no_reminders_for_cancelled_appointments_or_clients_without_consent(
    small: SmallClinic, smtp: LoopbackSMTP
) -> None:
    start = wall_to_utc(date(2026, 5, 12), time(10), LONDON)
    cancelled = staff_booking(small, start)
    services.appointment_cancel(appointment=cancelled, by_client=False, now=start - timedelta(days=2))
    staff_booking(small, start + timedelta(hours=2), client=DAVE)
    smtp.messages.clear()
    assert reminders_send_due(now=start - timedelta(hours=20)) == {"sent": 0, "failed": 0}
    assert smtp.messages == []
    assert not Delivery.objects.filter(kind="reminder").exists()


def test_a_failed_send_is_recorded_with_its_reason_and_retried_later(small: SmallClinic, settings: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]  # nothing listens here once the socket closes
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port, "timeout": 5},
        }
    }
    start = wall_to_utc(date(2026, 5, 12), time(10), LONDON)
    appointment = staff_booking(small, start)
    assert reminders_send_due(now=start - timedelta(hours=23)) == {"sent": 0, "failed": 1}
    failed = Delivery.objects.get(appointment=appointment, kind="reminder")
    assert failed.status == DeliveryStatus.FAILED and "ConnectionRefusedError" in failed.error
    with LoopbackSMTP() as server:
        settings.MAILERS = {"default": server.mailer()}
        assert reminders_send_due(now=start - timedelta(hours=22)) == {"sent": 1, "failed": 0}
        assert len(server.messages) == 1
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.SENT and failed.attempts == 2 and failed.error == ""


@pytest.mark.django_db(transaction=True)  # the worker opens and closes connections as a process would
def test_the_clinic_worker_sends_queued_emails_and_due_reminders(
    small: SmallClinic, smtp: LoopbackSMTP, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # production's queue
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=5)
    staff_booking(small, start)
    assert smtp.messages == []  # queued, not sent inside the booking
    call_command("clinic_worker", "--once", verbosity=0)
    assert sorted(m["Subject"].split(":")[0] for m in smtp.messages) == ["Booked", "Reminder"]
