"""Session dates on the clinic's working days, and their local times across the clock changes.

A session is a *date* and a wall-clock *time* in the clinic's zone (Europe/London by default):
10:00 stays 10:00 in winter (GMT, UTC+0) and in summer (BST, UTC+1). Dates are calendar
arithmetic on ``date`` objects, never ``datetime + timedelta`` across a clock change, so a
weekly session can never drift by an hour. A local time that does not exist on a spring-forward
day (01:00-01:59 in London) moves forward by the gap, as calendar programs do.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations, pairwise
from zoneinfo import ZoneInfo

from knotwork.plan.rules import Step

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Calendar:
    """The clinic's open days: working weekdays (Monday = 0) less closed dates (holidays)."""

    def __init__(self, working_days: tuple[int, ...], closed: frozenset[date] = frozenset()) -> None:
        if not working_days:
            raise ValueError("no working days")
        self.working_days = tuple(sorted(set(working_days)))
        self.closed = closed

    def is_open(self, d: date) -> bool:
        return d.weekday() in self.working_days and d not in self.closed

    def next_open(self, d: date) -> date:
        """``d`` itself when open, else the first open day after it."""
        # A clinic closed for a year is a configuration mistake, not a schedule.
        for _ in range(366):
            if self.is_open(d):
                return d
            d += timedelta(days=1)
        raise ValueError("the clinic has no open day within a year")


def cyclic_gaps(days: tuple[int, ...]) -> list[int]:
    """Days between consecutive weekdays of a weekly pattern, wrapping round to the next week."""
    ordered = sorted(days)
    return [b - a for a, b in pairwise(ordered)] + [ordered[0] + 7 - ordered[-1]]


def weekly_pattern(working_days: tuple[int, ...], per_week: int, min_gap: int, prefer: int) -> tuple[int, ...]:
    """The weekdays for ``per_week`` sessions a week, spread as evenly as the working days allow.

    Chooses among the working days the set whose smallest gap (wrapping round the week) is largest,
    then the most even, then one including ``prefer`` (the weekday the step starts on), then the
    earliest. Fewer sessions a week when the working days cannot keep ``min_gap`` days between them
    (the caller notes it). Returns at least one day.
    """
    best: tuple[int, ...] = ()
    for n in range(min(per_week, len(working_days)), 0, -1):
        options = [c for c in combinations(working_days, n) if min(cyclic_gaps(c)) >= min_gap]
        if options:
            best = max(
                options,
                key=lambda c: (min(cyclic_gaps(c)), -max(cyclic_gaps(c)), prefer in c, [-d for d in c]),
            )
            break
    return best or (working_days[0],)


def step_dates(
    step: Step, begin: date, count: int, cal: Calendar, min_gap: int, previous: date | None = None
) -> tuple[list[date], int]:
    """``count`` session dates at ``step``'s frequency, the first on or after ``begin``.

    Every date is open and at least ``min_gap`` days after the one before (``previous`` is the
    last session before this step). Returns the dates and the sessions a week actually used: on
    sparse working days a per-week step can get fewer than asked. A per-week step keeps fixed
    weekdays (Monday, Wednesday, Friday); an interval step keeps the weekday of its first session,
    and a session falling on a closed day moves to the next open day without shifting the rest.
    """
    first = cal.next_open(begin)
    dates: list[date] = []
    last = previous

    def far_enough(d: date) -> bool:
        return last is None or (d - last).days >= min_gap

    if step.per_week:
        pattern = weekly_pattern(cal.working_days, step.per_week, min_gap, first.weekday())
        for d in _days_from(first):
            if d.weekday() in pattern and cal.is_open(d) and far_enough(d):
                dates.append(d)
                last = d
                if len(dates) == count:
                    break
        return dates, len(pattern)
    for k in range(count):
        d = cal.next_open(first + timedelta(days=k * step.interval_days))
        if not far_enough(d):
            assert last is not None  # far_enough is only false after a session
            d = cal.next_open(last + timedelta(days=min_gap))
        dates.append(d)
        last = d
    return dates, 0


def next_begin(step: Step, last: date) -> date:
    """The earliest day the next session may fall after ``last`` at ``step``'s frequency."""
    return last + timedelta(days=step.interval_days or 1)


def _days_from(d: date) -> Iterator[date]:
    for k in range(3660):
        yield d + timedelta(days=k)


def easter_sunday(year: int) -> date:
    """Western Easter (the anonymous Gregorian algorithm, as in Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _monday(year: int, month: int, last: bool) -> date:
    if last:
        d = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        return d - timedelta(days=d.weekday())
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


BANK_HOLIDAY_NATIONS = ("england-and-wales", "scotland", "northern-ireland")


def bank_holidays(year: int, nation: str = "england-and-wales") -> frozenset[date]:
    """The UK's regular bank holidays of a year, with substitute days for those falling at a weekend.

    One-off holidays proclaimed for a single year (a jubilee, a coronation, a state funeral) and
    moved dates (the early May holiday of 2020) are not computable: add them as closed dates.
    """
    if nation not in BANK_HOLIDAY_NATIONS:
        raise ValueError(f"unknown nation {nation!r}: one of {', '.join(BANK_HOLIDAY_NATIONS)}")
    easter = easter_sunday(year)
    fixed = [date(year, 1, 1)]  # these move to the next free weekday when they fall at a weekend
    if nation == "scotland":
        fixed.append(date(year, 1, 2))
    if nation == "northern-ireland":
        fixed += [date(year, 3, 17), date(year, 7, 12)]
    if nation == "scotland":
        fixed.append(date(year, 11, 30))
    fixed += [date(year, 12, 25), date(year, 12, 26)]
    days = {easter - timedelta(days=2), _monday(year, 5, last=False), _monday(year, 5, last=True)}
    days.add(_monday(year, 8, last=nation != "scotland"))
    if nation != "scotland":
        days.add(easter + timedelta(days=1))
    for d in sorted(fixed):
        while d.weekday() >= 5 or d in days:
            d += timedelta(days=1)
        days.add(d)
    return frozenset(days)


def local_datetime(d: date, t: time, zone: ZoneInfo) -> datetime:
    """The aware datetime of wall-clock ``t`` on ``d`` in ``zone``; a time in a spring-forward gap moves forward."""
    naive = datetime.combine(d, t)
    aware = naive.replace(tzinfo=zone)
    settled = aware.astimezone(UTC).astimezone(zone)
    if settled.replace(tzinfo=None) != naive:
        # The wall-clock time does not exist that day: keep the instant, shown after the change.
        return settled
    return aware
