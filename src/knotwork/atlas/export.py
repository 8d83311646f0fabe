"""The atlas as plain data, for ``knotwork atlas export --json`` and the web API.

Shape: ``{"muscles": [{"id", "name", ..., "trigger_points": [{"id", "location",
"referral": {"essential": [codes], "spillover": [codes]}}], "sources": [...]}]}``. Referral
codes are region codes of body-regions.csv; a zone felt on both sides or on the opposite side
is also listed under ``referral.laterality`` (``{"forehead": "both"}``).
"""

from __future__ import annotations

from typing import Any

import msgspec

from knotwork.atlas.model import Atlas, Muscle, TriggerPoint


def trigger_point_document(tp: TriggerPoint) -> dict[str, Any]:
    return {
        "id": tp.id,
        "name": tp.name,
        "location": tp.location,
        "region": tp.region,
        "referral": {
            "essential": [z.region for z in tp.essential],
            "spillover": [z.region for z in tp.spillover],
            "laterality": {z.region: z.laterality for z in tp.zones if z.laterality != "same"},
        },
        "note": tp.note,
    }


def muscle_document(m: Muscle) -> dict[str, Any]:
    def plain(items: tuple[msgspec.Struct, ...]) -> list[Any]:
        return [msgspec.to_builtins(i) for i in items]

    return {
        "id": m.id,
        "name": m.name,
        "group": m.group,
        "synonyms": list(m.synonyms),
        "description": m.description,
        "trigger_points": [trigger_point_document(tp) for tp in m.trigger_points],
        "mimics": list(m.mimics),
        "perpetuating_factors": list(m.perpetuating_factors),
        "aggravating_activities": list(m.aggravating_activities),
        "techniques": plain(m.techniques),
        "self_care": plain(m.self_care),
        "evidence": plain(m.evidence),
        "sources": plain(m.sources),
        "review": m.review,
    }


def atlas_document(atlas: Atlas) -> dict[str, Any]:
    return {"muscles": [muscle_document(m) for m in atlas.muscles.values()]}
