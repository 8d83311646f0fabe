"""A plan as JSON: ``{"severity", "sessions", "reviews", "home_programme", ...}``.

The four keys of issue 4 come first; the rest (status and referral, the severity's basis and
any override, the schedule's settings, targets, what each session does and what was left out,
overrides, maintenance, the adaptation log in ``reviews``, notes, and the rules with their
sources) extend it. Dates are ``YYYY-MM-DD``; session times are ISO 8601 with the UTC offset of
that day, so a reader sees ``+01:00`` in summer and ``+00:00`` in winter at the same 10:00.
"""

from __future__ import annotations

from typing import Any

from knotwork.plan.model import HomeExercise, LeftOut, Outcome, Plan, Review, SessionTechnique
from knotwork.plan.rules import MEASURES, RULE_BY_CODE, Measure
from knotwork.plan.schedule import DAY_NAMES
from knotwork.plan.sources import citation


def _technique(t: SessionTechnique) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "muscle": t.muscle,
        "technique": t.technique,
        "name": t.name,
        "level": t.level,
        "notes": list(t.notes),
    }
    if t.added_by_therapist:
        doc["added_by_therapist"] = True
    if t.overruled:
        doc["overruled_precaution"] = t.overruled
    return doc


def _left_out(lo: LeftOut) -> dict[str, Any]:
    return {"muscle": lo.muscle, "technique": lo.technique, "title": lo.title, "reason": lo.reason, "by": lo.by}


def _outcome(o: Outcome) -> dict[str, Any]:
    doc: dict[str, Any] = {"date": o.date.isoformat(), "pain": o.pain}
    if o.note:
        doc["note"] = o.note
    return doc


def measures_for(plan: Plan) -> list[Measure]:
    """What to measure at the reviews: pain and PSFS always; NDI, ODI or HIT-6 by where it hurts; PPT if possible."""
    from knotwork import vocab

    regions = vocab.regions()
    groups = {regions[p.region].group for p in plan.assessment.presentation.pain}
    return [m for m in MEASURES if not m.regions or m.regions & groups]


def _measure(m: Measure) -> dict[str, Any]:
    return {"code": m.code, "name": m.name, "how": m.how, "important_change": m.important_change,
            "sources": list(m.sources)}  # fmt: skip


def _review(r: Review, measures: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "number": r.number,
        "after_session": r.after_session,
        "date": r.date.isoformat(),
        "step": r.step,
        "next_step": r.next_step,
        "status": r.status,
        "verdict": r.verdict,
        "action": r.action,
        "message": r.message,
        "measure": measures,
        "readings": [_outcome(o) for o in r.readings],
        "baseline": r.baseline,
        "reference": r.reference,
        "current": r.current,
        "change_points": r.change_points,
        "change_percent": r.change_percent,
        "rule": r.rule,
    }


def _home(h: HomeExercise) -> dict[str, Any]:
    return {
        "muscle": h.muscle,
        "muscle_name": h.muscle_name,
        "side": h.side or None,
        "technique": h.technique,
        "title": h.title,
        "instructions": h.instructions,
        "dose": h.dose,
        "cautions": list(h.cautions),
        "modified_by_precaution": h.modified,
        "sources": list(h.sources),
    }


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan as a JSON-ready dict (see the module docstring for its keys)."""
    techniques = [_technique(t) for tr in plan.treatment for t in tr.techniques]
    measures = [_measure(m) for m in measures_for(plan)]
    doc: dict[str, Any] = {
        "severity": plan.severity.severity,
        "sessions": [
            {
                "number": s.number,
                "date": s.date.isoformat(),
                "focus": list(s.focus),
                "techniques": techniques,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "step": s.step,
                "review": s.review,
                "status": "provisional" if s.provisional else "planned",
                "notes": list(s.notes),
            }
            for s in plan.sessions
        ],
        "reviews": [_review(r, measures) for r in plan.reviews],
        "home_programme": [_home(h) for h in plan.home_programme],
    }
    if plan.presentation_id is not None:
        doc["id"] = plan.presentation_id
    sources = sorted(
        {k for code in plan.rules_used for k in RULE_BY_CODE[code].sources}
        | {k for m in measures_for(plan) if plan.reviews for k in m.sources}
        | {k for h in plan.home_programme for k in h.sources}
    )
    doc |= {
        "status": plan.status,
        "referral": {
            "urgency": plan.urgency,
            "note": plan.referral_note,
            "reasons": [
                {"code": r.code, "message": r.message, "urgency": r.urgency} for r in plan.assessment.screen.reasons
            ],
        },
        "severity_basis": {
            "derived": plan.severity.derived,
            "worst_pain": plan.severity.worst_pain,
            "text": plan.severity.basis,
            "override_reason": plan.severity.override_reason,
        },
        "schedule": {
            "start": plan.start.isoformat(),
            "time": plan.time.strftime("%H:%M"),
            "timezone": plan.timezone,
            "session_minutes": plan.session_minutes,
            "working_days": [DAY_NAMES[d] for d in plan.working_days],
            "closed": [d.isoformat() for d in plan.closed],
            "bank_holidays": plan.bank_holidays,
            "ends_with": plan.ended,
        },
        "targets": [
            {"muscle": t.muscle, "name": t.name, "side": t.side, "score": t.score, "chosen_by": t.chosen_by}
            for t in plan.targets
        ],
        "treatment": [
            {
                "muscle": tr.target.muscle,
                "name": tr.target.name,
                "side": tr.target.side,
                "techniques": [_technique(t) for t in tr.techniques],
                "left_out": [_left_out(lo) for lo in tr.left_out],
            }
            for tr in plan.treatment
        ],
        "overrides": [
            {
                "action": o.action,
                "technique": o.technique,
                "muscle": o.muscle,
                "reason": o.reason,
                "overrule_precaution": o.overrule_precaution,
            }
            for o in plan.overrides
        ],
        "home_left_out": [_left_out(lo) for lo in plan.home_left_out],
        "maintenance": (
            {"after": plan.sessions[-1].date.isoformat() if plan.sessions else None, "suggestion": plan.maintenance}
            if plan.maintenance
            else None
        ),
        "outcomes": [_outcome(o) for o in plan.outcomes],
        "notes": list(plan.notes),
        "rules": [
            {"code": r.code, "says": r.says, "why": r.why, "evidence": r.evidence, "sources": list(r.sources)}
            for r in (RULE_BY_CODE[c] for c in plan.rules_used)
        ],
        "sources": {k: citation(k) for k in sources},
    }
    return doc
