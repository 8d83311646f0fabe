"""The client's booking pages: service -> therapist or anyone -> day -> time -> details -> booked.

Server-rendered, every step a plain link or form (works without JavaScript); with htmx the
day's times swap in place (``book/times/``, the same partial the full page includes). The
booked page is the manage page: cancel or move with the signed link from the email, no
account needed, within the clinic's cancellation policy.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from knotwork.clinic import selectors, services
from knotwork.clinic.errors import ClinicError, InvalidBooking, NotFound, SlotUnavailable
from knotwork.clinic.ics import appointment_ics
from knotwork.clinic.models import Appointment, AppointmentSource, Clinic, Service, Therapist
from knotwork.clinic.tokens import manage_path, token_is_valid

DAYS_SHOWN = 14


class DetailsForm(forms.Form):
    name = forms.CharField(max_length=120, label="Your name")
    email = forms.EmailField(label="Email", help_text="For your confirmation and the link to cancel or move.")
    phone = forms.CharField(max_length=40, required=False, label="Phone (optional)")
    consent_to_contact = forms.BooleanField(
        required=False,
        label="Email me a reminder before the appointment, and let the clinic contact me about my bookings.",
    )
    attempt = forms.CharField(widget=forms.HiddenInput)  # an idempotency key: a double submit books once


def _clinic() -> Clinic:
    try:
        return selectors.clinic_current()
    except NotFound:
        raise Http404("No clinic has been set up yet.") from None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _choice(request: HttpRequest, clinic: Clinic) -> dict[str, Any]:
    """The choices so far, read from the query string; anything unknown is dropped back a step."""
    chosen: dict[str, Any] = {"service": None, "therapist": None, "anyone": False, "day": None}
    service_id = _int(request.GET.get("service"))
    if service_id is None:
        return chosen
    try:
        chosen["service"] = selectors.service_get(clinic, service_id)
    except NotFound:
        return chosen
    who = request.GET.get("therapist", "")
    if who == "any":
        chosen["anyone"] = True
    elif (therapist_id := _int(who)) is not None:
        offering = selectors.therapists_for_service(chosen["service"], therapist_id)
        chosen["therapist"] = offering[0] if offering else None
    try:
        chosen["day"] = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        chosen["day"] = None
    return chosen


def _slots_by_day(clinic: Clinic, service: Service, therapist: Therapist | None, first: date) -> dict[date, list[Any]]:
    slots = selectors.availability(
        clinic=clinic,
        service=service,
        first_day=first,
        last_day=first + timedelta(days=DAYS_SHOWN - 1),
        therapist_id=therapist.pk if therapist else None,
    )
    by_day: dict[date, list[Any]] = {first + timedelta(days=i): [] for i in range(DAYS_SHOWN)}
    seen: set[tuple[date, datetime]] = set()
    for slot in slots:
        local = timezone.localtime(slot.start, clinic.zone)
        # "Anyone": one button per time; booking then picks whoever is free.
        if therapist is None and (local.date(), slot.start) in seen:
            continue
        seen.add((local.date(), slot.start))
        by_day.setdefault(local.date(), []).append(
            {"start": slot.start, "local": local, "therapist": slot.therapist_id}
        )
    return by_day


def _times_context(clinic: Clinic, chosen: dict[str, Any], by_day: dict[date, list[Any]]) -> dict[str, Any]:
    day = chosen["day"]
    times = by_day.get(day, []) if day else []
    groups = [
        ("Morning", [t for t in times if t["local"].hour < 12]),
        ("Afternoon", [t for t in times if 12 <= t["local"].hour < 17]),
        ("Evening", [t for t in times if t["local"].hour >= 17]),
    ]
    return {"day": day, "groups": [g for g in groups if g[1]], "who": _who(chosen)}


def _who(chosen: dict[str, Any]) -> str:
    return "any" if chosen["anyone"] else str(chosen["therapist"].pk) if chosen["therapist"] else ""


def book(request: HttpRequest) -> HttpResponse:
    clinic = _clinic()
    chosen = _choice(request, clinic)
    context: dict[str, Any] = {"clinic": clinic, **chosen, "who": _who(chosen)}
    service = chosen["service"]
    if service is None:
        context["services"] = selectors.services_bookable(clinic)
    elif not (chosen["anyone"] or chosen["therapist"]):
        context["therapists"] = selectors.therapists_for_service(service)
    else:
        today = timezone.localdate(timezone=clinic.zone)
        by_day = _slots_by_day(clinic, service, chosen["therapist"], today)
        if chosen["day"] is None or chosen["day"] not in by_day:
            chosen["day"] = next((d for d, times in by_day.items() if times), None)
        context["days"] = [{"date": d, "count": len(times)} for d, times in by_day.items()]
        context.update(_times_context(clinic, chosen, by_day))
    return render(request, "clinic/book.html", context)


def times(request: HttpRequest) -> HttpResponse:
    """The times of one day (the htmx partial of the booking page)."""
    clinic = _clinic()
    chosen = _choice(request, clinic)
    if chosen["service"] is None or chosen["day"] is None:
        return redirect(reverse("clinic:book") + "?" + request.GET.urlencode())
    by_day = _slots_by_day(clinic, chosen["service"], chosen["therapist"], chosen["day"])
    context = {"clinic": clinic, **chosen, **_times_context(clinic, chosen, by_day)}
    return render(request, "clinic/_times.html", context)


def details(request: HttpRequest) -> HttpResponse:
    clinic = _clinic()
    source = request.POST if request.method == "POST" else request.GET
    service_id, therapist_id = _int(source.get("service")), source.get("therapist", "any")
    try:
        service = selectors.service_get(clinic, service_id or 0)
        # A "+" in a hand-typed query string arrives as a space.
        start = datetime.fromisoformat(source.get("start", "").replace(" ", "+"))
        if start.tzinfo is None:
            raise ValueError("naive")
    except (NotFound, ValueError):
        return redirect("clinic:book")
    therapist = None
    if therapist_id != "any":
        offering = selectors.therapists_for_service(service, _int(therapist_id))
        if not offering:
            return redirect("clinic:book")
        therapist = offering[0]
    context: dict[str, Any] = {
        "clinic": clinic,
        "service": service,
        "therapist": therapist,
        "who": therapist_id,
        "start": start,
        "local": timezone.localtime(start, clinic.zone),
    }
    if request.method != "POST":
        context["form"] = DetailsForm(initial={"attempt": uuid.uuid4().hex})
        return render(request, "clinic/details.html", context)
    form = DetailsForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "clinic/details.html", context, status=422)
    data = form.cleaned_data
    try:
        result = services.appointment_book(
            clinic=clinic,
            service=service,
            therapist=therapist,
            start=start,
            client=services.ClientDetails(data["name"], data["email"], data["phone"], data["consent_to_contact"]),
            source=AppointmentSource.ONLINE,
            idempotency_key=f"form:{data['attempt']}",
            fingerprint=f"form:{service.pk}:{therapist_id}:{start.isoformat()}",
        )
    except InvalidBooking as error:
        form.add_error(
            error.field.removeprefix("client.") if error.field.startswith("client.") else None, error.message
        )
        return render(request, "clinic/details.html", context, status=422)
    except SlotUnavailable as error:
        context["taken"] = True
        context["nearest"] = [
            {"start": s.start, "local": timezone.localtime(s.start, clinic.zone), "therapist": s.therapist_id}
            for s in error.nearest
        ]
        return render(request, "clinic/details.html", context, status=409)
    except ClinicError as error:
        form.add_error(None, str(error))
        return render(request, "clinic/details.html", context, status=409)
    return redirect(manage_path(result.appointment.pk) + "?booked=1")


def _appointment(appointment_id: int, token: str) -> Appointment:
    if not token_is_valid(appointment_id, token):
        raise Http404("This link is not valid.")
    appointment = (
        Appointment.objects.select_related("clinic", "client", "service", "therapist", "room")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise Http404("This appointment no longer exists.")
    return appointment


def manage(request: HttpRequest, appointment_id: int, token: str) -> HttpResponse:
    appointment = _appointment(appointment_id, token)
    clinic = appointment.clinic
    context: dict[str, Any] = {
        "clinic": clinic,
        "appointment": appointment,
        "token": token,
        "local": timezone.localtime(appointment.start, clinic.zone),
        "local_end": timezone.localtime(appointment.end, clinic.zone),
        "booked": request.GET.get("booked") == "1",
        "may_change": services.client_may_change(appointment),
    }
    if context["may_change"] and request.GET.get("move"):
        today = timezone.localdate(timezone=clinic.zone)
        by_day = _slots_excluding(appointment, today)
        chosen = {"day": None, "anyone": False, "therapist": appointment.therapist}
        try:
            chosen["day"] = date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            chosen["day"] = next((d for d, t in by_day.items() if t), None)
        context["days"] = [{"date": d, "count": len(t)} for d, t in by_day.items()]
        context.update(_times_context(clinic, chosen, by_day))
        context["moving"] = True
    return render(request, "clinic/manage.html", context)


def _slots_excluding(appointment: Appointment, first: date) -> dict[date, list[Any]]:
    clinic = appointment.clinic
    slots = selectors.availability(
        clinic=clinic,
        service=appointment.service,
        first_day=first,
        last_day=first + timedelta(days=DAYS_SHOWN - 1),
        therapist_id=appointment.therapist_id,
        ignore_appointment_id=appointment.pk,
    )
    by_day: dict[date, list[Any]] = {first + timedelta(days=i): [] for i in range(DAYS_SHOWN)}
    for slot in slots:
        local = timezone.localtime(slot.start, clinic.zone)
        by_day.setdefault(local.date(), []).append(
            {"start": slot.start, "local": local, "therapist": slot.therapist_id}
        )
    return by_day


@require_POST
def cancel(request: HttpRequest, appointment_id: int, token: str) -> HttpResponse:
    appointment = _appointment(appointment_id, token)
    try:
        services.appointment_cancel(appointment=appointment, by_client=True)
    except ClinicError as error:
        return _manage_with_error(request, appointment, token, str(error))
    return redirect(manage_path(appointment.pk))


@require_POST
def move(request: HttpRequest, appointment_id: int, token: str) -> HttpResponse:
    appointment = _appointment(appointment_id, token)
    try:
        start = datetime.fromisoformat(request.POST.get("start", ""))
        services.appointment_move(appointment=appointment, start=start, by_client=True)
    except ValueError:
        return _manage_with_error(request, appointment, token, "Please choose a time.")
    except ClinicError as error:
        return _manage_with_error(request, appointment, token, str(error))
    return redirect(manage_path(appointment.pk) + "?moved=1")


def _manage_with_error(request: HttpRequest, appointment: Appointment, token: str, message: str) -> HttpResponse:
    appointment.refresh_from_db()
    clinic = appointment.clinic
    context = {
        "clinic": clinic,
        "appointment": appointment,
        "token": token,
        "local": timezone.localtime(appointment.start, clinic.zone),
        "local_end": timezone.localtime(appointment.end, clinic.zone),
        "may_change": services.client_may_change(appointment),
        "error": message,
    }
    return render(request, "clinic/manage.html", context, status=409)


def ics(request: HttpRequest, appointment_id: int, token: str) -> HttpResponse:
    appointment = _appointment(appointment_id, token)
    body = appointment_ics(
        appointment,
        manage_url=request.build_absolute_uri(manage_path(appointment.pk)),
        host=request.get_host().split(":")[0],
        now=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response
