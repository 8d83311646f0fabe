"""Public JSON API, version 1: services, availability, booking and cancelling.

    GET  /api/v1/services
    GET  /api/v1/availability?service=ID&start=YYYY-MM-DD&end=YYYY-MM-DD[&therapist=ID]
    POST /api/v1/appointments                  (Idempotency-Key header: retries are safe)
    POST /api/v1/appointments/{id}/cancel      {"token": ...}
    GET  /api/v1/openapi.json, /api/v1/docs

Domain errors become HTTP answers in one place, :func:`install_error_handlers`. Staff
endpoints live on their own router with authentication (``/api/v1/staff/...``, Django
session login of a staff user today; API tokens can be added as another ``auth`` there).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from datetime import date, datetime, timedelta
from typing import Any

import msgspec
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, NinjaAPI, Query, Router, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from knotwork.api.schemas import (
    AppointmentIn,
    AppointmentOut,
    CancelIn,
    ConflictOut,
    ErrorOut,
    ServiceOut,
    SlotOut,
)
from knotwork.clinic import livecache, selectors, services
from knotwork.clinic.errors import (
    AppointmentClosed,
    BadToken,
    IdempotencyKeyReused,
    InvalidBooking,
    NotFound,
    SeriesConflict,
    SlotUnavailable,
    TooLateToChange,
)
from knotwork.clinic.models import Appointment, AppointmentSource, Clinic, Therapist
from knotwork.clinic.tokens import appointment_token, manage_path, token_is_valid

api = NinjaAPI(
    title="Knotwork clinic booking",
    version="1",
    description="Book a clinic's services online. Times are ISO 8601 with the clinic's UTC offset.",
    urls_namespace="api-v1",
)


def field_error(location: str, field: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"loc": [location, *field.split(".")], "msg": message, "type": "value_error"}])


class AnswerCache:
    """A small per-process LRU of encoded availability answers.

    Safe to share between requests because the key holds everything the answer depends on,
    including the clinic's availability version, which the database bumps in the same
    transaction as any write that changes free time (knotwork.clinic.versioning). The key's
    clinic and service come from knotwork.clinic.livecache: on a hit on PostgreSQL, no query.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        body = self.items.get(key)
        if body is not None:
            self.items.move_to_end(key)
        return body

    def put(self, key: tuple[Any, ...], body: bytes) -> None:
        self.items[key] = body
        if len(self.items) > self.size:
            self.items.popitem(last=False)


AVAILABILITY_CACHE = AnswerCache(1024)


def slot_out(slot: selectors.OfferedSlot, clinic: Clinic) -> dict[str, Any]:
    zone = clinic.zone
    return {
        "therapist": slot.therapist_id,
        "start": slot.start.astimezone(zone).isoformat(),
        "end": slot.end.astimezone(zone).isoformat(),
    }


def appointment_out(request: HttpRequest, appointment: Appointment) -> dict[str, Any]:
    zone = appointment.clinic.zone
    return {
        "id": appointment.pk,
        "service": appointment.service_id,
        "therapist": appointment.therapist_id,
        "start": appointment.start.astimezone(zone).isoformat(),
        "end": appointment.end.astimezone(zone).isoformat(),
        "status": appointment.status,
        "cancel_url": request.build_absolute_uri(manage_path(appointment.pk)),
        "cancel_token": appointment_token(appointment.pk),
    }


