"""Taper and adaptation: logged pain steps the frequency down, or prompts re-assessment and referral."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knotwork.assess import Assessment, assess, from_data
from knotwork.plan import DEFAULT_RULES, Outcome, PlanError, make_plan, read_outcomes
from knotwork.plan.adapt import judge

START = date(2025, 3, 3)  # a Monday


def case(intensity: float | None) -> Assessment:
    pain: dict[str, object] = {"region": "temple", "side": "right"}
    if intensity is not None:
        pain["intensity"] = intensity
    return assess(from_data({"id": "adapt", "pain": [pain], "screening": {"needle-phobia": True}}))


def log(plan_dates: list[date], pains: list[float]) -> list[Outcome]:
    return [Outcome(d, p) for d, p in zip(plan_dates, pains, strict=True)]


def test_falling_pain_tapers_a_severe_course_step_by_step_to_maintenance() -> None:
    a = case(8)
    projected = make_plan(a, start=START)
    review_dates = [r.date for r in projected.reviews]
    # Readings on each review day: 8 -> 5 (-3), 3.4 (-32%), 2 (-41%), 1 (resolved).
    plan = make_plan(a, start=START, outcomes=log(review_dates[:1], [5]))
    for pain in (3.4, 2, 1):
        dates = [r.date for r in plan.reviews]
        done = sum(r.status == "done" for r in plan.reviews)
        plan = make_plan(a, start=START, outcomes=[*plan.outcomes, Outcome(dates[done], pain)])
    assert [r.verdict for r in plan.reviews] == ["improved", "improved", "improved", "resolved"]
    assert [r.action for r in plan.reviews] == ["step-down", "step-down", "step-down", "maintenance"]
    assert [r.next_step for r in plan.reviews] == ["2-per-week", "weekly", "fortnightly", None]
    steps = [s.step for s in plan.sessions]
    assert steps == ["3-per-week"] * 6 + ["2-per-week"] * 4 + ["weekly"] * 4 + ["fortnightly"] * 3
    assert not any(s.provisional for s in plan.sessions)
    assert plan.ended == "maintenance" and plan.maintenance and "home programme" in plan.maintenance
    assert plan.reviews[1].reference == 5 and plan.reviews[1].current == 3.4 and plan.reviews[1].change_percent == 32


def test_pain_gone_at_a_review_ends_the_course_early() -> None:
    a = case(6)
    first = make_plan(a, start=START).reviews[0]
    plan = make_plan(a, start=START, outcomes=[Outcome(first.date, 0.5)])
    assert plan.reviews[0].verdict == "resolved" and plan.ended == "maintenance"
    assert len(plan.sessions) == first.after_session


def test_worsening_prompts_reassessment_then_referral() -> None:
    a = case(5)
    projected = make_plan(a, start=START)
    first = projected.reviews[0]
    plan = make_plan(a, start=START, outcomes=[Outcome(first.date, 7.5)])
    review = plan.reviews[0]
    assert (review.verdict, review.action, review.next_step) == ("worse", "reassess", "weekly")
    assert "Re-assess" in review.message and "red flags" in review.message
    after = [s for s in plan.sessions if s.number > review.after_session]
    assert after and all(s.provisional and s.step == "weekly" for s in after[:4])
    second = plan.reviews[1]
    plan = make_plan(a, start=START, outcomes=[*plan.outcomes, Outcome(second.date, 7)])
    assert [r.action for r in plan.reviews] == ["reassess", "refer"]
    assert plan.ended == "refer" and plan.maintenance is None
    assert plan.sessions[-1].number == plan.reviews[-1].after_session  # nothing scheduled after the referral
    assert any("refer to the GP" in n for n in plan.notes)


def test_no_change_then_improvement_holds_the_frequency_once_and_then_steps_down() -> None:
    a = case(6)
    first = make_plan(a, start=START).reviews[0]
    plan = make_plan(a, start=START, outcomes=[Outcome(first.date, 5.5)])
    assert (plan.reviews[0].verdict, plan.reviews[0].action) == ("no-change", "reassess")
    second = plan.reviews[1]
    plan = make_plan(a, start=START, outcomes=[*plan.outcomes, Outcome(second.date, 3.5)])
    assert [r.action for r in plan.reviews[:2]] == ["reassess", "step-down"]
    assert plan.reviews[1].reference == 6  # improvement is measured from the last change of frequency
    assert [s.step for s in plan.sessions] == ["weekly"] * 8 + ["fortnightly"] * 3
    assert not any(s.provisional for s in plan.sessions[: plan.reviews[1].after_session])


def test_a_daily_diary_is_averaged_over_the_week_before_the_review() -> None:
    a = case(8)
    review_day = make_plan(a, start=START).reviews[0].date
    # A bad day on the review itself does not undo a good week: mean of 4,4,4,4,4,4,8 = 4.57 (-43%).
    diary = [Outcome(review_day - timedelta(days=k), 4) for k in range(1, 7)] + [Outcome(review_day, 8)]
    diary.append(Outcome(review_day - timedelta(days=9), 9))  # outside the window: not counted
    plan = make_plan(a, start=START, outcomes=diary)
    assert plan.reviews[0].current == 4.57 and plan.reviews[0].verdict == "improved"
    assert len(plan.reviews[0].readings) == 7


def test_a_review_without_readings_is_due_and_the_sessions_after_it_are_provisional() -> None:
    a = case(6)
    plan = make_plan(a, start=START, outcomes=[Outcome(START - timedelta(days=30), 6)])
    assert all(r.status == "due" for r in plan.reviews)
    first = plan.reviews[0]
    assert [s.provisional for s in plan.sessions] == [s.number > first.after_session for s in plan.sessions]
    assert "2 points or 30%" in first.message


def test_with_no_intensity_the_first_logged_pain_is_the_baseline() -> None:
    a = case(None)
    plan = make_plan(a, start=START, outcomes=[Outcome(START, 6)])
    assert plan.severity.severity == "moderate" and "assumed moderate" in plan.severity.basis
    first = plan.reviews[0]
    plan = make_plan(a, start=START, outcomes=[Outcome(START, 6), Outcome(first.date, 4)])
    assert plan.reviews[0].baseline == 6 and plan.reviews[0].verdict == "improved"


@settings(max_examples=300, deadline=None)
@given(reference=st.floats(0, 10), current=st.floats(0, 10))
def test_the_improvement_rule_is_two_points_or_thirty_percent(reference: float, current: float) -> None:
    verdict = judge(reference, reference, current, DEFAULT_RULES).verdict
    fall = reference - current
    if current <= 1:
        assert verdict == "resolved"
    elif fall >= 2 or (reference > 0 and fall / reference >= 0.3):
        assert verdict == "improved"
    elif -fall >= 2 or (reference > 0 and -fall / reference >= 0.3):
        assert verdict == "worse"
    else:
        assert verdict == "no-change"


def test_improvement_thresholds_at_low_and_high_pain() -> None:
    rules = DEFAULT_RULES
    assert judge(3, 3, 2, rules).verdict == "improved"  # 1 point is 33% of 3
    assert judge(9, 9, 7.5, rules).verdict == "no-change"  # 1.5 points is 17% of 9
    assert judge(9, 9, 7, rules).verdict == "improved"  # 2 points
    assert judge(4, 4, 5.5, rules).verdict == "worse"  # up 37.5%


def test_an_outcome_log_reads_from_csv_and_json_and_names_bad_lines() -> None:
    good = read_outcomes("date,pain,note\n2025-03-03,6,first\n2025-03-10, 4.5 ,\n")
    assert [(o.date, o.pain, o.note) for o in good] == [(date(2025, 3, 3), 6, "first"), (date(2025, 3, 10), 4.5, "")]
    assert read_outcomes('[{"date": "2025-03-03", "pain": 6}]') == [Outcome(date(2025, 3, 3), 6)]
    with pytest.raises(PlanError) as caught:
        read_outcomes("date,pain\n2025-03-03,6\n2025-13-01,4\n2025-03-12,11\n", name="log.csv")
    assert caught.value.problems == [
        "log.csv: line 3: date: '2025-13-01' is not a date YYYY-MM-DD",
        "log.csv: line 4: pain: 11.0 is outside 0-10",
    ]
    with pytest.raises(PlanError, match="header with the columns date and pain"):
        read_outcomes("when,score\n2025-03-03,6\n")
    with pytest.raises(PlanError) as caught:
        read_outcomes('[{"date": "2025-03-03"}, {"date": "2025-03-04", "pain": "bad", "mood": 1}]')
    assert caught.value.problems == [
        "outcomes[0].pain: required",
        "outcomes[1].mood: unknown field (expected date, pain, note)",
        "outcomes[1].pain: expected a number from 0 to 10, got 'bad'",
    ]


def test_outcomes_outside_the_scale_are_refused_by_make_plan() -> None:
    with pytest.raises(PlanError, match=r"outcomes\[0\]\.pain: 12 is outside 0-10"):
        make_plan(case(5), start=START, outcomes=[Outcome(START, 12)])
