"""The sessions as an iCalendar file (RFC 5545) that Google, Apple and Outlook calendars import.

Each session is a VEVENT whose start and end carry ``TZID=Europe/London`` (the plan's zone), with
a VTIMEZONE describing that zone's clock changes over the plan's dates: 10:00 stays 10:00 in a
calendar set to London, and shows as the right hour in any other zone, in winter and in summer.
UIDs are stable (the plan's key and the session's number), so importing a re-made plan updates
the events instead of duplicating them. Sessions that depend on a review not yet done are marked
TENTATIVE.

The summary says only "Treatment session": a calendar may be shared or synced, so the clinical
detail (the muscles, the review) stays in the description, which the client chose to import.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from knotwork.plan.model import Plan


def plan_ics(plan: Plan, *, stamp: datetime | None = None, clinic: str = "Knotwork") -> bytes:
    """The plan's sessions as iCalendar bytes; ``stamp`` (UTC) is DTSTAMP, default now."""
    from icalendar import Alarm, Calendar, Event, Timezone

    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", "-//Knotwork//Treatment plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{clinic}: treatment sessions")
    cal.add("x-wr-timezone", plan.timezone)
    if plan.sessions:
        # A VTIMEZONE covering only the plan's years keeps the file small and exact.
        first = date(plan.sessions[0].date.year, 1, 1)
        last = date(plan.sessions[-1].date.year + 1, 12, 31)
        cal.add_component(Timezone.from_tzid(plan.timezone, first_date=first, last_date=last))
    names = {t.muscle: t.name for t in plan.targets}
    total = len(plan.sessions)
    for s in plan.sessions:
        event = Event()
        event.add("uid", f"{plan.key}-session-{s.number}@knotwork")
        event.add("dtstamp", stamp)
        event.add("dtstart", s.start)
        event.add("dtend", s.end)
        event.add("summary", f"{clinic}: treatment session {s.number} of {total}")
        lines = ["Focus: " + ", ".join(names.get(m, m) for m in s.focus)]
        if s.review is not None:
            lines.append(f"Review {s.review}: bring your pain diary (0-10).")
        if s.provisional:
            lines.append("To be confirmed: depends on how the treatment is going.")
        lines.append("Keep up your home programme between sessions.")
        event.add("description", "\n".join(lines))
        event.add("status", "TENTATIVE" if s.provisional else "CONFIRMED")
        event.add("transp", "OPAQUE")
        event.add("sequence", 0)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{clinic}: treatment session tomorrow")
        alarm.add("trigger", -timedelta(days=1))
        event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())
