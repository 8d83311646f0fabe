"""An appointment as an iCalendar file (RFC 5545), for the confirmation email.

Times are written in UTC (``...Z``): every calendar program converts them to the reader's
zone, so nothing depends on a time zone table travelling with the file, and the hour cannot
slip across a clock change (the failure behind several calendar bugs in booking systems).
The summary names the service and the clinic, never anything clinical.
"""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText

from knotwork.clinic.models import Appointment, AppointmentStatus


def appointment_ics(appointment: Appointment, *, manage_url: str, host: str, now: datetime) -> bytes:
    clinic = appointment.clinic
    calendar = Calendar()
    calendar.add("prodid", "-//Knotwork//Clinic booking//EN")
    calendar.add("version", "2.0")
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@{host}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("sequence", appointment.sequence)
    event.add("summary", f"{appointment.service.name} at {clinic.name}")
    event.add("location", vText(", ".join(line.strip() for line in clinic.address.splitlines() if line.strip())))
    event.add("description", f"With {appointment.therapist.display_name}. To cancel or move: {manage_url}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if clinic.email:
        organizer = vCalAddress(f"mailto:{clinic.email}")
        organizer.params["cn"] = vText(clinic.name)
        event.add("organizer", organizer)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
