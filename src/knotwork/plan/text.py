"""A plan as a readable report for the therapist: safety first, then schedule, sessions, home programme."""

from __future__ import annotations

import textwrap

from knotwork.plan.document import measures_for
from knotwork.plan.model import Plan
from knotwork.plan.rules import STEPS
from knotwork.plan.schedule import DAY_NAMES

WIDTH = 96


def _wrap(text: str, first: str, rest: str | None = None) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=first, subsequent_indent=rest if rest is not None else first, break_on_hyphens=False
    )


def _sentences(notes: tuple[str, ...]) -> str:
    return " ".join(n if n.endswith((".", "!", "?")) else n + "." for n in notes)


def plan_text(plan: Plan) -> str:
    p = plan.assessment.presentation
    steps = {code: step.label for code, step in STEPS.items()}
    out: list[str] = []
    out.append("TREATMENT PLAN" + (f" {p.id}" if p.id else ""))
    out.append("Suggestions for the therapist to check and adjust; Knotwork does not diagnose.")
    out.append("")
    out.append("1. SAFETY")
    if plan.referral_note:
        out += _wrap(plan.referral_note, "   ")
        for r in plan.assessment.screen.reasons:
            out += _wrap(f"[{r.urgency}] {r.message}", "   - ", "     ")
    else:
        out.append("   No red flags found in the answers given.")
    if plan.status == "refer-first":
        out.append("")
        out.append("No sessions and no home programme until a doctor has seen the client.")
        return "\n".join(line.rstrip() for line in out)
    out.append("")
    sev = plan.severity
    out.append(f"2. SEVERITY: {sev.severity.upper()}")
    out += _wrap(sev.basis, "   ")
    if sev.override_reason:
        out += _wrap(f"Changed by the therapist from {sev.derived}: {sev.override_reason}", "   ")
    out.append("")
    days = ", ".join(DAY_NAMES[d].capitalize() for d in plan.working_days)
    out.append(
        f"3. SCHEDULE: {plan.session_minutes}-minute sessions at {plan.time:%H:%M} ({plan.timezone}); working days "
        f"{days}"
    )
    names = {t.muscle: t.name for t in plan.targets}
    for s in plan.sessions:
        mark = ""
        if s.review is not None:
            mark = f"  REVIEW {s.review}"
        if s.provisional:
            mark += "  (provisional)"
        out.append(f"   {s.number:>2}  {s.date:%a %d %b %Y}  {s.start:%H:%M}  {steps.get(s.step, s.step):24}{mark}")
    if plan.ended == "maintenance" and plan.maintenance:
        out += _wrap(f"Then: {plan.maintenance}", "   ")
    elif plan.ended == "refer":
        out += _wrap("Then: refer (see the last review).", "   ")
    out.append("")
    out.append("4. REVIEWS")
    measures = measures_for(plan)
    out += _wrap("Measure: " + "; ".join(m.name for m in measures) + ".", "   ")
    for rv in plan.reviews:
        head = f"Review {rv.number}, after session {rv.after_session} ({rv.date:%d %b %Y}): {rv.status}."
        out += _wrap(f"{head} {rv.message}", "   - ", "     ")
    out.append("")
    out.append("5. IN EACH SESSION")
    for tr in plan.treatment:
        t = tr.target
        out.append(f"   {t.name} ({t.side})" + (f", score {t.score:.2f}" if t.score is not None else ""))
        for tech in tr.techniques:
            flag = {"caution": "CAUTION ", "avoid": "OVERRULED AVOID "}.get(tech.level, "")
            out += _wrap(f"{flag}{tech.name}" + (": " + _sentences(tech.notes) if tech.notes else ""), "     - ",
                         "       ")  # fmt: skip
            if tech.overruled:
                out += _wrap(f"The screen said avoid: {tech.overruled}", "       ")
        for lo in tr.left_out:
            out += _wrap(f"left out ({lo.by}): {lo.title}: {lo.reason}", "     x ", "       ")
    out.append("")
    out.append("6. HOME PROGRAMME")
    current = None
    for h in plan.home_programme:
        heading = f"{h.muscle_name}" + (f" ({h.side})" if h.side else "")
        if heading != current:
            out.append(f"   {heading}")
            current = heading
        out += _wrap(f"{h.title} [{h.dose}]: {h.instructions}", "     - ", "       ")
        for c in h.cautions:
            out += _wrap(f"! {c}", "       ")
    for lo in plan.home_left_out:
        out += _wrap(f"left out: {lo.title} ({names.get(lo.muscle or '', '')}): {lo.reason}", "   x ", "     ")
    if plan.notes:
        out.append("")
        out.append("7. NOTES")
        for n in plan.notes:
            out += _wrap(n, "   - ", "     ")
    return "\n".join(line.rstrip() for line in out)
