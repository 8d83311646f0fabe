"""The atlas pages: home, search, a page per muscle, "where does it hurt?".

Views parse input, call the core, render. The atlas is read from its files once per process
(``load_atlas`` is cached), so these pages touch no database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from knotwork import vocab
from knotwork.atlas.load import load_atlas
from knotwork.atlas.model import Muscle
from knotwork.atlas.search import search
from knotwork.atlas.text import STRENGTH_WORDS, zone_label
from knotwork.bodymap.render import referral_svg
from knotwork.bodymap.svg import body_svg

GROUP_NAMES = {
    "head-neck": "Head and neck",
    "shoulder-girdle": "Shoulder and upper back",
    "chest": "Chest",
    "arm": "Upper arm",
    "forearm-hand": "Forearm and hand",
    "trunk": "Trunk and low back",
    "hip-pelvis": "Hip and pelvis",
    "thigh": "Thigh",
    "leg-foot": "Lower leg and foot",
}
MAX_RESULTS = 15


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _muscle_or_404(muscle_id: str) -> Muscle:
    atlas = load_atlas()
    if muscle_id not in atlas.muscles:
        raise Http404(f"No muscle {muscle_id!r} in the atlas")
    return atlas.muscles[muscle_id]


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    atlas = load_atlas()
    tps = sum(len(m.trigger_points) for m in atlas.muscles.values())
    return render(
        request,
        "web/home.html",
        {"muscle_count": len(atlas.muscles), "trigger_point_count": tps, "groups": GROUP_NAMES},
    )


@require_GET
def atlas_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    group = request.GET.get("group", "")
    atlas = load_atlas()
    muscles = search(atlas, query) if query else list(atlas.muscles.values())
    if group in GROUP_NAMES:
        muscles = [m for m in muscles if m.group == group]
    sections: list[tuple[str, list[Muscle]]]
    if query:
        sections = [(f"{len(muscles)} match{'es' if len(muscles) != 1 else ''} for “{query}”", muscles)]
    else:
        sections = [
            (name, [m for m in muscles if m.group == key])
            for key, name in GROUP_NAMES.items()
            if any(m.group == key for m in muscles)
        ]
    context = {"query": query, "group": group, "groups": GROUP_NAMES, "sections": sections, "count": len(muscles)}
    template = "web/_muscle_list.html" if _is_htmx(request) else "web/atlas.html"
    return render(request, template, context)


@dataclass
class TriggerPointView:
    slug: str
    name: str
    location: str
    region: str
    essential: list[str]
    spillover: list[str]
    note: str | None


@require_GET
def muscle_detail(request: HttpRequest, muscle_id: str) -> HttpResponse:
    muscle = _muscle_or_404(muscle_id)
    side = "left" if request.GET.get("side") == "left" else "right"
    regions = vocab.regions()
    techniques = vocab.techniques()
    tps = [
        TriggerPointView(
            slug=tp.slug,
            name=tp.name,
            location=tp.location,
            region=regions[tp.region].name,
            essential=[zone_label(z) for z in tp.essential],
            spillover=[zone_label(z) for z in tp.spillover],
            note=tp.note,
        )
        for tp in muscle.trigger_points
    ]
    sources = {s.key: s for s in muscle.sources}
    context = {
        "muscle": muscle,
        "side": side,
        "group_name": GROUP_NAMES.get(muscle.group, muscle.group),
        "picture": mark_safe(referral_svg(muscle, side=side, id_prefix="main")),  # noqa: S308 - our own escaped SVG
        "trigger_points": tps,
        "techniques": [(techniques[t.code].name.split(" (")[0], t) for t in muscle.techniques],
        "self_care": [(techniques[c.technique].name.split(" (")[0], c) for c in muscle.self_care],
        "evidence": [(e, STRENGTH_WORDS[e.strength], [sources[k] for k in e.sources]) for e in muscle.evidence],
    }
    return render(request, "web/muscle.html", context)


@require_GET
@cache_control(max_age=3600, public=True)
def muscle_svg(request: HttpRequest, muscle_id: str) -> HttpResponse:
    muscle = _muscle_or_404(muscle_id)
    side = request.GET.get("side") if request.GET.get("side") in ("left", "bilateral") else "right"
    tp = request.GET.get("tp") or None
    try:
        svg = referral_svg(muscle, side=side, trigger_point=tp, compact=request.GET.get("compact") == "1")
    except KeyError:
        raise Http404(f"{muscle.name} has no trigger point {tp!r}") from None
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


SCREENING_GROUPS = (
    ("red-flag", "Warning signs"),
    ("precaution", "Safety of treatment"),
    ("context", "Background"),
)


@dataclass
class Question:
    code: str
    text: str
    answer: str  # "yes", "no" or "" (not answered)


def _presentation_from_form(data: Any) -> tuple[dict[str, Any], list[str]]:
    """The form's fields as a presentation document (the contract's shape), and form errors.

    Regions come as ``r=temple:right``; screening answers as ``s-<code>=yes|no``; age, sex,
    history and aggravating (one per line) as plain fields. The presentation reader checks
    everything else and names the field of every problem.
    """
    doc: dict[str, Any] = {"pain": []}
    errors: list[str] = []
    for value in data.getlist("r"):
        code, _, side = value.partition(":")
        entry = {"region": code, "side": side}
        if entry not in doc["pain"]:
            doc["pain"].append(entry)
    screening = {}
    for code in vocab.screening_questions():
        answer = data.get(f"s-{code}", "")
        if answer in ("yes", "no"):
            screening[code] = answer == "yes"
    if screening:
        doc["screening"] = screening
    age = data.get("age", "").strip()
    if age:
        try:
            doc["age"] = int(age)
        except ValueError:
            errors.append(f'age: "{age}" is not a whole number of years')
    if data.get("sex") in ("F", "M", "X"):
        doc["sex"] = data["sex"]
    history = data.get("history", "").strip()
    if history:
        doc["history"] = history[:4000]
    aggravating = [line.strip() for line in data.get("aggravating", "").splitlines() if line.strip()]
    if aggravating:
        doc["aggravating"] = aggravating[:20]
    return doc, errors


MAP_VIEWS = (
    ("front", "Front of the body"),
    ("back", "Back of the body"),
    ("head-right", "Right side of the head"),
    ("head-left", "Left side of the head"),
)


def _map_svgs(painful: list[tuple[str, str]]) -> list[str]:
    """The pain map as one SVG per view, so that the page can lay them out for the screen
    (four in a row on a desktop, two by two on a phone)."""
    shading = dict.fromkeys(painful, "selected")
    return [
        mark_safe(body_svg(shading, views=(view,), interactive=True, id_prefix=f"pick-{view}", title=title))  # noqa: S308 - our own escaped SVG
        for view, title in MAP_VIEWS
    ]


def where_it_hurts(request: HttpRequest) -> HttpResponse:
    """The assessment page: a pain drawing and optional screening, then red flags,
    precautions and the ranked muscles with their explanations.

    GET prefills from the address (``?r=temple:right``, shareable); the form itself is
    posted, so that screening answers and history never appear in addresses or server logs.
    """
    from knotwork.assess import PresentationError, assess, from_data

    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    data = request.POST if request.method == "POST" else request.GET
    doc, errors = _presentation_from_form(data)
    regions = vocab.regions()
    assessment = None
    try:
        p = from_data(doc)
    except PresentationError as exc:
        errors += exc.problems
        # Keep what was valid, so a bad entry loses nothing else.
        valid = [
            e
            for e in doc["pain"]
            if e["region"] in regions
            and e["side"] in (regions[e["region"]].sides() + (("bilateral",) if regions[e["region"]].sided else ()))
        ]
        try:
            p = from_data({"pain": valid})
        except PresentationError:
            p = from_data({"pain": []})
    painful = [rs for pain in p.pain for rs in pain.region_sides()]
    if p.pain or p.screening:
        assessment = assess(p)
    atlas = load_atlas()
    context: dict[str, Any] = {
        "errors": errors,
        "selected": [
            {
                "value": f"{x.region}:{x.side}",
                "label": vocab.region_side_label(x.region, x.side),
            }
            for x in p.pain
        ],
        "assessment": assessment,
        "candidates": [
            {"c": c, "muscle": atlas.muscles[c.muscle.id], "view_side": c.side}
            for c in (assessment.candidates[:MAX_RESULTS] if assessment else ())
        ],
        "precaution_names": {code: t.name.split(" (")[0] for code, t in vocab.techniques().items()},
        # Offered only for a drawing read without errors, so the plan is made from what was shown.
        "presentation_json": json.dumps(doc) if assessment and not errors else "",
        "painful_count": len(painful),
    }
    if _is_htmx(request):
        response = render(request, "web/_assessment.html", context)
        # The address keeps the drawing (shareable, survives a reload) but never the screening
        # answers or the history, which stay in the POST body.
        query = urlencode([("r", item["value"]) for item in context["selected"]])
        response["HX-Replace-Url"] = reverse("where") + (f"?{query}" if query else "")
        return response
    answers = doc.get("screening", {})
    questions = vocab.screening_questions()
    context["maps"] = _map_svgs(painful)
    context["screening_groups"] = [
        (
            title,
            [
                Question(
                    code, q.question, "yes" if answers.get(code) is True else "no" if answers.get(code) is False else ""
                )
                for code, q in questions.items()
                if q.kind == kind
            ],
        )
        for kind, title in SCREENING_GROUPS
    ]
    context["form"] = {
        "age": data.get("age", ""),
        "sex": data.get("sex", ""),
        "history": data.get("history", ""),
        "aggravating": data.get("aggravating", ""),
    }
    context["screened"] = bool(answers)
    context["region_choices"] = [
        (
            group,
            [
                (f"{r.code}:{s}", vocab.region_side_label(r.code, s), (r.code, s) in painful)
                for r in regions.values()
                if r.group == group
                for s in r.sides()
            ],
        )
        for group in dict.fromkeys(r.group for r in regions.values())
    ]
    return render(request, "web/where.html", context)
