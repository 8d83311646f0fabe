"""The assessment of one presentation and its JSON document (re-exported by ``knotwork.assess``;
a module of its own so that it is compiled with the rest of the core, ``knotwork.compiled``)."""

from __future__ import annotations

from typing import Any, NamedTuple

from knotwork.assess.presentation import Presentation
from knotwork.assess.rank import Candidate, engine
from knotwork.assess.safety import Screen, screen


class Assessment(NamedTuple):
    presentation: Presentation
    screen: Screen
    candidates: tuple[Candidate, ...]
    combination: tuple[Candidate, ...]


def assess(p: Presentation) -> Assessment:
    """Safety screen first, then the differential. Pure, deterministic, no Django."""
    e = engine()
    candidates = e.rank(p)
    cover = e.explain_all(p, candidates)
    return Assessment(
        presentation=p,
        screen=screen(p),
        candidates=tuple(candidates),
        combination=tuple(cover[0]) if cover else (),
    )


_RS: dict[tuple[str, str], dict[str, str]] = {}


def _rs(items: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    """Region-sides as documents; one shared dict per region-side (documents are only encoded)."""
    out = []
    for rs in items:
        doc = _RS.get(rs)
        if doc is None:
            doc = _RS[rs] = {"region": rs[0], "side": rs[1]}
        out.append(doc)
    return out


def candidate_document(c: Candidate) -> dict[str, Any]:
    return {
        "muscle": c.muscle.id,
        "side": c.side,
        "score": c.score,
        "explanation": c.explanation,
        "name": c.muscle.name,
        "trigger_point": f"{c.muscle.id}.{c.trigger_point}" if c.trigger_point else None,
        "matches": {
            "essential": _rs(c.essential),
            "spillover": _rs(c.spillover),
            "adjacent": _rs(c.adjacent),
            "unexplained": _rs(c.unexplained),
        },
        "pattern_score": c.pattern_score,
        "history_score": c.text_score,
        "prevalence_percent": None if c.prevalence is None else round(c.prevalence, 1),
    }


def document(a: Assessment) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if a.presentation.id is not None:
        doc["id"] = a.presentation.id
    doc["referral"] = {
        "urgency": a.screen.urgency,
        "reasons": [
            {"code": r.code, "message": r.message, "urgency": r.urgency, "rule": r.rule, "sources": list(r.sources)}
            for r in a.screen.reasons
        ],
    }
    doc["precautions"] = [
        {"technique": p.technique, "level": p.level, "reason": p.reason, "code": p.code} for p in a.screen.precautions
    ]
    doc["candidates"] = [candidate_document(c) for c in a.candidates]
    doc["combination"] = [{"muscle": c.muscle.id, "side": c.side, "name": c.muscle.name} for c in a.combination]
    doc["notes"] = [{"code": n.code, "message": n.message} for n in a.screen.notes]
    return doc
