"""Writes: booking, moving, cancelling, marking, recurring series, the waitlist.

Every write is one named function with keyword-only arguments. Double bookings are refused by
the database itself (exclusion constraints on PostgreSQL, triggers on SQLite, see
:mod:`knotwork.clinic.guards`); the checks here run inside the same transaction as the write
so that the error can say what is wrong and offer the nearest free slots. On SQLite the
transaction is ``BEGIN IMMEDIATE`` (settings), so it holds the write lock from its first
statement and the check and the insert cannot interleave with another booking.

Emails are queued with ``transaction.on_commit``: nobody is told about a booking that rolled back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from knotwork.clinic import selectors
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
    Clinic,
    DeliveryKind,
    Room,
    Service,
    ServiceRoom,
    Therapist,
    TimeOff,
    WaitlistEntry,
    WaitlistStatus,
)
from knotwork.clinic.slots import wall_to_utc

PHONE_CHARACTERS = set("0123456789+()- .")
SERIES_MAX = 26


@dataclass(frozen=True, slots=True)
class ClientDetails:
    name: str
    email: str
    phone: str = ""
    consent_to_contact: bool = False

    def cleaned(self) -> ClientDetails:
        """The details trimmed and checked; :class:`InvalidBooking` names the first bad field."""
        name, email, phone = self.name.strip(), self.email.strip(), self.phone.strip()
        if not name:
            raise InvalidBooking("client.name", "Please give a name.")
        if len(name) > 120:
            raise InvalidBooking("client.name", "The name is longer than 120 characters.")
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidBooking("client.email", "Please give an email address such as name@example.com.") from None
        if len(phone) > 40 or not set(phone) <= PHONE_CHARACTERS or (phone and sum(c.isdigit() for c in phone) < 6):
            raise InvalidBooking("client.phone", "Please give a phone number of digits, spaces and + ( ) -.")
        return ClientDetails(name, email.lower(), phone, self.consent_to_contact)


@dataclass(frozen=True, slots=True)
class BookingResult:
    appointment: Appointment
    replayed: bool = False  # True: an earlier request with the same Idempotency-Key made it


def client_for_booking(*, clinic: Clinic, details: ClientDetails, now: datetime) -> Client:
    """The clinic's client with this email, or a new one. An existing client's name is kept
    (anyone can type an email address); phone and consent follow their latest booking."""
    client = Client.objects.filter(clinic=clinic, email=details.email).order_by("id").first()  # stored lower-case
    consent_at = now if details.consent_to_contact else None
    if client is None:
        return Client.objects.create(
            clinic=clinic,
            name=details.name,
            email=details.email,
            phone=details.phone,
            consent_to_contact=details.consent_to_contact,
            consent_recorded_at=consent_at,
        )
    client.phone = details.phone or client.phone
    client.consent_to_contact = details.consent_to_contact
    client.consent_recorded_at = consent_at
    client.save(update_fields=["phone", "consent_to_contact", "consent_recorded_at"])
    return client


def _overlapping(
    blocked: tuple[datetime, datetime], *, ignore: int | None = None, **where: Any
) -> QuerySet[Appointment]:
    """Live appointments whose blocked range overlaps ``blocked`` (half-open ranges).

    The lower bound on ``blocked_start`` (no block is longer than LONGEST_BLOCK) lets the
    index on the start serve the query.
    """
    found = Appointment.objects.filter(
        **where,
        blocked_start__gte=blocked[0] - selectors.LONGEST_BLOCK,
        blocked_start__lt=blocked[1],
        blocked_end__gt=blocked[0],
    ).exclude(status=AppointmentStatus.CANCELLED)
    return found.exclude(pk=ignore) if ignore is not None else found


def _therapist_clash(therapist_id: int, blocked: tuple[datetime, datetime], *, ignore: int | None = None) -> bool:
    return _overlapping(blocked, ignore=ignore, therapist_id=therapist_id).exists()


def _time_off_clash(clinic: Clinic, therapist_id: int, start: datetime, end: datetime) -> bool:
    return (
        TimeOff.objects.filter(clinic=clinic, start__lt=end, end__gt=start)
        .filter(Q(therapist_id=therapist_id) | Q(therapist__isnull=True))
        .exists()
    )


def _free_rooms(
    service: Service, blocked: tuple[datetime, datetime], *, ignore: int | None = None
) -> list[Room | None]:
    """Rooms that suit the service and are free for the blocked range; ``[None]`` if it needs no room."""
    room_ids = list(
        ServiceRoom.objects.filter(service=service, room__active=True)
        .values_list("room_id", flat=True)
        .order_by("room_id")
    )
    if not room_ids:
        return [None]
    busy = set(_overlapping(blocked, ignore=ignore, room_id__in=room_ids).values_list("room_id", flat=True))
    return list(Room.objects.filter(pk__in=[r for r in room_ids if r not in busy]).order_by("id"))


def _aware(start: datetime) -> datetime:
    if start.tzinfo is None or start.utcoffset() is None:
        raise InvalidBooking("start", "The start time needs a UTC offset, such as 2026-03-30T10:00:00+01:00.")
    return start


def _check_service_and_therapist(
    *, clinic: Clinic, service: Service, therapist: Therapist | None, source: str
) -> list[Therapist]:
    if service.clinic_id != clinic.pk or not service.active:
        raise InvalidBooking("service", "No such service.")
    if source == AppointmentSource.ONLINE and not service.bookable_online:
        raise InvalidBooking("service", f"{service.name} cannot be booked online; please contact the clinic.")
    offering = selectors.therapists_for_service(service)
    if therapist is None:
        return offering
    if therapist.clinic_id != clinic.pk or not therapist.active:
        raise InvalidBooking("therapist", "No such therapist.")
    if therapist.pk not in {t.pk for t in offering}:
        raise InvalidBooking("therapist", f"{therapist.display_name} does not offer {service.name}.")
    return [therapist]


def appointment_book(
    *,
    clinic: Clinic,
    service: Service,
    therapist: Therapist | None,
    start: datetime,
    client: ClientDetails,
    source: str = AppointmentSource.ONLINE,
    notes: str = "",
    idempotency_key: str | None = None,
    fingerprint: str = "",
    now: datetime | None = None,
) -> BookingResult:
    """Book one appointment, with ``therapist`` or (``None``) anyone free who offers the service.

    Online bookings must start at an offered slot (working hours, time off, notice, horizon,
    the slot step). Staff bookings may be outside working hours but never overlap another
    appointment or time off. The buffers always come from the service.

    Raises :class:`InvalidBooking` (bad input, naming the field), :class:`SlotUnavailable`
    (with the nearest free slots) or :class:`IdempotencyKeyReused`. A repeated request with
    the same ``idempotency_key`` returns the first booking, never a second one.
    """
    now = now or timezone.now()
    start = _aware(start)
    if idempotency_key is not None:
        earlier = _replay(clinic, idempotency_key, fingerprint)
        if earlier is not None:
            return earlier
    details = client.cleaned()
    candidates = _check_service_and_therapist(clinic=clinic, service=service, therapist=therapist, source=source)
    end = start + service.duration
    blocked = (start - service.buffer_before, end + service.buffer_after)
    if source == AppointmentSource.ONLINE:
        day = timezone.localtime(start, clinic.zone).date()
        offered = {
            s.therapist_id
            for s in selectors.availability(
                clinic=clinic, service=service, first_day=day, last_day=day, now=now, therapist_id=_pk(therapist)
            )
            if s.start == start
        }
        # "Anyone": only therapists actually free then, least busy that day first would be
        # fairer, but the order of the clinic's list is predictable for the staff.
        candidates = [t for t in candidates if t.pk in offered]

    # Read before taking the write lock (SQLite) what rarely races: time off and free rooms.
    # A room taken meanwhile is refused by the database at the insert, and the next is tried.
    candidates = [c for c in candidates if not _time_off_clash(clinic, c.pk, start, end)]
    rooms = _free_rooms(service, blocked) if candidates else []
    appointment: Appointment | None = None
    if candidates and rooms:
        with transaction.atomic():
            booked_client = client_for_booking(clinic=clinic, details=details, now=now)
            for candidate in candidates:
                # The overlap check inside the write transaction (the database checks again).
                if _therapist_clash(candidate.pk, blocked):
                    continue
                for room in rooms:
                    try:
                        with transaction.atomic():  # a savepoint: a refused insert leaves the rest intact
                            appointment = Appointment.objects.create(
                                clinic=clinic,
                                client=booked_client,
                                therapist=candidate,
                                service=service,
                                room=room,
                                start=start,
                                end=end,
                                blocked_start=blocked[0],
                                blocked_end=blocked[1],
                                source=source,
                                notes=notes,
                                idempotency_key=idempotency_key,
                                request_fingerprint=fingerprint,
                            )
                        break
                    except IntegrityError:
                        # Another booking got in first (PostgreSQL's exclusion constraint,
                        # or the Idempotency-Key's unique index when a retry raced us).
                        if idempotency_key is not None and (earlier := _replay(clinic, idempotency_key, fingerprint)):
                            return earlier
                if appointment is not None:
                    break
            if appointment is not None:
                _notify_on_commit(appointment.pk, DeliveryKind.CONFIRMATION)
    if appointment is None:
        if idempotency_key is not None and (earlier := _replay(clinic, idempotency_key, fingerprint)):
            return earlier
        raise SlotUnavailable(
            "That time is not available.",
            selectors.nearest_slots(clinic=clinic, service=service, around=start, therapist_id=_pk(therapist), now=now),
        )
    return BookingResult(appointment)


def _pk(therapist: Therapist | None) -> int | None:
    return None if therapist is None else therapist.pk


def _replay(clinic: Clinic, key: str, fingerprint: str) -> BookingResult | None:
    earlier = Appointment.objects.filter(clinic=clinic, idempotency_key=key).first()
    if earlier is None:
        return None
    if earlier.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return BookingResult(earlier, replayed=True)


def _notify_on_commit(appointment_id: int, kind: str) -> None:
    from knotwork.clinic import tasks

    transaction.on_commit(lambda: tasks.enqueue_appointment_message(appointment_id, kind))


def _check_policy(appointment: Appointment, now: datetime) -> None:
    clinic = appointment.clinic
    if appointment.start - now < timedelta(hours=clinic.cancellation_notice_hours):
        raise TooLateToChange(clinic.cancellation_notice_hours, clinic.phone)


def client_may_change(appointment: Appointment, now: datetime | None = None) -> bool:
    """Whether the client may still cancel or move it online (booked, and outside the policy window)."""
    now = now or timezone.now()
    return appointment.status == AppointmentStatus.BOOKED and appointment.start - now >= timedelta(
        hours=appointment.clinic.cancellation_notice_hours
    )


def appointment_cancel(*, appointment: Appointment, by_client: bool, now: datetime | None = None) -> Appointment:
    """Cancel; the slot is free again and the waitlist is offered it. Cancelling twice is harmless.

    Clients are held to the clinic's cancellation policy (:class:`TooLateToChange`)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().select_related("clinic").get(pk=appointment.pk)
        if locked.status == AppointmentStatus.CANCELLED:
            return locked
        if locked.status != AppointmentStatus.BOOKED:
            raise AppointmentClosed(f"This appointment is already marked {locked.get_status_display().lower()}.")
        if by_client:
            _check_policy(locked, now)
        locked.status = AppointmentStatus.CANCELLED
        locked.cancelled_at = now
        locked.sequence += 1
        locked.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
        _notify_on_commit(locked.pk, DeliveryKind.CANCELLATION)
        if locked.start > now:
            freed = locked.pk
            transaction.on_commit(lambda: waitlist_offer_freed_slot(appointment_id=freed, now=now))
    return locked


