"""Free slots (the pure engine, no database): working hours, buffers, time off, notice, horizon,
and the daylight-saving weeks in Europe/London (the clocks change at 01:00 UTC on the last
Sunday of March and of October)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knotwork.clinic.slots import Interval, Rules, Slot, Timeline, WeeklyHours, day_bounds, free_slots, wall_to_utc

LONDON = ZoneInfo("Europe/London")
SPRING_FORWARD = date(2026, 3, 29)  # a Sunday: 01:00 GMT becomes 02:00 BST
FALL_BACK = date(2026, 10, 25)  # a Sunday: 02:00 BST becomes 01:00 GMT
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
EVERY_DAY_9_TO_5 = [WeeklyHours(d, time(9), time(17)) for d in range(7)]


def hour(day: date, h: int, m: int = 0) -> datetime:
    return wall_to_utc(day, time(h, m), LONDON)


def slots_on(day: date, *, hours: list[WeeklyHours] | None = None, **kwargs: object) -> list[Slot]:
    options: dict[str, object] = {
        "time_off": [],
        "booked": [],
        "rules": Rules(duration=timedelta(minutes=60)),
        "now": day_bounds(day, LONDON).start - timedelta(days=1),
    }
    options.update(kwargs)
    return free_slots(
        first_day=day,
        last_day=day,
        zone=LONDON,
        hours=EVERY_DAY_9_TO_5 if hours is None else hours,
        **options,  # type: ignore[arg-type]
    )


def local_times(found: list[Slot]) -> list[str]:
    return [f"{s.start.astimezone(LONDON):%H:%M}" for s in found]


def test_a_working_day_offers_every_step_that_fits_before_closing() -> None:
    found = slots_on(date(2026, 6, 10))
    assert local_times(found)[0] == "09:00" and local_times(found)[-1] == "16:00"
    assert len(found) == 29  # 09:00 to 16:00 every 15 minutes
    assert all(s.end - s.start == timedelta(minutes=60) for s in found)


def test_working_hours_are_wall_clock_times_in_summer_and_winter() -> None:
    summer, winter = slots_on(date(2026, 7, 1)), slots_on(date(2026, 12, 2))
    assert summer[0].start == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # 09:00 BST
    assert winter[0].start == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # 09:00 GMT
    assert local_times(summer) == local_times(winter)


@pytest.mark.parametrize("day", [SPRING_FORWARD, FALL_BACK])
def test_the_clock_change_sundays_offer_the_same_wall_clock_times_as_any_sunday(day: date) -> None:
    ordinary = slots_on(day - timedelta(weeks=1))
    assert local_times(slots_on(day)) == local_times(ordinary)


def test_no_slot_vanishes_or_doubles_across_the_spring_change_at_1am() -> None:
    night = [WeeklyHours(6, time(0), time(4))]  # a therapist working through the change
    found = slots_on(SPRING_FORWARD, hours=night, rules=Rules(duration=timedelta(minutes=30)))
    starts = [s.start for s in found]
    assert len(starts) == len(set(starts))
    assert all(b - a == timedelta(minutes=15) for a, b in itertools.pairwise(starts))
    # 00:00 GMT to 04:00 BST is three real hours: 00:00..02:30 UTC in 15-minute steps.
    assert starts[0] == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert starts[-1] == datetime(2026, 3, 29, 2, 30, tzinfo=UTC)
    assert len(starts) == 11
    walls = local_times(found)
    assert "01:30" not in walls and walls[4] == "02:00"  # the skipped hour is not offered


def test_no_slot_vanishes_or_doubles_across_the_autumn_change_at_1am() -> None:
    night = [WeeklyHours(6, time(0), time(4))]
    found = slots_on(FALL_BACK, hours=night, rules=Rules(duration=timedelta(minutes=30)))
    starts = [s.start for s in found]
    assert len(starts) == len(set(starts))
    assert all(b - a == timedelta(minutes=15) for a, b in itertools.pairwise(starts))
    # 00:00 BST (23:00 UTC the day before) to 04:00 GMT is five real hours.
    assert starts[0] == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    assert starts[-1] == datetime(2026, 10, 25, 3, 30, tzinfo=UTC)
    assert len(starts) == 19
    assert local_times(found).count("01:15") == 2  # the repeated hour is real time, offered twice


def test_a_day_is_23_or_25_hours_long_on_the_change_days() -> None:
    spring, autumn = day_bounds(SPRING_FORWARD, LONDON), day_bounds(FALL_BACK, LONDON)
    assert spring.end - spring.start == timedelta(hours=23)
    assert autumn.end - autumn.start == timedelta(hours=25)


def test_a_wall_time_in_the_skipped_hour_moves_forward_like_a_clock() -> None:
    assert wall_to_utc(SPRING_FORWARD, time(1, 30), LONDON) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert wall_to_utc(FALL_BACK, time(1, 30), LONDON) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_buffers_keep_turnover_time_around_booked_appointments() -> None:
    day = date(2026, 6, 10)
    booked = [Interval(hour(day, 11), hour(day, 12, 15))]  # 11:00-12:00 plus 15 minutes after
    rules = Rules(duration=timedelta(minutes=60), buffer_after=timedelta(minutes=15))
    walls = local_times(slots_on(day, booked=booked, rules=rules))
    assert "09:45" in walls  # 09:45-10:45, its buffer to 11:00: back to back is allowed
    assert "10:00" not in walls  # its buffer would run into 11:00
    assert "12:00" not in walls  # inside the booked appointment's own buffer
    assert "12:15" in walls


def test_a_buffer_before_is_respected_as_well_as_after() -> None:
    day = date(2026, 6, 10)
    booked = [Interval(hour(day, 11), hour(day, 12))]
    rules = Rules(duration=timedelta(minutes=30), buffer_before=timedelta(minutes=10))
    walls = local_times(slots_on(day, booked=booked, rules=rules))
    assert "12:00" not in walls  # its 10 minutes before would overlap
    assert "12:15" in walls
    assert "10:30" in walls  # ends at 11:00 exactly


def test_time_off_and_clinic_closures_remove_their_hours() -> None:
    day = date(2026, 6, 10)
    off = [Interval(hour(day, 12), hour(day, 14))]
    walls = local_times(slots_on(day, time_off=off))
    assert "11:00" in walls and "11:15" not in walls and "13:45" not in walls and "14:00" in walls


def test_minimum_notice_hides_slots_that_start_too_soon() -> None:
    day = date(2026, 6, 10)
    now = hour(day, 10, 7)
    found = slots_on(day, now=now, rules=Rules(duration=timedelta(minutes=60), min_notice=timedelta(hours=2)))
    assert local_times(found)[0] == "12:15"  # the first step at or after 12:07


def test_the_booking_horizon_hides_slots_too_far_ahead() -> None:
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    rules = Rules(duration=timedelta(minutes=60), horizon=timedelta(days=7))
    found = free_slots(
        first_day=date(2026, 6, 1),
        last_day=date(2026, 6, 20),
        zone=LONDON,
        hours=EVERY_DAY_9_TO_5,
        time_off=[],
        booked=[],
        rules=rules,
        now=now,
    )
    assert max(s.start for s in found) <= now + timedelta(days=7)
    assert min(s.start for s in found) >= now


def test_split_shifts_and_days_off_follow_the_weekly_hours() -> None:
    hours = [WeeklyHours(2, time(9), time(12)), WeeklyHours(2, time(14), time(17))]  # Wednesdays only
    assert slots_on(date(2026, 6, 9), hours=hours) == []  # a Tuesday
    walls = local_times(slots_on(date(2026, 6, 10), hours=hours))
    assert "11:00" in walls and "11:15" not in walls and "13:00" not in walls and "14:00" in walls


def test_rules_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="duration"):
        Rules(duration=timedelta(0))
    with pytest.raises(ValueError, match="buffers"):
        Rules(duration=timedelta(minutes=30), buffer_after=timedelta(minutes=-5))


# Property tests: any working window, any bookings, any day of the year including both
# clock-change weeks.

days = st.one_of(
    st.sampled_from([SPRING_FORWARD + timedelta(days=d) for d in range(-3, 4)]),
    st.sampled_from([FALL_BACK + timedelta(days=d) for d in range(-3, 4)]),
    st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
)
quarter_hours = st.integers(min_value=0, max_value=95).map(lambda q: time(q // 4, (q % 4) * 15))


@st.composite
def windows(draw: st.DrawFn) -> WeeklyHours:
    a, b = draw(quarter_hours), draw(quarter_hours)
    if a == b:
        b = time(23, 45) if a < time(23, 45) else time(23, 59)
    a, b = min(a, b), max(a, b)
    return WeeklyHours(draw(st.integers(0, 6)), a, b)


@st.composite
def bookings(draw: st.DrawFn, day: date) -> list[Interval]:
    start = day_bounds(day, LONDON).start - timedelta(hours=3)
    found = []
    for _ in range(draw(st.integers(0, 6))):
        begins = start + timedelta(minutes=5 * draw(st.integers(0, 12 * 30)))
        found.append(Interval(begins, begins + timedelta(minutes=5 * draw(st.integers(1, 30)))))
    return found


@settings(max_examples=300, deadline=None)
@given(
    day=days,
    hours=st.lists(windows(), min_size=1, max_size=4),
    duration=st.sampled_from([15, 30, 45, 60, 90]),
    before=st.sampled_from([0, 5, 10, 15]),
    after=st.sampled_from([0, 10, 15, 30]),
    step=st.sampled_from([5, 15, 30]),
    data=st.data(),
)
def test_every_offered_slot_is_inside_hours_clear_of_bookings_and_offered_once(
    day: date,
    hours: list[WeeklyHours],
    duration: int,
    before: int,
    after: int,
    step: int,
    data: st.DataObject,
) -> None:
    booked = data.draw(bookings(day))
    rules = Rules(
        duration=timedelta(minutes=duration),
        buffer_before=timedelta(minutes=before),
        buffer_after=timedelta(minutes=after),
        step=timedelta(minutes=step),
        horizon=timedelta(days=3650),
    )
    found = free_slots(
        first_day=day,
        last_day=day,
        zone=LONDON,
        hours=hours,
        time_off=[],
        booked=booked,
        rules=rules,
        now=LONG_AGO,
    )
    starts = [s.start for s in found]
    assert starts == sorted(set(starts))  # sorted, none twice
    windows_today = [
        (wall_to_utc(day, w.starts, LONDON), wall_to_utc(day, w.ends, LONDON))
        for w in hours
        if w.weekday == day.weekday()
    ]
    for slot in found:
        assert slot.end - slot.start == rules.duration
        # Inside a working window, on its step grid counted in real time from its start.
        assert any(
            opens <= slot.start and slot.end <= closes and (slot.start - opens) % rules.step == timedelta(0)
            for opens, closes in windows_today
        )
        blocked = (slot.start - rules.buffer_before, slot.end + rules.buffer_after)
        assert all(b.end <= blocked[0] or b.start >= blocked[1] for b in booked)
    # And nothing free is missed: every step that fits and is clear is offered.
    for opens, closes in windows_today:
        start = opens
        while start + rules.duration <= closes:
            blocked = (start - rules.buffer_before, start + rules.duration + rules.buffer_after)
            if all(b.end <= blocked[0] or b.start >= blocked[1] for b in booked):
                assert start in starts
            start += rules.step


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 500), st.integers(1, 60)), max_size=12), st.integers(0, 560), st.integers(1, 60)
)
def test_the_timeline_answers_overlap_exactly_like_checking_every_interval(
    spans: list[tuple[int, int]], at: int, length: int
) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    intervals = [Interval(base + timedelta(minutes=s), base + timedelta(minutes=s + n)) for s, n in spans]
    start, end = base + timedelta(minutes=at), base + timedelta(minutes=at + length)
    expected = any(i.start < end and start < i.end for i in intervals)
    assert Timeline(intervals).overlaps(start, end) is expected
