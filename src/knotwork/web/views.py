"""The atlas pages: home, search, a page per muscle, "where does it hurt?".

Views parse input, call the core, render. The atlas is read from its files once per process
(``load_atlas`` is cached), so these pages touch no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from knotwork import vocab
from knotwork.atlas.load import load_atlas
from knotwork.atlas.model import Muscle
from knotwork.atlas.search import expand_pain, refers_to, search
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
        "evidence": [
            (e, STRENGTH_WORDS[e.strength], [sources[k] for k in e.sources]) for e in muscle.evidence
        ],
    }
    return render(request, "web/muscle.html", context)


@require_GET
@cache_control(max_age=3600, public=True)
def muscle_svg(request: HttpRequest, muscle_id: str) -> HttpResponse:
    muscle = _muscle_or_404(muscle_id)
    side = "left" if request.GET.get("side") == "left" else "right"
    tp = request.GET.get("tp") or None
    try:
        svg = referral_svg(muscle, side=side, trigger_point=tp)
    except KeyError:
        raise Http404(f"{muscle.name} has no trigger point {tp!r}") from None
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


def _parse_pain(values: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Read ``r=temple:right`` parameters; return the valid region-sides and the errors."""
    regions = vocab.regions()
    pain: list[tuple[str, str]] = []
    errors: list[str] = []
    for value in values:
        code, _, side = value.partition(":")
        region = regions.get(code)
        if region is None:
            errors.append(f'r: unknown region code "{code}"')
        elif side not in (("right", "left", "bilateral") if region.sided else ("midline",)):
            errors.append(f'r: side "{side}" does not fit region "{code}"')
        elif (code, side) not in pain:
            pain.append((code, side))
    return pain, errors


@require_GET
def where_it_hurts(request: HttpRequest) -> HttpResponse:
    pain, errors = _parse_pain(request.GET.getlist("r"))
    regions = vocab.regions()
    painful = expand_pain(pain)
    results = []
    for ref in refers_to(load_atlas(), pain)[:MAX_RESULTS]:
        names = [
            f"{regions[c].name.lower()}" + ("" if s == "midline" else f" ({s})")
            for c, s in ref.essential + ref.spillover
        ]
        results.append(
            {
                "muscle": ref.muscle,
                "side": ref.side,
                "matched": ref.count,
                "essential": len(ref.essential),
                "explanation": f"Refers to {', '.join(names)}: {ref.count} of {len(painful)} painful "
                f"region{'s' if len(painful) != 1 else ''}"
                + (f", {len(ref.essential)} in its essential zone" if ref.essential else ", spillover only"),
            }
        )
    selected = [
        {"value": f"{c}:{s}", "label": regions[c].name + ("" if s == "midline" else f" ({s})")} for c, s in pain
    ]
    context = {
        "results": results,
        "selected": selected,
        "errors": errors,
        "painful_count": len(painful),
    }
    if _is_htmx(request):
        return render(request, "web/_where_results.html", context)
    shading = {rs: "selected" for rs in painful}
    context["map"] = mark_safe(body_svg(shading, interactive=True, id_prefix="pick", title="Where does it hurt?"))  # noqa: S308
    context["region_choices"] = [
        (
            group,
            [
                (f"{r.code}:{s}", r.name + ("" if s == "midline" else f" ({s})"), (r.code, s) in painful)
                for r in regions.values()
                if r.group == group
                for s in r.sides()
            ],
        )
        for group in dict.fromkeys(r.group for r in regions.values())
    ]
    return render(request, "web/where.html", context)