def appointment_move(
    *,
    appointment: Appointment,
    start: datetime,
    therapist: Therapist | None = None,
    by_client: bool,
    now: datetime | None = None,
) -> Appointment:
    """Move to a new start (and optionally another therapist), keeping the service and its buffers.

    A client may only move to an offered slot and outside the policy window; staff may move
    anywhere that is free."""
    now = now or timezone.now()
    start = _aware(start)
    appointment = Appointment.objects.select_related("clinic", "service", "therapist").get(pk=appointment.pk)
    clinic, service = appointment.clinic, appointment.service
    if appointment.status != AppointmentStatus.BOOKED:
        raise AppointmentClosed("Only a booked appointment can be moved.")
    new_therapist = therapist or appointment.therapist
    _check_service_and_therapist(
        clinic=clinic,
        service=service,
        therapist=new_therapist,
        source=AppointmentSource.ONLINE if by_client else AppointmentSource.STAFF,
    )
    if by_client:
        _check_policy(appointment, now)
        day = timezone.localtime(start, clinic.zone).date()
        if not any(
            s.start == start
            for s in selectors.availability(
                clinic=clinic,
                service=service,
                first_day=day,
                last_day=day,
                therapist_id=new_therapist.pk,
                now=now,
                ignore_appointment_id=appointment.pk,
            )
        ):
            raise SlotUnavailable(
                "That time is not available.",
                selectors.nearest_slots(
                    clinic=clinic, service=service, around=start, therapist_id=new_therapist.pk, now=now
                ),
            )
    end = start + service.duration
    blocked = (start - service.buffer_before, end + service.buffer_after)
    old_start = appointment.start
    try:
        with transaction.atomic():
            locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if locked.status != AppointmentStatus.BOOKED:
                raise AppointmentClosed("Only a booked appointment can be moved.")
            rooms = _free_rooms(service, blocked, ignore=locked.pk)
            if (
                _therapist_clash(new_therapist.pk, blocked, ignore=locked.pk)
                or _time_off_clash(clinic, new_therapist.pk, start, end)
                or not rooms
            ):
                raise IntegrityError("clash")
            locked.room = locked.room if locked.room in rooms else rooms[0]
            locked.therapist = new_therapist
            locked.start, locked.end = start, end
            locked.blocked_start, locked.blocked_end = blocked
            locked.sequence += 1
            locked.save()
            _notify_on_commit(locked.pk, DeliveryKind.RESCHEDULED)
            if old_start > now:
                transaction.on_commit(
                    lambda: waitlist_offer_freed_slot(appointment_id=locked.pk, now=now, start=old_start)
                )
    except IntegrityError:
        raise SlotUnavailable(
            "That time is not available.",
            selectors.nearest_slots(
                clinic=clinic, service=service, around=start, therapist_id=new_therapist.pk, now=now
            ),
        ) from None
    return locked


