"""``make_plan``: from an assessment and the therapist's choices to a plan.

The order of work mirrors the clinic's: the safety screen first (no treatment is scheduled on an
emergency or urgent referral), then the severity, the target muscles, what is done in sessions,
the schedule with its reviews (adapted to any logged pain), and the home programme.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knotwork.plan import schedule
from knotwork.plan.adapt import judge, mean_pain, readings_for
from knotwork.plan.home import home_programme
from knotwork.plan.model import (
    HomeExercise,
    LeftOut,
    Outcome,
    Override,
    Plan,
    PlanError,
    Review,
    Session,
    SeverityChoice,
    Target,
    Treatment,
)
from knotwork.plan.rules import DEFAULT_RULES, SEVERITIES, Rules
from knotwork.plan.schedule import Calendar, local_datetime, next_begin, step_dates
from knotwork.plan.sessions import check_overrides, plan_treatment, uses

if TYPE_CHECKING:
    from knotwork.assess import Assessment, Presentation
    from knotwork.atlas.model import Atlas

SIDES = ("right", "left", "bilateral")
REFERRAL_NOTES = {
    "emergency": "Emergency: medical care now (999 / A&E or same-day). No treatment is scheduled: refer first.",
    "urgent": "Urgent: the client should see a doctor within days. No treatment is scheduled until then: refer first.",
    "routine": "Routine referral: the client should see a doctor before or alongside therapy. This plan goes ahead "
    "alongside that medical review; share it with the doctor and revisit it after their advice.",
}


def severity_from_pain(worst: float | None, rules: Rules) -> tuple[str, str]:
    """The severity band of the worst pain intensity, and the basis in words."""
    if worst is None:
        return rules.default_severity, (
            f"No pain intensity was given: assumed {rules.default_severity}. Ask for the worst pain on the 0-10 "
            "scale and re-plan."
        )
    low = 0.0
    for band in rules.severity_bands:
        if worst <= band.up_to:
            shown = f"{worst:g}"
            return band.severity, f"Worst pain {shown}/10 ({low:g}-{band.up_to:g}: {band.severity})."
        low = band.up_to + 1
    return rules.severity_bands[-1].severity, f"Worst pain {worst:g}/10."


def default_targets(a: Assessment, rules: Rules) -> list[Target]:
    """The combination that explains the whole drawing, else the top candidates within reach of the first."""
    chosen = a.combination[: rules.max_targets] if a.combination else ()
    if not chosen and a.candidates:
        top = a.candidates[0].score
        chosen = tuple(
            c
            for i, c in enumerate(a.candidates)
            if i == 0 or (c.score >= rules.target_share * top and c.score >= rules.target_min_score)
        )[: rules.max_targets]
    scores = {c.muscle.id: c.score for c in a.candidates}
    return [Target(c.muscle.id, c.muscle.name, c.side, scores.get(c.muscle.id, c.score), "assessment") for c in chosen]


def _pain_side(p: Presentation) -> str:
    sides = {pain.side for pain in p.pain if pain.side != "midline"}
    return sides.pop() if len(sides) == 1 and sides != {"bilateral"} else "bilateral"


def chosen_targets(a: Assessment, muscles: Sequence[str], atlas: Atlas, problems: list[str]) -> list[Target]:
    """The therapist's muscles: ``id`` or ``id:side``; the side defaults to the assessment's, else the pain's."""
    ranked = {c.muscle.id: c for c in a.candidates}
    targets: list[Target] = []
    for i, given in enumerate(muscles):
        muscle_id, _, side = given.strip().partition(":")
        if muscle_id not in atlas.muscles:
            problems.append(f'muscles[{i}]: unknown muscle id "{muscle_id}"')
            continue
        if side and side not in SIDES:
            problems.append(f'muscles[{i}]: side "{side}" is not one of right, left, bilateral')
            continue
        if any(t.muscle == muscle_id for t in targets):
            problems.append(f'muscles[{i}]: "{muscle_id}" is chosen twice')
            continue
        candidate = ranked.get(muscle_id)
        side = side or (candidate.side if candidate else _pain_side(a.presentation))
        targets.append(
            Target(muscle_id, atlas.muscle(muscle_id).name, side, candidate.score if candidate else None, "therapist")
        )
    if not muscles:
        problems.append("muscles: choose at least one muscle")
    return targets


