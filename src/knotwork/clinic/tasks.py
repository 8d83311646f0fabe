"""Background tasks (Django's tasks framework; django-tasks-db in production).

Run the worker with ``knotwork manage clinic_worker``: it sends queued emails and, every
minute, the reminders that are due. With KNOTWORK_TASKS=immediate the emails are sent
inside the request instead (tests, or a clinic without a worker).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.tasks import task

logger = logging.getLogger(__name__)


@task
def appointment_message(appointment_id: int, kind: str) -> str:
    from knotwork.clinic.emails import send_appointment_message

    return str(send_appointment_message(appointment_id, kind).status)


@task
def waitlist_offer(entry_id: int, therapist_id: int, start: str) -> str:
    from knotwork.clinic.emails import send_waitlist_offer

    return str(send_waitlist_offer(entry_id, therapist_id, datetime.fromisoformat(start)).status)


@task
def send_due_reminders() -> dict[str, int]:
    from knotwork.clinic.reminders import reminders_send_due

    return reminders_send_due()


def enqueue_appointment_message(appointment_id: int, kind: str) -> None:
    try:
        appointment_message.enqueue(appointment_id, kind)
    except Exception:
        # The booking is committed; losing its email must not turn it into an error page.
        logger.exception("could not queue the %s email for appointment %s", kind, appointment_id)


def enqueue_waitlist_offer(entry_id: int, therapist_id: int, start: str) -> None:
    try:
        waitlist_offer.enqueue(entry_id, therapist_id, start)
    except Exception:
        logger.exception("could not queue the waitlist offer %s", entry_id)