def install_error_handlers(api: NinjaAPI) -> None:
    """The one place where the clinic's domain errors become HTTP status codes."""

    def conflict(request: HttpRequest, error: Exception, code: str, **extra: Any) -> HttpResponse:
        body: dict[str, Any] = {"detail": str(error), "code": code, "nearest": [], **extra}
        if isinstance(error, SlotUnavailable):
            clinic = selectors.clinic_current()
            body["nearest"] = [slot_out(slot, clinic) for slot in error.nearest]
        return api.create_response(request, body, status=409)

    @api.exception_handler(NinjaValidationError)
    def validation(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
        # Field paths as the client wrote them: ["body", "client", "email"], without the
        # name of the Python parameter ("payload") that ninja puts in.
        detail = []
        for item in error.errors:
            loc = list(item.get("loc", []))
            if loc[:2] == ["body", "payload"]:
                loc = ["body", *loc[2:]]
            detail.append({**item, "loc": loc})
        return api.create_response(request, {"detail": detail}, status=422)

    @api.exception_handler(InvalidBooking)
    def invalid(request: HttpRequest, error: InvalidBooking) -> HttpResponse:
        detail = [{"loc": ["body", *error.field.split(".")], "msg": error.message, "type": "value_error"}]
        return api.create_response(request, {"detail": detail}, status=422)

    @api.exception_handler(IdempotencyKeyReused)
    def reused(request: HttpRequest, error: IdempotencyKeyReused) -> HttpResponse:
        detail = [{"loc": ["header", "Idempotency-Key"], "msg": str(error), "type": "value_error"}]
        return api.create_response(request, {"detail": detail}, status=422)

    @api.exception_handler(SlotUnavailable)
    def unavailable(request: HttpRequest, error: SlotUnavailable) -> HttpResponse:
        return conflict(request, error, "slot_unavailable")

    @api.exception_handler(SeriesConflict)
    def series(request: HttpRequest, error: SeriesConflict) -> HttpResponse:
        return conflict(request, error, "series_conflict")

    @api.exception_handler(TooLateToChange)
    def too_late(request: HttpRequest, error: TooLateToChange) -> HttpResponse:
        return conflict(request, error, "too_late_to_change", phone=error.phone)

    @api.exception_handler(AppointmentClosed)
    def closed(request: HttpRequest, error: AppointmentClosed) -> HttpResponse:
        return conflict(request, error, "appointment_closed")

    @api.exception_handler(BadToken)
    def bad_token(request: HttpRequest, error: BadToken) -> HttpResponse:
        return api.create_response(request, {"detail": str(error), "code": "bad_token"}, status=403)

    @api.exception_handler(NotFound)
    def not_found(request: HttpRequest, error: NotFound) -> HttpResponse:
        return api.create_response(request, {"detail": str(error), "code": "not_found"}, status=404)


install_error_handlers(api)


@api.get("/services", response=list[ServiceOut], summary="Services that can be booked online")
def list_services(request: HttpRequest) -> list[dict[str, Any]]:
    clinic = selectors.clinic_current()
    return [
        {
            "id": s.pk,
            "name": s.name,
            "description": s.description,
            "duration_minutes": s.duration_minutes,
            "price": s.price,
            "buffer_before_minutes": s.buffer_before_minutes,
            "buffer_after_minutes": s.buffer_after_minutes,
            "therapists": sorted(t.pk for t in s.therapists.all() if t.active),
        }
        for s in selectors.services_bookable(clinic)
    ]


@api.get("/availability", response=list[SlotOut], summary="Free slots of a service over a date range")
def availability(
    request: HttpRequest,
    service: int,
    start: date,
    end: date,
    therapist: int | None = None,
) -> HttpResponse:
    """Dates are the clinic's local dates, both included, at most 62 days apart."""
    if end < start:
        raise field_error("query", "end", "end is before start")
    if (end - start).days >= selectors.MAX_RANGE_DAYS:
        raise field_error("query", "end", f"ask for at most {selectors.MAX_RANGE_DAYS} days at a time")
    try:
        # From process memory on PostgreSQL when that is safe, dropped when the database
        # notifies a change (knotwork.clinic.livecache); otherwise one query.
        chosen = livecache.bookable_service(service)
    except NotFound:
        raise field_error("query", "service", "no such service can be booked online") from None
    clinic = chosen.clinic
    # Slots are computed for the end of the current minute: a slot may disappear up to a minute
    # early for the minimum notice, never late; and the answer can be shared for that minute.
    now = timezone.now()
    now = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    key = (
        clinic.pk,
        clinic.availability_version,  # bumped by the database on every write that changes free time
        clinic.time_zone,
        clinic.min_notice_minutes,
        clinic.horizon_days,
        clinic.slot_step_minutes,
        chosen.pk,
        chosen.duration_minutes,
        chosen.buffer_before_minutes,
        chosen.buffer_after_minutes,
        start,
        end,
        therapist,
        now,
    )
    body = AVAILABILITY_CACHE.get(key)
    if body is None:
        found = selectors.availability(
            clinic=clinic, service=chosen, first_day=start, last_day=end, therapist_id=therapist, now=now
        )
        if (
            therapist is not None
            and not found
            and not Therapist.objects.filter(pk=therapist, clinic=clinic, active=True).exists()
        ):  # asked only then, so a known therapist's answer costs no extra query
            raise field_error("query", "therapist", "no such therapist")
        # The hottest endpoint: encoded directly (msgspec), the schema above is for the docs.
        body = msgspec.json.encode([slot_out(slot, clinic) for slot in found])
        db = connections[DEFAULT_DB_ALIAS]
        if not db.in_atomic_block and db.get_autocommit():
            # Only answers read from committed data are shared: inside a transaction the version
            # may be this transaction's own uncommitted bump, which a rollback would hand to the
            # next commit with different free time.
            AVAILABILITY_CACHE.put(key, body)
    return HttpResponse(body, content_type="application/json")


@api.post(
    "/appointments",
    response={201: AppointmentOut, 409: ConflictOut},
    summary="Book an appointment",
)
def book(
    request: HttpRequest,
    response: HttpResponse,
    payload: AppointmentIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        description="any unique string; repeating a request with it returns the first result",
    ),
) -> Status[dict[str, Any]]:
    clinic = selectors.clinic_current()
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 200:
        raise field_error("header", "Idempotency-Key", "use 1 to 200 characters")
    try:
        service = selectors.service_get(clinic, payload.service)
    except NotFound:
        raise InvalidBooking("service", "No such service can be booked online.") from None
    therapist = None
    if payload.therapist is not None:
        therapist = Therapist.objects.filter(pk=payload.therapist, clinic=clinic).first()
        if therapist is None:
            raise InvalidBooking("therapist", "No such therapist.")
    fingerprint = hashlib.sha256(json.dumps(payload.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()
    result = services.appointment_book(
        clinic=clinic,
        service=service,
        therapist=therapist,
        start=payload.start,
        client=services.ClientDetails(
            name=payload.client.name,
            email=payload.client.email,
            phone=payload.client.phone,
            consent_to_contact=payload.client.consent_to_contact,
        ),
        source=AppointmentSource.ONLINE,
        notes=payload.notes,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
    )
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(201, appointment_out(request, result.appointment))


@api.post(
    "/appointments/{appointment_id}/cancel",
    response={200: AppointmentOut, 403: ErrorOut, 409: ConflictOut},
    summary="Cancel with the token from the booking (the clinic's cancellation policy applies)",
)
def cancel(request: HttpRequest, appointment_id: int, payload: CancelIn) -> dict[str, Any]:
    clinic = selectors.clinic_current()
    appointment = Appointment.objects.select_related("clinic").filter(pk=appointment_id, clinic=clinic).first()
    # The same answer for a wrong token and an unknown id: ids are not for guessing.
    if appointment is None or not token_is_valid(appointment.pk, payload.token):
        raise BadToken()
    return appointment_out(request, services.appointment_cancel(appointment=appointment, by_client=True))


# Staff endpoints: authenticated, same error mapping. More (create, move, mark) come later.
staff = Router(auth=django_auth, tags=["staff"])


class StaffOnly(Exception):
    pass


@api.exception_handler(StaffOnly)
def staff_only(request: HttpRequest, error: StaffOnly) -> HttpResponse:
    return api.create_response(request, {"detail": "Staff only.", "code": "forbidden"}, status=403)


@staff.get("/appointments", response=list[AppointmentOut], summary="The clinic's appointments in a date range")
def staff_appointments(request: HttpRequest, start: date, end: date, therapist: int | None = Query(None)) -> list[Any]:
    if not getattr(request.user, "is_staff", False):
        raise StaffOnly()
    clinic = selectors.clinic_current()
    if end < start or (end - start).days >= selectors.MAX_RANGE_DAYS:
        raise field_error("query", "end", f"end must be on or after start, at most {selectors.MAX_RANGE_DAYS} days on")
    zone = clinic.zone
    first = datetime.combine(start, datetime.min.time(), tzinfo=zone)
    last = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return [
        appointment_out(request, a)
        for a in selectors.appointments_between(clinic, first, last, therapist_id=therapist, include_cancelled=True)
    ]


api.add_router("/staff", staff)