def appointment_mark(*, appointment: Appointment, status: str, now: datetime | None = None) -> Appointment:
    """Mark a booked appointment completed or a no-show, once it has started."""
    now = now or timezone.now()
    if status not in {AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW}:
        raise InvalidBooking("status", "Mark an appointment completed or no-show.")
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status == AppointmentStatus.CANCELLED:
            raise AppointmentClosed("A cancelled appointment cannot be marked.")
        if locked.start > now:
            raise InvalidBooking("status", "An appointment can only be marked once it has started.")
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
    return locked


def appointment_series_book(
    *,
    clinic: Clinic,
    service: Service,
    therapist: Therapist,
    first_start: datetime,
    count: int,
    client: ClientDetails,
    notes: str = "",
    now: datetime | None = None,
) -> list[Appointment]:
    """Book the same wall-clock time every week, ``count`` times, all or nothing.

    Every date is checked (overlaps, time off, a free room) inside one transaction; if any is
    not free, :class:`SeriesConflict` names them all and nothing is booked. Weekly means the
    same local time: across a clock change the UTC time shifts and the wall time does not."""
    now = now or timezone.now()
    first_start = _aware(first_start)
    if not 1 <= count <= SERIES_MAX:
        raise InvalidBooking("count", f"A series has 1 to {SERIES_MAX} appointments.")
    details = client.cleaned()
    _check_service_and_therapist(clinic=clinic, service=service, therapist=therapist, source=AppointmentSource.STAFF)
    local = timezone.localtime(first_start, clinic.zone)
    starts = [wall_to_utc(local.date() + timedelta(weeks=i), local.time(), clinic.zone) for i in range(count)]
    series = uuid.uuid4()
    try:
        with transaction.atomic():
            booked_client = client_for_booking(clinic=clinic, details=details, now=now)
            conflicts: list[datetime] = []
            plan: list[tuple[datetime, Room | None]] = []
            for start in starts:
                end = start + service.duration
                blocked = (start - service.buffer_before, end + service.buffer_after)
                rooms = _free_rooms(service, blocked)
                if (
                    _therapist_clash(therapist.pk, blocked)
                    or _time_off_clash(clinic, therapist.pk, start, end)
                    or not rooms
                ):
                    conflicts.append(timezone.localtime(start, clinic.zone))
                else:
                    plan.append((start, rooms[0]))
            if conflicts:
                raise SeriesConflict(conflicts)
            created = [
                Appointment.objects.create(
                    clinic=clinic,
                    client=booked_client,
                    therapist=therapist,
                    service=service,
                    room=room,
                    start=start,
                    end=start + service.duration,
                    blocked_start=start - service.buffer_before,
                    blocked_end=start + service.duration + service.buffer_after,
                    source=AppointmentSource.STAFF,
                    notes=notes,
                    series=series,
                )
                for start, room in plan
            ]
            for appointment in created:
                _notify_on_commit(appointment.pk, DeliveryKind.CONFIRMATION)
    except IntegrityError:
        # A booking raced in between our checks and our inserts (PostgreSQL): nothing was kept.
        raise SeriesConflict([timezone.localtime(s, clinic.zone) for s in starts]) from None
    return created