def _check_inputs(
    start: date,
    severity: str | None,
    working_days: tuple[int, ...],
    session_time: time,
    session_minutes: int,
    timezone: str,
    outcomes: Sequence[Outcome],
    problems: list[str],
) -> ZoneInfo | None:
    if isinstance(start, datetime) or not isinstance(start, date):
        problems.append(f"start: expected a date, got {type(start).__name__}")
    if severity is not None and severity not in SEVERITIES:
        problems.append(f"severity: {severity!r} is not one of {', '.join(SEVERITIES)}")
    if not working_days:
        problems.append("working_days: at least one working day is needed")
    for d in working_days:
        if isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6:
            problems.append(f"working_days: {d!r} is not a weekday number 0 (Monday) to 6 (Sunday)")
    if not isinstance(session_time, time) or session_time.tzinfo is not None:
        problems.append("time: expected a wall-clock time without a zone, e.g. 10:00")
    if isinstance(session_minutes, bool) or not isinstance(session_minutes, int) or not 10 <= session_minutes <= 240:
        problems.append(f"session_minutes: {session_minutes!r} is outside 10-240")
    for i, o in enumerate(outcomes):
        if not 0 <= o.pain <= 10:
            problems.append(f"outcomes[{i}].pain: {o.pain} is outside 0-10")
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"timezone: unknown time zone {timezone!r}")
        return None


def plan_key(p: Presentation, start: date) -> str:
    identity = p.id if p.id is not None else repr(p)
    return hashlib.sha256(f"{identity}|{start.isoformat()}".encode()).hexdigest()[:16]


def make_plan(
    source: Presentation | Assessment,
    *,
    start: date,
    severity: str | None = None,
    severity_reason: str | None = None,
    muscles: Sequence[str] | None = None,
    working_days: Iterable[int] | None = None,
    closed: Iterable[date] = (),
    bank_holidays: str | None = "default",
    session_time: time | None = None,
    session_minutes: int | None = None,
    timezone: str | None = None,
    overrides: Sequence[Override] = (),
    outcomes: Sequence[Outcome] = (),
    offered: Iterable[str] | None = None,
    rules: Rules = DEFAULT_RULES,
) -> Plan:
    """Propose a plan; raise PlanError naming each invalid field.

    ``source`` is a presentation (assessed here) or an assessment. ``start`` is the first day a
    session may fall on. ``severity`` overrides the one derived from the worst pain and then needs
    ``severity_reason``. ``muscles`` are the therapist's target muscle ids (``"id"`` or
    ``"id:side"``); by default the assessment's top candidates. ``working_days`` are weekday
    numbers (Monday = 0), ``closed`` dates the clinic is shut, besides the UK bank holidays of
    ``bank_holidays`` (a nation of ``schedule.BANK_HOLIDAY_NATIONS``, None for none; by default
    the rules' choice, England and Wales). ``outcomes`` are logged pain
    ratings: reviews on or after them decide the frequency (see ``rules.RULES``). ``offered`` are
    the technique codes the clinic offers (default: all).
    """
    from knotwork.assess import Assessment, assess
    from knotwork.atlas.load import load_atlas

    a = source if isinstance(source, Assessment) else assess(source)
    atlas = load_atlas()
    problems: list[str] = []
    days = tuple(working_days) if working_days is not None else rules.working_days
    t = session_time if session_time is not None else rules.session_time
    minutes = session_minutes if session_minutes is not None else rules.session_minutes
    zone_name = timezone or rules.timezone
    outcomes = sorted(outcomes, key=lambda o: o.date)
    bank_holidays = rules.bank_holidays if bank_holidays == "default" else bank_holidays
    if bank_holidays is not None and bank_holidays not in schedule.BANK_HOLIDAY_NATIONS:
        problems.append(
            f"bank_holidays: {bank_holidays!r} is not one of {', '.join(schedule.BANK_HOLIDAY_NATIONS)} (or None)"
        )
        bank_holidays = None
    zone = _check_inputs(start, severity, days, t, minutes, zone_name, outcomes, problems)

    worst = max((pain.intensity for pain in a.presentation.pain if pain.intensity is not None), default=None)
    derived, basis = severity_from_pain(worst, rules)
    reason = (severity_reason or "").strip() or None
    if severity is not None and severity != derived and reason is None:
        problems.append(f"severity_reason: required when changing the severity from {derived} to {severity}")
    final_severity = severity if severity in SEVERITIES else derived
    choice = SeverityChoice(final_severity, derived, worst, basis, reason if final_severity != derived else None)

    if muscles is not None:
        targets = chosen_targets(a, muscles, atlas, problems)
    else:
        targets = default_targets(a, rules)
        if not targets and a.screen.urgency not in ("emergency", "urgent"):
            problems.append("muscles: the presentation marks no pain, so no muscle was suggested: choose the muscles")
    problems += check_overrides(overrides, targets)
    if problems or zone is None:
        raise PlanError(problems)

    notes: list[str] = []
    rules_used = ["refer-first"] if a.screen.urgency != "none" else []
    treatment: tuple[Treatment, ...] = ()
    sessions: list[Session] = []
    reviews: list[Review] = []
    home: tuple[HomeExercise, ...] = ()
    home_left_out: tuple[LeftOut, ...] = ()
    ended: Literal["maintenance", "refer", "open", "refer-first"] = "refer-first"
    refer_first = a.screen.urgency in ("emergency", "urgent")
    if refer_first:
        notes += [r.message for r in a.screen.reasons]
    else:
        treatment = plan_treatment(
            targets, atlas, a.screen.precautions, overrides, None if offered is None else frozenset(offered)
        )
        if worst is None:
            notes.append(basis)
        if a.screen.urgency == "routine":
            notes += [r.message for r in a.screen.reasons]
        notes += [n.message for n in a.screen.notes]
        if not a.presentation.screening:
            notes.append("The screening questions were not answered: ask them before treating, then re-plan.")
        needling = uses(treatment, "dry-needling")
        shut = set(closed)
        if bank_holidays:
            shut |= {d for y in range(start.year, start.year + 3) for d in schedule.bank_holidays(y, bank_holidays)}
        sessions, reviews, ended, course_notes = plan_course(
            final_severity,
            start,
            Calendar(tuple(sorted(set(days))), frozenset(shut)),
            rules,
            rules.needling_gap_days if needling else 1,
            outcomes,
            worst,
            tuple(target.muscle for target in targets),
            zone,
            t,
            minutes,
        )
        notes += course_notes
        home, home_left_out = home_programme(targets, atlas, a.screen.precautions)
        rules_used += ["severity", "targets", "frequency", "session-length", "working-days", "reviews", "precautions"]
        if needling:
            rules_used.append("dry-needling-spacing")
        if any(r.status == "done" for r in reviews):
            rules_used += ["improvement", "no-improvement"]
        rules_used += ["maintenance", "hydration-nutrition"]
    return Plan(
        assessment=a,
        status="refer-first" if refer_first else "active",
        urgency=a.screen.urgency,
        referral_note=REFERRAL_NOTES.get(a.screen.urgency),
        severity=choice,
        start=start,
        time=t,
        timezone=zone_name,
        session_minutes=minutes,
        working_days=tuple(sorted(set(days))),
        closed=tuple(sorted(set(closed))),
        bank_holidays=bank_holidays,
        targets=tuple(targets),
        treatment=treatment,
        overrides=tuple(overrides),
        sessions=tuple(sessions),
        reviews=tuple(reviews),
        home_programme=home,
        home_left_out=home_left_out,
        maintenance=rules.maintenance if ended == "maintenance" else None,
        ended=ended,
        outcomes=tuple(outcomes),
        notes=tuple(dict.fromkeys(notes)),
        rules_used=tuple(dict.fromkeys(rules_used)),
        key=plan_key(a.presentation, start),
    )


