"""Emails to clients, each recorded as a :class:`Delivery`: sent, or failed and why.

Messages go through Django's email backend (SMTP in production, see KNOTWORK_EMAIL_URL).
Links point at KNOTWORK_SITE_URL, since the worker sending them has no request to go by.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from knotwork.clinic.ics import appointment_ics
from knotwork.clinic.models import (
    Appointment,
    Clinic,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Therapist,
    WaitlistEntry,
)
from knotwork.clinic.tokens import manage_path


def site_url(path: str) -> str:
    return f"{settings.KNOTWORK_SITE_URL}{path}"


def when(moment: datetime, clinic: Clinic) -> str:
    """'Monday 30 March 2026 at 10:00' in the clinic's zone (the zone's abbreviation added)."""
    local = timezone.localtime(moment, clinic.zone)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} ({local.tzname()})"


SUBJECTS = {
    DeliveryKind.CONFIRMATION: "Booked: {service} on {when}",
    DeliveryKind.RESCHEDULED: "Moved: {service} now on {when}",
    DeliveryKind.CANCELLATION: "Cancelled: {service} on {when}",
    DeliveryKind.REMINDER: "Reminder: {service} on {when}",
}
OPENINGS = {
    DeliveryKind.CONFIRMATION: "your appointment is booked.",
    DeliveryKind.RESCHEDULED: "your appointment has been moved to the time below.",
    DeliveryKind.CANCELLATION: "your appointment below has been cancelled.",
    DeliveryKind.REMINDER: "a reminder of your appointment.",
}


def appointment_message(appointment: Appointment, kind: str, *, now: datetime) -> EmailMessage:
    clinic = appointment.clinic
    manage = site_url(manage_path(appointment.pk))
    moment = when(appointment.start, clinic)
    lines = [
        f"Hello {appointment.client.name},",
        "",
        f"{clinic.name}: {OPENINGS[DeliveryKind(kind)]}",
        "",
        f"  {appointment.service.name}",
        f"  {moment}",
        f"  with {appointment.therapist.display_name}",
    ]
    if appointment.room:
        lines.append(f"  in {appointment.room.name}")
    if clinic.address:
        lines += ["", "Where: " + ", ".join(line.strip() for line in clinic.address.splitlines() if line.strip())]
    if kind != DeliveryKind.CANCELLATION:
        lines += [
            "",
            f"To cancel or move it: {manage}",
            f"(Online changes close {clinic.cancellation_notice_hours} hours before the start"
            + (f"; after that please call {clinic.phone}.)" if clinic.phone else ".)"),
        ]
    lines += ["", clinic.name, clinic.phone, clinic.email]
    message = EmailMessage(
        subject=SUBJECTS[DeliveryKind(kind)].format(service=appointment.service.name, when=moment),
        body="\n".join(line for line in lines if line is not None).rstrip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[appointment.client.email],
        reply_to=[clinic.email] if clinic.email else None,
    )
    if kind != DeliveryKind.REMINDER:
        host = urlsplit(settings.KNOTWORK_SITE_URL).hostname or "knotwork"
        ics = appointment_ics(appointment, manage_url=manage, host=host, now=now)
        message.attach("appointment.ics", ics, "text/calendar; charset=utf-8")
    return message


def deliver(message: EmailMessage, delivery: Delivery) -> Delivery:
    """Send and record the outcome on ``delivery`` (already saved, status *sending*)."""
    try:
        message.send(fail_silently=False)
    except Exception as error:
        delivery.status = DeliveryStatus.FAILED
        delivery.error = f"{type(error).__name__}: {error}"[:2000]
    else:
        delivery.status = DeliveryStatus.SENT
        delivery.error = ""
        delivery.sent_at = timezone.now()
    delivery.save(update_fields=["status", "error", "sent_at"])
    return delivery


def send_appointment_message(appointment_id: int, kind: str, *, now: datetime | None = None) -> Delivery:
    now = now or timezone.now()
    appointment = Appointment.objects.select_related("clinic", "client", "service", "therapist", "room").get(
        pk=appointment_id
    )
    message = appointment_message(appointment, kind, now=now)
    delivery = Delivery.objects.create(
        clinic=appointment.clinic,
        appointment=appointment,
        kind=kind,
        to=appointment.client.email,
        subject=message.subject[:200],
    )
    return deliver(message, delivery)


def send_waitlist_offer(entry_id: int, therapist_id: int, start: datetime) -> Delivery:
    entry = WaitlistEntry.objects.select_related("clinic", "client", "service").get(pk=entry_id)
    clinic = entry.clinic
    therapist = Therapist.objects.get(pk=therapist_id)
    query = urlencode({"service": entry.service_id, "therapist": therapist_id, "start": start.isoformat()})
    link = site_url(f"{reverse('clinic:details')}?{query}")
    moment = when(start, clinic)
    body = "\n".join(
        [
            f"Hello {entry.client.name},",
            "",
            f"A time has come free at {clinic.name} for {entry.service.name}:",
            "",
            f"  {moment} with {therapist.display_name}",
            "",
            f"You are on our waiting list, so we are offering it to you first. To book it: {link}",
            "It goes to whoever books first, so it may be gone if you wait.",
            "",
            clinic.name,
            clinic.phone,
        ]
    )
    message = EmailMessage(
        subject=f"A time has come free: {entry.service.name} on {moment}",
        body=body + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[entry.client.email],
        reply_to=[clinic.email] if clinic.email else None,
    )
    delivery = Delivery.objects.create(
        clinic=clinic, kind=DeliveryKind.WAITLIST_OFFER, to=entry.client.email, subject=message.subject[:200]
    )
    return deliver(message, delivery)
