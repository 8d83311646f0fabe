"""Reminder emails, a set time before each appointment (the clinic's ``reminder_hours``, 24 by default).

Run by the worker every minute (``knotwork manage clinic_worker``) or from cron
(``knotwork manage send_reminders``). Idempotent: a reminder is claimed by inserting its
:class:`Delivery` row first, and a unique index allows one row per appointment and start
time, so two runs at once, or a run repeated, never send a reminder twice. A failed send is
retried on later runs (up to three attempts); one that may have reached the server (the
worker died while sending) is not. Cancelled appointments and clients who did not agree to
be contacted get none.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from knotwork.clinic.emails import appointment_message, deliver
from knotwork.clinic.models import (
    Appointment,
    AppointmentStatus,
    Clinic,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
)

MAX_ATTEMPTS = 3


def _claim(appointment: Appointment, subject: str) -> Delivery | None:
    """Take the right to send this reminder, or None if it is sent, being sent, or given up on."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                clinic_id=appointment.clinic_id,
                appointment=appointment,
                kind=DeliveryKind.REMINDER,
                for_start=appointment.start,
                to=appointment.client.email,
                subject=subject[:200],
            )
    except IntegrityError:
        pass
    # A failed earlier attempt may be retried; the conditional update is the claim.
    earlier = Delivery.objects.filter(
        appointment=appointment,
        kind=DeliveryKind.REMINDER,
        for_start=appointment.start,
        status=DeliveryStatus.FAILED,
        attempts__lt=MAX_ATTEMPTS,
    ).first()
    if earlier is None:
        return None
    claimed = Delivery.objects.filter(pk=earlier.pk, status=DeliveryStatus.FAILED, attempts=earlier.attempts).update(
        status=DeliveryStatus.SENDING, attempts=earlier.attempts + 1
    )
    if not claimed:
        return None
    earlier.refresh_from_db()
    return earlier


def reminders_send_due(*, now: datetime | None = None) -> dict[str, int]:
    """Send every reminder that is due now; returns how many were sent and how many failed."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0}
    for clinic in Clinic.objects.all():
        due = (
            Appointment.objects.filter(
                clinic=clinic,
                status=AppointmentStatus.BOOKED,
                start__gt=now,
                start__lte=now + timedelta(hours=clinic.reminder_hours),
                client__consent_to_contact=True,
            )
            .exclude(
                Exists(
                    Delivery.objects.filter(
                        appointment=OuterRef("pk"),
                        kind=DeliveryKind.REMINDER,
                        for_start=OuterRef("start"),
                        status__in=[DeliveryStatus.SENT, DeliveryStatus.SENDING],
                    )
                )
            )
            .select_related("clinic", "client", "service", "therapist", "room")
        )
        for appointment in due:
            message = appointment_message(appointment, DeliveryKind.REMINDER, now=now)
            delivery = _claim(appointment, message.subject)
            if delivery is None:
                continue
            # Cancelled between the query and the claim: record it, send nothing.
            if Appointment.objects.filter(pk=appointment.pk, status=AppointmentStatus.BOOKED).exists():
                deliver(message, delivery)
            else:
                delivery.status, delivery.error = DeliveryStatus.FAILED, "Not sent: the appointment was cancelled."
                delivery.attempts = MAX_ATTEMPTS
                delivery.save(update_fields=["status", "error", "attempts"])
            counts["sent" if delivery.status == DeliveryStatus.SENT else "failed"] += 1
    return counts
