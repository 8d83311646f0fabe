"""Treatment plans in the browser: from an assessment, propose a plan, adjust it, print the handout.

Stateless for now: the presentation travels with the form (as its JSON document, posted, never
in the address) and every action re-makes the plan from it and the therapist's choices, so
what is printed is exactly what is shown. Saving plans in client records comes with the records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from knotwork import vocab
from knotwork.assess import Assessment, PresentationError, assess, from_data
from knotwork.atlas.load import load_atlas

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MUSCLE_CHOICES = 8


@dataclass
class PlanForm:
    """The therapist's choices, read from the posted form, with the errors found."""

    presentation_json: str
    start: date
    severity: str | None
    severity_reason: str
    muscles: list[str] | None
    working_days: list[int]
    removed: list[str]
    removal_reason: str
    outcomes_text: str
    errors: list[str]


def _read_form(data: Any) -> PlanForm:
    errors: list[str] = []
    tomorrow = timezone.localdate() + timedelta(days=1)
    raw_start = data.get("start", "").strip()
    start = tomorrow
    if raw_start:
        try:
            start = date.fromisoformat(raw_start)
        except ValueError:
            errors.append(f'start: "{raw_start}" is not a date (YYYY-MM-DD)')
    severity = data.get("severity") or None
    if severity not in (None, "mild", "moderate", "severe"):
        errors.append(f'severity: "{severity}" is not mild, moderate or severe')
        severity = None
    days = []
    for value in data.getlist("day"):
        if value.isdigit() and 0 <= int(value) <= 6:
            days.append(int(value))
        else:
            errors.append(f'day: "{value}" is not a weekday number 0-6')
    techniques = vocab.techniques()
    removed = [t for t in data.getlist("remove") if t in techniques]
    return PlanForm(
        presentation_json=data.get("presentation", ""),
        start=start,
        severity=severity,
        severity_reason=data.get("severity_reason", "").strip(),
        muscles=data.getlist("muscle") if data.get("muscles_chosen") == "1" else None,
        working_days=sorted(set(days)) if "days_chosen" in data else [0, 1, 2, 3, 4],
        removed=removed,
        removal_reason=data.get("removal_reason", "").strip(),
        outcomes_text=data.get("outcomes", "").strip(),
        errors=errors,
    )


def _assessment(form: PlanForm) -> Assessment | None:
    try:
        document = json.loads(form.presentation_json)
        return assess(from_data(document))
    except (json.JSONDecodeError, TypeError):
        form.errors.append("presentation: missing or not valid JSON: start from “Where does it hurt?”")
    except PresentationError as exc:
        form.errors.extend(f"presentation: {p}" for p in exc.problems)
    return None


def _make(form: PlanForm, a: Assessment) -> Any:
    """The plan for these choices, or None with the problems added to ``form.errors``."""
    from knotwork.plan import Override, PlanError, make_plan, read_outcomes

    try:
        outcomes = read_outcomes(form.outcomes_text, name="outcomes") if form.outcomes_text else []
        overrides = [
            Override(action="remove", technique=t, reason=form.removal_reason or "not given") for t in form.removed
        ]
        if form.removed and not form.removal_reason:
            form.errors.append("removal_reason: say why these techniques are left out (it is recorded)")
            return None
        return make_plan(
            a,
            start=form.start,
            severity=form.severity,
            severity_reason=form.severity_reason or None,
            muscles=form.muscles,
            working_days=form.working_days,
            overrides=overrides,
            outcomes=outcomes,
        )
    except PlanError as exc:
        form.errors.extend(exc.problems)
        return None


def _from_post(request: HttpRequest) -> tuple[PlanForm, Assessment | None, Any]:
    form = _read_form(request.POST)
    a = _assessment(form)
    plan = _make(form, a) if a is not None and not form.errors else None
    return form, a, plan


@require_POST
def plan_page(request: HttpRequest) -> HttpResponse:
    """Propose the plan for a posted presentation, and re-make it as the therapist adjusts it."""
    from knotwork.plan import plan_document

    form, a, plan = _from_post(request)
    if a is None and not form.presentation_json:
        return HttpResponseRedirect(reverse("where"))
    atlas = load_atlas()
    doc = plan_document(plan) if plan is not None else None
    targets = {t["muscle"] for t in doc["targets"]} if doc else set(form.muscles or [])
    muscle_choices = []
    if a is not None:
        seen = set()
        for c in a.candidates[:MUSCLE_CHOICES]:
            seen.add(c.muscle.id)
            muscle_choices.append((c.muscle.id, c.muscle.name, f"{c.score:.2f}", c.muscle.id in targets))
        for muscle_id in sorted(targets - seen):
            if muscle_id in atlas.muscles:
                muscle_choices.append((muscle_id, atlas.muscles[muscle_id].name, "added", True))
    context = {
        "form": form,
        "assessment": a,
        "plan": doc,
        "muscle_choices": muscle_choices,
        "weekdays": [(i, name, i in form.working_days) for i, name in enumerate(WEEKDAYS)],
        "clinic_techniques": [
            (code, t.name.split(" (")[0], code in form.removed)
            for code, t in vocab.techniques().items()
            if t.setting != "home"
        ],
        "muscle_names": {m.id: m.name for m in atlas.muscles.values()},
    }
    return render(request, "web/plan.html", context)


def _output(request: HttpRequest, kind: str) -> HttpResponse:
    from knotwork.plan import handout_html, handout_pdf, plan_ics

    form, _, plan = _from_post(request)
    if plan is None:
        return render(request, "web/plan_error.html", {"errors": form.errors}, status=422)
    if kind == "html":
        return HttpResponse(mark_safe(handout_html(plan)), content_type="text/html; charset=utf-8")  # noqa: S308 - our own escaped HTML
    if kind == "pdf":
        try:
            pdf = handout_pdf(plan)
        except (ImportError, OSError) as exc:
            # WeasyPrint needs Debian's Pango; say so instead of failing with a server error.
            message = f"The PDF needs Pango on the server (apt-get install libpango-1.0-0 libpangoft2-1.0-0): {exc}"
            return render(request, "web/plan_error.html", {"errors": [message]}, status=503)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="knotwork-home-programme.pdf"'
        return response
    response = HttpResponse(plan_ics(plan), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="knotwork-sessions.ics"'
    return response


@require_POST
def plan_handout(request: HttpRequest) -> HttpResponse:
    return _output(request, "html")


@require_POST
def plan_pdf(request: HttpRequest) -> HttpResponse:
    return _output(request, "pdf")


@require_POST
def plan_calendar(request: HttpRequest) -> HttpResponse:
    return _output(request, "ics")
