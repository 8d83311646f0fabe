"""Reads: the current clinic, bookable services, free slots, calendars.

Availability costs a fixed handful of indexed queries whatever the date range (therapists,
their working hours, time off, their booked time; rooms and the rooms' booked time when the
service needs a room), then the pure :func:`knotwork.clinic.slots.free_slots` per therapist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from knotwork.clinic import slots
from knotwork.clinic.errors import NotFound
from knotwork.clinic.models import (
    Appointment,
    AppointmentStatus,
    Clinic,
    Service,
    ServiceRoom,
    Therapist,
    TimeOff,
    WorkingHours,
)

# An appointment's blocked range is at most 8 h plus two 2 h buffers (model validators), so
# one that overlaps a window starts less than a day before it: a bound the index can use.
LONGEST_BLOCK = timedelta(days=1)
MAX_RANGE_DAYS = 62


@dataclass(frozen=True, slots=True)
class OfferedSlot:
    therapist_id: int
    start: datetime
    end: datetime


def clinic_current() -> Clinic:
    """The clinic this deployment serves: ``KNOTWORK_CLINIC`` (a slug) or the first one."""
    slug = getattr(settings, "KNOTWORK_CLINIC", "")
    clinics = Clinic.objects.all()
    clinic = clinics.filter(slug=slug).first() if slug else clinics.first()
    if clinic is None:
        raise NotFound("clinic")
    return clinic


def services_bookable(clinic: Clinic) -> list[Service]:
    return list(Service.objects.filter(clinic=clinic, active=True, bookable_online=True).prefetch_related("therapists"))


def service_get(clinic: Clinic, service_id: int, *, online: bool = True) -> Service:
    services = Service.objects.filter(clinic=clinic, active=True)
    if online:
        services = services.filter(bookable_online=True)
    service = services.filter(pk=service_id).first()
    if service is None:
        raise NotFound("service")
    return service


def therapists_for_service(service: Service, therapist_id: int | None = None) -> list[Therapist]:
    therapists = Therapist.objects.filter(clinic_id=service.clinic_id, active=True, servicetherapist__service=service)
    if therapist_id is not None:
        therapists = therapists.filter(pk=therapist_id)
    return list(therapists)


def rules_for(clinic: Clinic, service: Service, *, online: bool = True) -> slots.Rules:
    return slots.Rules(
        duration=service.duration,
        buffer_before=service.buffer_before,
        buffer_after=service.buffer_after,
        step=timedelta(minutes=clinic.slot_step_minutes),
        min_notice=timedelta(minutes=clinic.min_notice_minutes) if online else timedelta(0),
        horizon=timedelta(days=clinic.horizon_days) if online else timedelta(days=3660),
    )


def _rows_to_intervals(rows: list[tuple[int | None, datetime, datetime]]) -> dict[int | None, list[slots.Interval]]:
    by_key: dict[int | None, list[slots.Interval]] = {}
    for key, start, end in rows:
        by_key.setdefault(key, []).append(slots.Interval(start, end))
    return by_key


def availability(
    *,
    clinic: Clinic,
    service: Service,
    first_day: date,
    last_day: date,
    therapist_id: int | None = None,
    now: datetime | None = None,
    ignore_appointment_id: int | None = None,
    online: bool = True,
) -> list[OfferedSlot]:
    """Free slots of ``service`` from ``first_day`` to ``last_day`` (the clinic's local dates),
    for one therapist or everyone who offers it, sorted by start then therapist."""
    now = now or timezone.now()
    zone = clinic.zone
    therapist_ids = [t.pk for t in therapists_for_service(service, therapist_id)]
    if not therapist_ids or last_day < first_day:
        return []
    window_start = slots.day_bounds(first_day, zone).start - LONGEST_BLOCK
    window_end = slots.day_bounds(last_day, zone).end + LONGEST_BLOCK
    live = ~Q(status=AppointmentStatus.CANCELLED)
    if ignore_appointment_id is not None:
        live &= ~Q(pk=ignore_appointment_id)

    hours: dict[int, list[slots.WeeklyHours]] = {}
    for therapist, weekday, starts, ends in WorkingHours.objects.filter(therapist_id__in=therapist_ids).values_list(
        "therapist_id", "weekday", "starts", "ends"
    ):
        hours.setdefault(therapist, []).append(slots.WeeklyHours(weekday, starts, ends))
    time_off = _rows_to_intervals(
        list(
            TimeOff.objects.filter(clinic=clinic, end__gt=window_start, start__lt=window_end)
            .filter(Q(therapist_id__in=therapist_ids) | Q(therapist__isnull=True))
            .values_list("therapist_id", "start", "end")
        )
    )
    booked = _rows_to_intervals(
        list(
            Appointment.objects.filter(
                live,
                therapist_id__in=therapist_ids,
                blocked_start__gte=window_start - LONGEST_BLOCK,
                blocked_start__lt=window_end,
                blocked_end__gt=window_start,
            ).values_list("therapist_id", "blocked_start", "blocked_end")
        )
    )
    room_ids = list(
        ServiceRoom.objects.filter(service=service, room__active=True)
        .values_list("room_id", flat=True)
        .order_by("room_id")
    )
    room_busy: dict[int | None, slots.Timeline] = {}
    if room_ids:
        rows = _rows_to_intervals(
            list(
                Appointment.objects.filter(
                    live,
                    room_id__in=room_ids,
                    blocked_start__gte=window_start - LONGEST_BLOCK,
                    blocked_start__lt=window_end,
                    blocked_end__gt=window_start,
                ).values_list("room_id", "blocked_start", "blocked_end")
            )
        )
        room_busy = {room: slots.Timeline(rows.get(room, [])) for room in room_ids}

    rules = rules_for(clinic, service, online=online)
    closures = time_off.get(None, [])
    offered: list[OfferedSlot] = []
    for therapist in therapist_ids:
        for slot in slots.free_slots(
            first_day=first_day,
            last_day=last_day,
            zone=zone,
            hours=hours.get(therapist, []),
            time_off=[*closures, *time_off.get(therapist, [])],
            booked=booked.get(therapist, []),
            rules=rules,
            now=now,
        ):
            if room_busy and all(
                timeline.overlaps(slot.start - rules.buffer_before, slot.end + rules.buffer_after)
                for timeline in room_busy.values()
            ):
                continue  # every suitable room is taken then
            offered.append(OfferedSlot(therapist, slot.start, slot.end))
    offered.sort(key=lambda s: (s.start, s.therapist_id))
    return offered


def nearest_slots(
    *,
    clinic: Clinic,
    service: Service,
    around: datetime,
    therapist_id: int | None = None,
    now: datetime | None = None,
    count: int = 5,
) -> list[OfferedSlot]:
    """The free slots closest in time to ``around`` (within a week either side), for a 409 answer."""
    day = timezone.localtime(around, clinic.zone).date()
    found = availability(
        clinic=clinic,
        service=service,
        first_day=day - timedelta(days=7),
        last_day=day + timedelta(days=7),
        therapist_id=therapist_id,
        now=now,
    )
    found.sort(key=lambda s: (abs(s.start - around), s.start, s.therapist_id))
    return sorted(found[:count], key=lambda s: (s.start, s.therapist_id))


def appointments_between(
    clinic: Clinic, start: datetime, end: datetime, *, therapist_id: int | None = None, include_cancelled: bool = False
) -> list[Appointment]:
    """Appointments starting in ``[start, end)``, for the staff calendar (one query)."""
    appointments = Appointment.objects.filter(clinic=clinic, start__gte=start, start__lt=end).select_related(
        "client", "therapist", "service", "room"
    )
    if therapist_id is not None:
        appointments = appointments.filter(therapist_id=therapist_id)
    if not include_cancelled:
        appointments = appointments.exclude(status=AppointmentStatus.CANCELLED)
    return list(appointments.order_by("start", "therapist_id"))
