"""Reads: the current clinic, bookable services, free slots, calendars.

Availability costs a fixed handful of indexed queries whatever the date range (therapists,
their working hours, time off, their booked time; rooms and the rooms' booked time when the
service needs a room), then the pure :func:`knotwork.clinic.slots.free_slots` per therapist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone

from knotwork.clinic import slots
from knotwork.clinic.errors import NotFound
from knotwork.clinic.models import (
    Appointment,
    AppointmentStatus,
    Clinic,
    Service,
    Therapist,
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


@cache
def _bookable_service_sql(by_slug: bool) -> tuple[str, list[str]]:
    clinic_fields = [f.attname for f in Clinic._meta.concrete_fields]
    service_columns = [f.column for f in Service._meta.concrete_fields]
    quote = connection.ops.quote_name
    which = "c.slug = %s" if by_slug else "c.id = (SELECT MIN(id) FROM clinic_clinic)"
    columns = [f"s.{quote(c)}" for c in service_columns] + [f"c.{quote(c)} AS clinic__{c}" for c in clinic_fields]
    # Column names come from the models, never from input; values are query parameters.
    sql = (
        f"SELECT {', '.join(columns)} FROM clinic_service s JOIN clinic_clinic c ON c.id = s.clinic_id"  # noqa: S608
        f" WHERE s.id = %s AND s.active AND s.bookable_online AND {which}"
    )
    return sql, clinic_fields


def bookable_service(service_id: int) -> Service:
    """A service of the current clinic that can be booked online, with its clinic: one query.

    Hand-written, like availability below: it runs on every availability request, and building
    the equivalent ORM query (a join and a subquery) cost several times running it.
    """
    slug = getattr(settings, "KNOTWORK_CLINIC", "")
    sql, clinic_fields = _bookable_service_sql(bool(slug))
    rows = list(Service.objects.raw(sql, [service_id, *([slug] if slug else [])]))
    if not rows:
        raise NotFound("service")
    service = rows[0]
    # Clinic's columns are text and whole numbers, which both databases return as Python
    # strings and ints: no converters needed.
    clinic = Clinic(**{f: getattr(service, f"clinic__{f}") for f in clinic_fields})
    clinic._state.adding = False
    clinic._state.db = service._state.db
    service.clinic = clinic
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


def _utc(value: datetime | str) -> datetime:
    """A timestamp from a hand-written query: PostgreSQL gives aware datetimes; SQLite gives UTC
    as naive datetimes or, where a UNION loses the column's declared type, as text."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _wall(value: time | str) -> time:
    return time.fromisoformat(value) if isinstance(value, str) else value


# The hot path of availability reads its rows with two hand-written queries instead of the
# ORM's six: measured here, building an ORM query cost about ten times running it, and this
# path serves every step of the booking page and every online booking's check.
HOURS_SQL = """
SELECT wh.therapist_id, wh.weekday, wh.starts, wh.ends
FROM clinic_workinghours wh
JOIN clinic_therapist t ON t.id = wh.therapist_id
JOIN clinic_servicetherapist st ON st.therapist_id = t.id
WHERE st.service_id = %s AND t.active {only_one}
"""
# Blocked time in the window: the therapists' appointments ('a'), the suitable rooms'
# appointments ('r'), time off and closures ('t'), and which rooms suit the service ('m').
# The lower bound on blocked_start lets the (therapist, blocked_start) index do the work.
BUSY_SQL = """
SELECT 'a', a.therapist_id, a.blocked_start, a.blocked_end FROM clinic_appointment a
 WHERE a.therapist_id IN ({therapists}) AND a.status <> 'cancelled' {not_ignored}
   AND a.blocked_start >= %s AND a.blocked_start < %s AND a.blocked_end > %s
UNION ALL
SELECT 'r', a.room_id, a.blocked_start, a.blocked_end FROM clinic_appointment a
 WHERE a.room_id IN (SELECT sr.room_id FROM clinic_serviceroom sr JOIN clinic_room r ON r.id = sr.room_id
                      WHERE sr.service_id = %s AND r.active)
   AND a.status <> 'cancelled' {not_ignored}
   AND a.blocked_start >= %s AND a.blocked_start < %s AND a.blocked_end > %s
UNION ALL
SELECT 't', o.therapist_id, o.start, o."end" FROM clinic_timeoff o
 WHERE o.clinic_id = %s AND o."end" > %s AND o.start < %s
   AND (o.therapist_id IN ({therapists}) OR o.therapist_id IS NULL)
UNION ALL
SELECT 'm', sr.room_id, NULL, NULL FROM clinic_serviceroom sr JOIN clinic_room r ON r.id = sr.room_id
 WHERE sr.service_id = %s AND r.active
"""


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
    for one therapist or everyone who offers it, sorted by start then therapist. Two queries,
    whatever the range or the number of therapists."""
    now = now or timezone.now()
    zone = clinic.zone
    if last_day < first_day:
        return []
    ops = connection.ops
    hours: dict[int, list[slots.WeeklyHours]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            HOURS_SQL.format(only_one="AND t.id = %s" if therapist_id is not None else ""),
            [service.pk] + ([therapist_id] if therapist_id is not None else []),
        )
        for therapist, weekday, starts, ends in cursor.fetchall():
            hours.setdefault(therapist, []).append(slots.WeeklyHours(weekday, _wall(starts), _wall(ends)))
        if not hours:
            return []
        therapist_ids = sorted(hours)
        # A slot lies within its day, so only what is booked from the first day's start (less
        # this service's buffer before) to the last day's end (plus its buffer after) matters.
        window_start = slots.day_bounds(first_day, zone).start - service.buffer_before
        window_end = slots.day_bounds(last_day, zone).end + service.buffer_after
        lowest, ws, we = (
            ops.adapt_datetimefield_value(v) for v in (window_start - LONGEST_BLOCK, window_start, window_end)
        )
        ignored = [ignore_appointment_id] if ignore_appointment_id is not None else []
        marks = ", ".join(["%s"] * len(therapist_ids))
        cursor.execute(
            BUSY_SQL.format(therapists=marks, not_ignored="AND a.id <> %s" if ignored else ""),
            [
                *(*therapist_ids, *ignored, lowest, we, ws),  # the therapists' appointments
                *(service.pk, *ignored, lowest, we, ws),  # the rooms' appointments
                *(clinic.pk, ws, we, *therapist_ids),  # time off
                service.pk,  # the rooms that suit the service
            ],
        )
        rows = cursor.fetchall()
    booked: dict[int, list[slots.Interval]] = {}
    time_off: dict[int | None, list[slots.Interval]] = {}
    room_rows: dict[int, list[slots.Interval]] = {}
    room_ids: list[int] = []
    for kind, key, start, end in rows:
        if kind == "m":
            room_ids.append(key)
            continue
        interval = slots.Interval(_utc(start), _utc(end))
        if kind == "a":
            booked.setdefault(key, []).append(interval)
        elif kind == "r":
            room_rows.setdefault(key, []).append(interval)
        else:
            time_off.setdefault(key, []).append(interval)
    room_busy = {room: slots.Timeline(room_rows.get(room, [])) for room in sorted(room_ids)}

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