def plan_course(
    severity: str,
    start: date,
    cal: Calendar,
    rules: Rules,
    min_gap: int,
    outcomes: Sequence[Outcome],
    worst: float | None,
    focus: tuple[str, ...],
    zone: ZoneInfo,
    t: time,
    minutes: int,
) -> tuple[list[Session], list[Review], Literal["maintenance", "refer", "open"], list[str]]:
    """The sessions and reviews, step by step down the severity's ladder, adapting to logged pain.

    A review with readings decides (step down, hold and re-assess, refer, or end in maintenance);
    a review without readings yet is *due*, and the sessions after it are provisional: they show
    the expected course if the pain improves.
    """
    ladder = rules.courses[severity]
    notes: list[str] = []
    baseline = worst
    if baseline is None and outcomes:
        baseline = outcomes[0].pain
        notes.append(f"No pain intensity in the presentation: the first logged pain ({baseline:g}/10) is the baseline.")
    reference = baseline
    sessions: list[Session] = []
    reviews: list[Review] = []
    index = 0
    begin = start
    previous: date | None = None
    misses = 0
    provisional_from: str | None = None  # why the sessions from here on are provisional
    pending = False  # a review is still to be done: the reviews after it cannot be judged yet
    last_review_date: date | None = None
    ended: Literal["maintenance", "refer", "open"] = "open"
    while True:
        step = rules.steps[ladder[index]]
        room = rules.max_sessions - len(sessions)
        dates, used = step_dates(step, begin, min(step.block, room), cal, min_gap, previous)
        if step.per_week and used < step.per_week:
            notes.append(
                f"{step.label.capitalize()} is not possible on the working days"
                + (" with needling sessions 2 days apart" if min_gap > 1 else "")
                + f": {used} a week instead."
            )
        for d in dates:
            number = len(sessions) + 1
            start_at = local_datetime(d, t, zone)
            session_notes = []
            if number == 1:
                session_notes.append(
                    "Confirm the trigger points by palpation (the client recognises the pain) before treating, and "
                    "record the baseline measures."
                )
            if provisional_from:
                session_notes.append(provisional_from)
            sessions.append(
                Session(
                    number=number,
                    date=d,
                    start=start_at,
                    end=start_at + timedelta(minutes=minutes),
                    step=step.code,
                    focus=focus,
                    review=None,
                    provisional=provisional_from is not None,
                    notes=tuple(session_notes),
                )
            )
        if len(dates) < step.block:
            notes.append(
                f"The plan stops at {rules.max_sessions} sessions: review the whole course before booking more."
            )
            break
        last = dates[-1]
        next_index = index + 1
        final = next_index >= len(ladder)
        number = len(reviews) + 1
        # Readings from after the first session on: a reading from before treatment is a baseline.
        since = last_review_date or sessions[0].date
        readings = [] if pending else readings_for(outcomes, last, since, rules)
        if not readings or reference is None or baseline is None:
            review = Review(
                number=number,
                after_session=len(sessions),
                date=last,
                step=step.code,
                next_step=None if final else ladder[next_index],
                status="due",
                verdict="pending",
                action="maintenance" if final else "expected-step-down",
                message=_due_message(rules, step.label, None if final else rules.steps[ladder[next_index]].label),
                baseline=baseline,
                reference=reference,
            )
            if not pending:
                provisional_from = f"Provisional: depends on review {number}."
            pending = True
            action = review.action
        else:
            current = mean_pain(readings)
            reference_before = reference
            j = judge(reference, baseline, current, rules)
            next_label = None if final else rules.steps[ladder[next_index]].label
            if j.verdict in ("improved", "resolved"):
                misses = 0
                reference = current
                action = "maintenance" if final or j.verdict == "resolved" else "step-down"
                message = (
                    f"Pain {current:g}/10, down {_points(j.change_points)}"
                    + (f" ({j.change_percent:g}%)" if j.change_percent is not None else "")
                    + (
                        ": pain is 1 or less, the course ends in maintenance."
                        if j.verdict == "resolved"
                        else ": a clinically important improvement; "
                        + ("the course ends in maintenance." if final else f"step down to {next_label}.")
                    )
                )
            else:
                misses += 1
                action = "refer" if misses >= rules.refer_after else "reassess"
                change = (
                    f"up {_points(-j.change_points)}" if j.change_points < 0 else f"down {_points(j.change_points)}"
                )
                what = "worse" if j.verdict == "worse" else "no clinically important change"
                message = f"Pain {current:g}/10 ({change} since the last change of frequency): {what}. " + (
                    f"Not improved at {misses} reviews in a row: stop and refer to the GP or a specialist rather "
                    "than continue the same treatment."
                    if action == "refer"
                    else "Re-assess at the next session: the findings, the muscles chosen, the home programme, what "
                    f"keeps the pain going, and the red flags again; {step.label} continues meanwhile."
                )
            provisional_from = (
                f"Provisional: after the re-assessment at review {number}." if action == "reassess" else None
            )
            review = Review(
                number=number,
                after_session=len(sessions),
                date=last,
                step=step.code,
                next_step=(
                    None
                    if action in ("maintenance", "refer")
                    else (step.code if action == "reassess" else ladder[next_index])
                ),
                status="done",
                verdict=j.verdict,
                action=action,
                message=message,
                readings=tuple(readings),
                baseline=baseline,
                reference=reference_before,
                current=current,
                change_points=j.change_points,
                change_percent=j.change_percent,
                rule="improvement" if j.verdict in ("improved", "resolved") else "no-improvement",
            )
            last_review_date = last
        reviews.append(review)
        sessions[-1] = _with_review(sessions[-1], number)
        if action == "maintenance":
            ended = "maintenance"
            break
        if action == "refer":
            ended = "refer"
            notes.append(review.message)
            break
        if action in ("step-down", "expected-step-down"):
            index = next_index
        previous = last
        begin = next_begin(rules.steps[ladder[index]], last)
    # Sessions up to the last review done have happened as planned: they depend on nothing any more.
    settled = max((r.after_session for r in reviews if r.status == "done"), default=0)
    sessions = [replace(s, provisional=False, notes=_settled(s.notes)) if s.number <= settled else s for s in sessions]
    return sessions, reviews, ended, notes


def _settled(notes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in notes if not n.startswith("Provisional"))


def _points(n: float) -> str:
    return f"{n:g} point" + ("" if n == 1 else "s")


def _with_review(s: Session, number: int) -> Session:
    return replace(s, review=number)


def _due_message(rules: Rules, label: str, next_label: str | None) -> str:
    then = f"step down to {next_label.lower()}" if next_label else "end the course with the maintenance suggestion"
    return (
        f"Measure pain (0-10) and function. If pain has fallen by at least {rules.improvement_points:g} points or "
        f"{rules.improvement_fraction:.0%} since the last change of frequency, {then}; if not, re-assess and keep "
        f"{label.lower()}; not improved at {rules.refer_after} reviews in a row: refer."
    )
