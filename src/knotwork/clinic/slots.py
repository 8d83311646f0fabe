"""Free appointment slots: weekly working hours minus time off and booked time. Pure Python.

This module imports no Django, so it can be tested exhaustively and fast; the selectors feed
it rows read in a handful of queries and turn its slots into API answers.

Time zones and daylight saving. Working hours are wall-clock times in the clinic's zone
(Europe/London: GMT in winter, BST in summer). Each day's working window is converted to UTC
once, and slots are laid out from the window's start in real (UTC) steps. So across the
change, at 01:00 on the last Sunday of March or October, no slot vanishes or is offered
twice, and the slots keep their wall-clock times (09:00, 09:15, ...). A wall time that does
not exist (the hour skipped in March) is read as a clock reads it, an hour later; one that
happens twice (the hour repeated in October) is its first occurrence.

All datetimes going in and out are timezone-aware; ranges are half-open ``[start, end)``, so
an appointment may begin exactly when the previous one (with its buffer) ends.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """A working window on one weekday (0 = Monday), in wall-clock time."""

    weekday: int
    starts: time
    ends: time


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open span of time ``[start, end)``; aware datetimes."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Rules:
    """What a slot must satisfy: the service's length and buffers, the clinic's step, notice and horizon."""

    duration: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    step: timedelta = timedelta(minutes=15)
    min_notice: timedelta = timedelta(0)
    horizon: timedelta = timedelta(days=84)

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise ValueError("duration must be positive")
        if self.step <= timedelta(0):
            raise ValueError("step must be positive")
        if self.buffer_before < timedelta(0) or self.buffer_after < timedelta(0):
            raise ValueError("buffers cannot be negative")


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    end: datetime


def wall_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant a wall clock in ``zone`` shows ``at`` on ``day`` (see the module notes for DST)."""
    local = datetime.combine(day, at, tzinfo=zone)  # fold=0: first occurrence, or shifted forward
    return local.astimezone(UTC)


def day_bounds(day: date, zone: ZoneInfo) -> Interval:
    """A calendar day in ``zone`` as instants (23 or 25 hours long on the change days)."""
    return Interval(wall_to_utc(day, time(0), zone), wall_to_utc(day + timedelta(days=1), time(0), zone))


class Timeline:
    """Disjoint, sorted busy intervals, for O(log n) "does this range touch anything busy?"."""

    __slots__ = ("ends", "starts")

    def __init__(self, intervals: Iterable[Interval]) -> None:
        merged: list[list[datetime]] = []
        for interval in sorted(intervals, key=lambda i: i.start):
            if interval.end <= interval.start:
                continue
            if merged and interval.start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], interval.end)
            else:
                merged.append([interval.start, interval.end])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        # The last busy interval starting before `end` is the only one that can overlap,
        # because the intervals are disjoint and sorted.
        index = bisect_left(self.starts, end) - 1
        return index >= 0 and self.ends[index] > start


def free_slots(
    *,
    first_day: date,
    last_day: date,
    zone: ZoneInfo,
    hours: Sequence[WeeklyHours],
    time_off: Sequence[Interval],
    booked: Sequence[Interval],
    rules: Rules,
    now: datetime,
) -> list[Slot]:
    """Every start, from ``first_day`` to ``last_day`` (local dates, inclusive), at which an
    appointment fits: within a working window, clear of time off, and with its blocked range
    (buffers included) clear of the ``booked`` blocked ranges; not sooner than the minimum
    notice from ``now`` and not later than the horizon. Sorted by start."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    earliest = now + rules.min_notice
    latest = now + rules.horizon
    off = Timeline(time_off)
    busy = Timeline(booked)
    by_weekday: dict[int, list[WeeklyHours]] = {}
    for window in hours:
        by_weekday.setdefault(window.weekday, []).append(window)

    slots: dict[datetime, Slot] = {}
    day = first_day
    while day <= last_day:
        for window in by_weekday.get(day.weekday(), ()):
            opens = wall_to_utc(day, window.starts, zone)
            closes = wall_to_utc(day, window.ends, zone)
            start = opens
            if start < earliest:
                # Jump to the first step on or after the earliest allowed start.
                skipped = -((opens - earliest) // rules.step)
                start = opens + skipped * rules.step
            while start + rules.duration <= closes and start <= latest:
                end = start + rules.duration
                if not off.overlaps(start, end) and not busy.overlaps(
                    start - rules.buffer_before, end + rules.buffer_after
                ):
                    slots.setdefault(start, Slot(start, end))
                start += rules.step
        day += timedelta(days=1)
    return [slots[start] for start in sorted(slots)]