def waitlist_add(
    *,
    clinic: Clinic,
    client: ClientDetails,
    service: Service,
    therapist: Therapist | None,
    earliest: date,
    latest: date,
    notes: str = "",
    now: datetime | None = None,
) -> WaitlistEntry:
    now = now or timezone.now()
    if latest < earliest:
        raise InvalidBooking("latest", "The last date is before the first.")
    if service.clinic_id != clinic.pk:
        raise InvalidBooking("service", "No such service.")
    with transaction.atomic():
        waiting = client_for_booking(clinic=clinic, details=client.cleaned(), now=now)
        return WaitlistEntry.objects.create(
            clinic=clinic,
            client=waiting,
            service=service,
            therapist=therapist,
            earliest=earliest,
            latest=latest,
            notes=notes,
        )


def waitlist_offer_freed_slot(
    *, appointment_id: int, now: datetime | None = None, start: datetime | None = None
) -> WaitlistEntry | None:
    """Offer a freed time (a cancelled appointment, or the old time of a moved one) to the
    longest-waiting client whose service, therapist and dates fit, by email. First come,
    first served: the offer links to the booking page, which checks the time is still free."""
    now = now or timezone.now()
    appointment = Appointment.objects.select_related("clinic").get(pk=appointment_id)
    freed_start = start or appointment.start
    day = timezone.localtime(freed_start, appointment.clinic.zone).date()
    with transaction.atomic():
        entry = (
            WaitlistEntry.objects.select_for_update()
            .filter(
                clinic=appointment.clinic,
                status=WaitlistStatus.WAITING,
                service_id=appointment.service_id,
                earliest__lte=day,
                latest__gte=day,
            )
            .filter(Q(therapist__isnull=True) | Q(therapist_id=appointment.therapist_id))
            .exclude(client_id=appointment.client_id)
            .order_by("created_at", "id")
            .first()
        )
        if entry is None:
            return None
        entry.status = WaitlistStatus.OFFERED
        entry.offered_at = now
        entry.save(update_fields=["status", "offered_at"])
        from knotwork.clinic import tasks

        offer = (entry.pk, appointment.therapist_id, freed_start.isoformat())
        transaction.on_commit(lambda: tasks.enqueue_waitlist_offer(*offer))
    return entry
