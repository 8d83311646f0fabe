"""Booking on PostgreSQL: the database refuses double bookings; the services book, refuse with
the nearest slots, pick only free therapists, take buffers from the service, replay retries,
book weekly series whole or not at all, and keep to the cancellation policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction

from knotwork.clinic import selectors, services
from knotwork.clinic.errors import (
    AppointmentClosed,
    IdempotencyKeyReused,
    InvalidBooking,
    SeriesConflict,
    SlotUnavailable,
    TooLateToChange,
)
from knotwork.clinic.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    Client,
    Delivery,
    TimeOff,
    WaitlistStatus,
)
from knotwork.clinic.slots import wall_to_utc
from knotwork.clinic.testing import SmallClinic, small_clinic

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday morning
MONDAY = date(2026, 3, 9)
CAROL = services.ClientDetails("Carol Jones", "carol@example.com", "07700 900001", consent_to_contact=True)
DAVE = services.ClientDetails("Dave Price", "dave@example.com", "", consent_to_contact=False)


@pytest.fixture
def small() -> SmallClinic:
    return small_clinic()


@pytest.fixture(autouse=True)
def emails_sent_at_once(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def at(day: date, h: int, m: int = 0) -> datetime:
    return wall_to_utc(day, time(h, m), LONDON)


def book(small: SmallClinic, start: datetime, **kwargs: Any) -> Appointment:
    options: dict[str, Any] = {
        "clinic": small.clinic,
        "service": small.massage,
        "therapist": small.alice,
        "client": CAROL,
        "now": NOW,
    }
    options.update(kwargs)
    return services.appointment_book(start=start, **options).appointment


def raw_appointment(small: SmallClinic, start: datetime, minutes: int = 60, **kwargs: Any) -> Appointment:
    """An insert that bypasses every check in the services: only the database stands guard."""
    client = Client.objects.get_or_create(clinic=small.clinic, email="raw@example.com", defaults={"name": "Raw"})[0]
    fields: dict[str, Any] = {
        "clinic": small.clinic,
        "client": client,
        "therapist": small.alice,
        "service": small.massage,
        "start": start,
        "end": start + timedelta(minutes=minutes),
        "blocked_start": start,
        "blocked_end": start + timedelta(minutes=minutes),
    }
    fields.update(kwargs)
    with transaction.atomic():
        return Appointment.objects.create(**fields)


def test_the_database_refuses_an_overlapping_appointment_whatever_the_code_does(small: SmallClinic) -> None:
    assert connection.vendor == "postgresql"
    raw_appointment(small, at(MONDAY, 10))
    with pytest.raises(IntegrityError, match="clinic_appt_therapist_no_overlap"):
        raw_appointment(small, at(MONDAY, 10, 30))


def test_back_to_back_is_allowed_and_a_cancelled_appointment_frees_its_time(small: SmallClinic) -> None:
    first = raw_appointment(small, at(MONDAY, 10))
    raw_appointment(small, at(MONDAY, 11))  # half-open ranges: 10-11 and 11-12 touch, no overlap
    raw_appointment(small, at(MONDAY, 10, 30), therapist=small.bob)  # another therapist
    Appointment.objects.filter(pk=first.pk).update(status=AppointmentStatus.CANCELLED)
    raw_appointment(small, at(MONDAY, 9, 45))  # over the cancelled one


def test_the_database_refuses_two_appointments_in_one_room(small: SmallClinic) -> None:
    raw_appointment(small, at(MONDAY, 10), room=small.treatment_room)
    with pytest.raises(IntegrityError, match="clinic_appt_room_no_overlap"):
        raw_appointment(small, at(MONDAY, 10, 15), therapist=small.bob, room=small.treatment_room)
    raw_appointment(small, at(MONDAY, 10, 15), therapist=small.bob, room=small.studio)


def test_the_database_refuses_a_moved_appointment_that_would_overlap(small: SmallClinic) -> None:
    raw_appointment(small, at(MONDAY, 10))
    later = raw_appointment(small, at(MONDAY, 12))
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=later.pk).update(blocked_start=at(MONDAY, 10, 30), start=at(MONDAY, 10, 30))


def test_a_booking_stores_utc_and_blocks_the_service_buffers(small: SmallClinic) -> None:
    appointment = book(small, at(MONDAY, 10), service=small.needling)
    assert appointment.start == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)  # GMT in early March
    assert appointment.end - appointment.start == timedelta(minutes=30)
    assert appointment.blocked_start == appointment.start - timedelta(minutes=5)
    assert appointment.blocked_end == appointment.end + timedelta(minutes=10)
    assert appointment.room == small.treatment_room
    assert appointment.source == AppointmentSource.ONLINE and appointment.status == AppointmentStatus.BOOKED


def test_an_overlapping_booking_is_refused_with_the_nearest_free_slots(small: SmallClinic) -> None:
    book(small, at(MONDAY, 10))
    with pytest.raises(SlotUnavailable) as refused:
        book(small, at(MONDAY, 10, 30), client=DAVE)
    nearest = refused.value.nearest
    assert nearest and all(s.therapist_id == small.alice.pk for s in nearest)
    assert at(MONDAY, 11, 15) in [s.start for s in nearest]  # right after 10:00-11:00 and its 15-minute buffer
    assert Appointment.objects.count() == 1
    assert not Client.objects.filter(email=DAVE.email).exists()  # nothing of the refused booking was kept


def test_buffers_come_from_the_service_so_a_start_inside_the_turnover_is_refused(small: SmallClinic) -> None:
    book(small, at(MONDAY, 10))  # blocks 10:00-11:15
    with pytest.raises(SlotUnavailable):
        book(small, at(MONDAY, 11), client=DAVE)
    assert book(small, at(MONDAY, 11, 15), client=DAVE).start == at(MONDAY, 11, 15)


def test_anyone_books_a_therapist_who_is_free_and_never_one_who_is_busy(small: SmallClinic) -> None:
    first = book(small, at(MONDAY, 10), therapist=None)
    second = book(small, at(MONDAY, 10), therapist=None, client=DAVE)
    assert {first.therapist, second.therapist} == {small.alice, small.bob}
    assert {first.room, second.room} == {small.treatment_room, small.studio}
    with pytest.raises(SlotUnavailable):
        book(small, at(MONDAY, 10), therapist=None, client=services.ClientDetails("Erin", "erin@example.com"))


def test_anyone_skips_a_therapist_on_time_off(small: SmallClinic) -> None:
    TimeOff.objects.create(clinic=small.clinic, therapist=small.alice, start=at(MONDAY, 0), end=at(MONDAY, 23))
    assert book(small, at(MONDAY, 10), therapist=None).therapist == small.bob


def test_a_room_that_suits_the_service_must_be_free(small: SmallClinic) -> None:
    book(small, at(MONDAY, 10), therapist=small.bob)  # takes the treatment room, the first free
    book(small, at(MONDAY, 10), therapist=small.alice, client=DAVE)  # the studio
    with pytest.raises(SlotUnavailable):  # needling needs the treatment room
        book(small, at(MONDAY, 11), therapist=small.alice, service=small.needling)


def test_online_bookings_keep_to_notice_horizon_hours_and_the_step(small: SmallClinic) -> None:
    for start in (
        NOW + timedelta(minutes=30),  # inside the two hours' notice
        at(date(2026, 6, 1), 10),  # past the 12-week horizon
        at(MONDAY, 7),  # before opening
        at(MONDAY, 16, 30),  # would end after closing
        at(MONDAY, 10, 5),  # not on the 15-minute step
        at(date(2026, 3, 8), 10),  # a Sunday, no hours
    ):
        with pytest.raises(SlotUnavailable):
            book(small, start)
    assert Appointment.objects.count() == 0


def test_staff_may_book_outside_working_hours_but_never_in_time_off_or_over_another(small: SmallClinic) -> None:
    early = book(small, at(MONDAY, 7, 50), source=AppointmentSource.STAFF)
    assert early.source == AppointmentSource.STAFF
    TimeOff.objects.create(clinic=small.clinic, therapist=None, start=at(MONDAY, 13), end=at(MONDAY, 14))
    with pytest.raises(SlotUnavailable):
        book(small, at(MONDAY, 12, 30), source=AppointmentSource.STAFF, client=DAVE)
    with pytest.raises(SlotUnavailable):
        book(small, at(MONDAY, 8, 30), source=AppointmentSource.STAFF, client=DAVE)


def test_bad_input_names_its_field(small: SmallClinic) -> None:
    cases: list[tuple[Callable[[], Any], str]] = [
        (lambda: book(small, at(MONDAY, 10), client=services.ClientDetails("", "a@b.co")), "client.name"),
        (lambda: book(small, at(MONDAY, 10), client=services.ClientDetails("A", "not-an-email")), "client.email"),
        (lambda: book(small, at(MONDAY, 10), client=services.ClientDetails("A", "a@b.co", "call me")), "client.phone"),
        (lambda: book(small, datetime(2026, 3, 9, 10)), "start"),  # noqa: DTZ001 - naive on purpose
        (lambda: book(small, at(MONDAY, 10), therapist=small.bob, service=small.needling), "therapist"),
    ]
    for attempt, field in cases:
        with pytest.raises(InvalidBooking) as error:
            attempt()
        assert error.value.field == field


def test_a_repeated_idempotency_key_returns_the_first_booking_and_never_a_second(small: SmallClinic) -> None:
    first = services.appointment_book(
        clinic=small.clinic,
        service=small.massage,
        therapist=None,
        start=at(MONDAY, 10),
        client=CAROL,
        now=NOW,
        idempotency_key="retry-1",
        fingerprint="same",
    )
    again = services.appointment_book(
        clinic=small.clinic,
        service=small.massage,
        therapist=None,
        start=at(MONDAY, 10),
        client=CAROL,
        now=NOW,
        idempotency_key="retry-1",
        fingerprint="same",
    )
    assert again.replayed and not first.replayed and again.appointment.pk == first.appointment.pk
    assert Appointment.objects.count() == 1
    with pytest.raises(IdempotencyKeyReused):
        services.appointment_book(
            clinic=small.clinic,
            service=small.massage,
            therapist=None,
            start=at(MONDAY, 12),
            client=CAROL,
            now=NOW,
            idempotency_key="retry-1",
            fingerprint="different",
        )


def test_a_weekly_series_keeps_its_wall_clock_time_across_the_spring_change(small: SmallClinic) -> None:
    first = at(date(2026, 3, 16), 10)  # Monday, GMT; the clocks go forward on Sunday 29 March
    series = services.appointment_series_book(
        clinic=small.clinic,
        service=small.massage,
        therapist=small.bob,
        first_start=first,
        count=6,
        client=CAROL,
        now=NOW,
    )
    assert len(series) == 6 and len({a.series for a in series}) == 1
    hours_utc = [a.start.hour for a in series]
    assert hours_utc == [10, 10, 9, 9, 9, 9]  # 10:00 GMT, then 10:00 BST
    assert {a.start.astimezone(LONDON).strftime("%a %H:%M") for a in series} == {"Mon 10:00"}


def test_a_series_with_one_date_taken_books_nothing_and_names_that_date(small: SmallClinic) -> None:
    book(small, at(date(2026, 4, 6), 10, 30), therapist=small.bob)  # the fourth Monday
    with pytest.raises(SeriesConflict) as conflict:
        services.appointment_series_book(
            clinic=small.clinic,
            service=small.massage,
            therapist=small.bob,
            first_start=at(date(2026, 3, 16), 10),
            count=6,
            client=DAVE,
            now=NOW,
        )
    assert [c.date() for c in conflict.value.conflicts] == [date(2026, 4, 6)]
    assert Appointment.objects.count() == 1 and not Client.objects.filter(email=DAVE.email).exists()


def test_a_client_cannot_cancel_online_within_the_policy_window_but_staff_can(small: SmallClinic) -> None:
    appointment = book(small, at(MONDAY, 10))
    with pytest.raises(TooLateToChange) as late:
        services.appointment_cancel(appointment=appointment, by_client=True, now=at(MONDAY, 10) - timedelta(hours=23))
    assert "0117 496 0999" in str(late.value)
    services.appointment_cancel(appointment=appointment, by_client=False, now=at(MONDAY, 9))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    # Its time is offered again.
    free = selectors.availability(
        clinic=small.clinic,
        service=small.massage,
        first_day=MONDAY,
        last_day=MONDAY,
        therapist_id=small.alice.pk,
        now=NOW,
    )
    assert at(MONDAY, 10) in [s.start for s in free]


def test_cancelling_emails_the_client_and_offers_the_time_to_the_waitlist(
    small: SmallClinic, django_capture_on_commit_callbacks: Any
) -> None:
    appointment = book(small, at(MONDAY, 10))
    entry = services.waitlist_add(
        clinic=small.clinic,
        client=DAVE,
        service=small.massage,
        therapist=None,
        earliest=MONDAY,
        latest=MONDAY + timedelta(days=3),
        now=NOW,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=appointment, by_client=True, now=NOW)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    subjects = {m.subject.split(":")[0]: m for m in mail.outbox}
    assert set(subjects) == {"Cancelled", "A time has come free"}
    offer = subjects["A time has come free"]
    assert offer.to == [DAVE.email] and "Monday 9 March 2026 at 10:00 (GMT)" in offer.body
    assert "/book/details/?service=" in offer.body
    assert Delivery.objects.filter(kind="waitlist_offer", status="sent").count() == 1


def test_moving_checks_the_new_time_and_frees_the_old_one(small: SmallClinic) -> None:
    appointment = book(small, at(MONDAY, 10))
    book(small, at(MONDAY, 14), client=DAVE)
    with pytest.raises(SlotUnavailable):
        services.appointment_move(appointment=appointment, start=at(MONDAY, 14, 30), by_client=True, now=NOW)
    moved = services.appointment_move(appointment=appointment, start=at(MONDAY, 10, 30), by_client=True, now=NOW)
    assert moved.start == at(MONDAY, 10, 30) and moved.sequence == 1  # overlapping its own old time is fine
    assert book(small, at(MONDAY, 9), client=services.ClientDetails("Erin", "erin@example.com")).pk


def test_marking_completed_or_no_show_needs_the_appointment_to_have_started(small: SmallClinic) -> None:
    appointment = book(small, at(MONDAY, 10))
    with pytest.raises(InvalidBooking):
        services.appointment_mark(appointment=appointment, status=AppointmentStatus.NO_SHOW, now=NOW)
    done = services.appointment_mark(appointment=appointment, status=AppointmentStatus.COMPLETED, now=at(MONDAY, 11))
    assert done.status == AppointmentStatus.COMPLETED
    with pytest.raises(AppointmentClosed):
        services.appointment_cancel(appointment=done, by_client=False, now=at(MONDAY, 12))


def test_availability_costs_two_queries_whatever_the_range(
    small: SmallClinic, django_assert_max_num_queries: Any
) -> None:
    for day in range(10):
        book(small, at(MONDAY + timedelta(days=day), 10), therapist=None, source=AppointmentSource.STAFF)
    with django_assert_max_num_queries(2):
        one_day = selectors.availability(
            clinic=small.clinic, service=small.massage, first_day=MONDAY, last_day=MONDAY, now=NOW
        )
    with django_assert_max_num_queries(2):
        many = selectors.availability(
            clinic=small.clinic, service=small.massage, first_day=MONDAY, last_day=MONDAY + timedelta(days=30), now=NOW
        )
    assert len(many) > 20 * len(one_day) / 2
