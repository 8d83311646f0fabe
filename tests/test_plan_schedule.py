"""The schedule: frequency by severity, working days, closed days and the clock changes, as properties."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knotwork.assess import Assessment, assess, from_data
from knotwork.plan import PlanError, make_plan
from knotwork.plan.rules import COURSES, STEPS
from knotwork.plan.schedule import Calendar, bank_holidays, easter_sunday, local_datetime, weekly_pattern

LONDON = ZoneInfo("Europe/London")


def last_sunday(year: int, month: int) -> date:
    d = date(year, month, 31)
    return d - timedelta(days=(d.weekday() + 1) % 7)


CLOCK_CHANGES = [last_sunday(y, m) for y in range(2024, 2036) for m in (3, 10)]
# Start dates: any day, and days around the clock changes, so that courses run across them.
start_dates = st.one_of(
    st.dates(date(2024, 1, 1), date(2035, 12, 31)),
    st.builds(lambda d, k: d + timedelta(days=k), st.sampled_from(CLOCK_CHANGES), st.integers(-20, 2)),
)
severities = st.sampled_from(["mild", "moderate", "severe"])


def _assessment(intensity: int, screening: dict[str, bool]) -> Assessment:
    return assess(
        from_data(
            {
                "id": "schedule",
                "pain": [
                    {"region": "temple", "side": "right", "intensity": intensity},
                    {"region": "neck-side", "side": "right", "intensity": 3},
                ],
                "screening": screening,
            }
        )
    )


# Dry needling is avoided on anticoagulants, so these plans keep the usual spacing; NEEDLING keeps it in.
NO_NEEDLING = _assessment(6, {"anticoagulants": True})
NEEDLING = _assessment(6, {"anticoagulants": False})
SAME_STEP_GAPS = {"3-per-week": {2, 3}, "2-per-week": {3, 4}, "weekly": {7}, "fortnightly": {14}, "3-weekly": {21}}


@settings(max_examples=150, deadline=None)
@given(start=start_dates, severity=severities)
def test_sessions_fall_on_working_days_at_the_spacing_of_their_severity(start: date, severity: str) -> None:
    plan = make_plan(NO_NEEDLING, start=start, severity=severity, severity_reason="test", bank_holidays=None)
    sessions = plan.sessions
    assert sessions[0].date >= start and (sessions[0].date - start).days <= 3  # the next working day
    assert all(s.date.weekday() < 5 for s in sessions)
    # The projected course walks down the severity's ladder, one block per step, with a review after each.
    ladder = COURSES[severity]
    assert [s.step for s in sessions] == [code for code in ladder for _ in range(STEPS[code].block)]
    assert [r.after_session for r in plan.reviews] == [
        sum(STEPS[c].block for c in ladder[: i + 1]) for i in range(len(ladder))
    ]
    for a, b in pairwise(sessions):
        gap = (b.date - a.date).days
        if a.step == b.step:
            assert gap in SAME_STEP_GAPS[a.step], (a, b)
        else:
            assert gap >= 1
    if severity == "severe":  # 2-3 sessions in every full week at first
        first_block = [s.date for s in sessions if s.step == "3-per-week"]
        monday = first_block[0] - timedelta(days=first_block[0].weekday())
        if first_block[0] == monday:
            assert [sum(1 for d in first_block if (d - monday).days // 7 == w) for w in (0, 1)] == [3, 3]
    if severity == "mild":
        assert {(b.date - a.date).days for a, b in pairwise(sessions)} <= {14, 21}


@settings(max_examples=150, deadline=None)
@given(start=start_dates, severity=severities)
def test_local_times_stay_at_ten_across_the_clock_changes(start: date, severity: str) -> None:
    plan = make_plan(NO_NEEDLING, start=start, severity=severity, severity_reason="test")
    for s in plan.sessions:
        assert (s.start.hour, s.start.minute) == (10, 0)
        assert s.start.tzinfo == LONDON
        summer = s.start.utcoffset() == timedelta(hours=1)
        expected_summer = datetime.combine(s.date, time(12), LONDON).dst() != timedelta(0)
        assert summer == expected_summer
        assert s.start.astimezone(ZoneInfo("UTC")).hour == (9 if summer else 10)
        assert s.end - s.start == timedelta(minutes=60)


def test_a_weekly_course_across_the_october_change_keeps_ten_o_clock_and_moves_its_utc_hour() -> None:
    plan = make_plan(NO_NEEDLING, start=date(2025, 10, 13), severity="moderate", severity_reason="test")
    utc = [s.start.astimezone(ZoneInfo("UTC")) for s in plan.sessions[:4]]
    assert [s.date for s in plan.sessions[:4]] == [date(2025, 10, d) for d in (13, 20, 27)] + [date(2025, 11, 3)]
    assert [u.hour for u in utc] == [9, 9, 10, 10]
    assert [s.start.strftime("%H:%M %Z") for s in plan.sessions[:4]] == ["10:00 BST"] * 2 + ["10:00 GMT"] * 2


@settings(max_examples=100, deadline=None)
@given(
    start=start_dates,
    days=st.sets(st.integers(0, 6), min_size=1).map(lambda s: tuple(sorted(s))),
    severity=severities,
)
def test_any_set_of_working_days_is_respected(start: date, days: tuple[int, ...], severity: str) -> None:
    plan = make_plan(NO_NEEDLING, start=start, severity=severity, severity_reason="test", working_days=days)
    holidays = {d for y in range(start.year, start.year + 3) for d in bank_holidays(y)}
    dates = [s.date for s in plan.sessions]
    assert all(d.weekday() in days and d not in holidays for d in dates)
    assert dates == sorted(set(dates))  # one session a day at most, in order


@settings(max_examples=100, deadline=None)
@given(start=start_dates, days=st.sets(st.integers(0, 6), min_size=1).map(lambda s: tuple(sorted(s))))
def test_needling_sessions_are_at_least_two_days_apart(start: date, days: tuple[int, ...]) -> None:
    plan = make_plan(NEEDLING, start=start, severity="severe", severity_reason="test", working_days=days)
    assert any(t.technique == "dry-needling" for tr in plan.treatment for t in tr.techniques)
    dates = [s.date for s in plan.sessions]
    assert all((b - a).days >= 2 for a, b in pairwise(dates))


def test_three_a_week_on_three_consecutive_days_drops_to_two_when_needling_is_planned() -> None:
    plan = make_plan(NEEDLING, start=date(2025, 1, 6), severity="severe", severity_reason="t", working_days=(0, 1, 2))
    first = [s.date.weekday() for s in plan.sessions if s.step == "3-per-week"]
    assert set(first) == {0, 2}
    assert any("3 sessions a week is not possible" in n and "2 a week instead" in n for n in plan.notes)
    without = make_plan(
        NO_NEEDLING, start=date(2025, 1, 6), severity="severe", severity_reason="t", working_days=(0, 1, 2)
    )
    assert {s.date.weekday() for s in without.sessions if s.step == "3-per-week"} == {0, 1, 2}


def test_bank_holidays_and_closed_days_move_sessions_to_the_next_open_day() -> None:
    # Weekly from Monday 14 April 2025: Easter Monday (21 April) and Early May (5 May) are bank holidays.
    plan = make_plan(
        NO_NEEDLING, start=date(2025, 4, 14), severity="moderate", severity_reason="t", closed=[date(2025, 4, 28)]
    )
    assert [s.date for s in plan.sessions[:4]] == [
        date(2025, 4, 14),
        date(2025, 4, 22),
        date(2025, 4, 29),
        date(2025, 5, 6),
    ]
    open_on_holidays = make_plan(
        NO_NEEDLING, start=date(2025, 4, 14), severity="moderate", severity_reason="t", bank_holidays=None
    )
    assert open_on_holidays.sessions[1].date == date(2025, 4, 21)


def test_bank_holidays_follow_the_rules_of_each_nation() -> None:
    assert easter_sunday(2025) == date(2025, 4, 20) and easter_sunday(2027) == date(2027, 3, 28)
    # 2021: Christmas and Boxing Day on a weekend, substitutes on Monday and Tuesday.
    assert sorted(bank_holidays(2021)) == [
        date(2021, 1, 1), date(2021, 4, 2), date(2021, 4, 5), date(2021, 5, 3), date(2021, 5, 31),
        date(2021, 8, 30), date(2021, 12, 27), date(2021, 12, 28),
    ]  # fmt: skip
    scotland = bank_holidays(2021, "scotland")
    assert date(2021, 1, 4) in scotland and date(2021, 8, 2) in scotland and date(2021, 11, 30) in scotland
    assert date(2021, 4, 5) not in scotland  # no Easter Monday in Scotland
    assert {date(2021, 3, 17), date(2021, 7, 12)} <= bank_holidays(2021, "northern-ireland")


def test_the_weekly_pattern_spreads_sessions_as_evenly_as_the_days_allow() -> None:
    assert weekly_pattern((0, 1, 2, 3, 4), 3, 1, prefer=0) == (0, 2, 4)
    assert weekly_pattern((0, 1, 2, 3, 4), 2, 1, prefer=0) in {(0, 3), (0, 4)}
    assert weekly_pattern((1, 3), 3, 1, prefer=1) == (1, 3)  # only two working days: two a week
    assert Calendar((0,), frozenset()).next_open(date(2025, 1, 7)) == date(2025, 1, 13)


def test_a_time_that_does_not_exist_on_the_spring_change_moves_forward() -> None:
    spring = last_sunday(2025, 3)
    moved = local_datetime(spring, time(1, 30), LONDON)
    assert (moved.hour, moved.minute, moved.utcoffset()) == (2, 30, timedelta(hours=1))
    assert local_datetime(spring, time(10), LONDON).utcoffset() == timedelta(hours=1)
    plan = make_plan(
        NO_NEEDLING, start=spring, severity="moderate", severity_reason="t", working_days=(6,), session_time=time(1, 30)
    )
    assert plan.sessions[0].start.strftime("%Y-%m-%d %H:%M %Z") == f"{spring} 02:30 BST"
    assert plan.sessions[1].start.strftime("%H:%M %Z") == "01:30 BST"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"working_days": ()}, "working_days"),
        ({"working_days": (7,)}, "working_days"),
        ({"session_minutes": 5}, "session_minutes"),
        ({"timezone": "Europe/Lundon"}, "timezone"),
        ({"severity": "extreme"}, "severity"),
        ({"bank_holidays": "wales"}, "bank_holidays"),
    ],
)
def test_bad_schedule_settings_name_their_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(PlanError) as caught:
        make_plan(NO_NEEDLING, start=date(2025, 1, 6), **kwargs)  # type: ignore[arg-type]
    assert any(p.startswith(field + ":") for p in caught.value.problems), caught.value.problems
