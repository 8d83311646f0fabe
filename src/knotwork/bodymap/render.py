"""Referral pictures: a muscle's zones drawn on the body map.

Essential zones dark, spillover lighter, trigger points marked. The head profiles are shown
only when the pattern reaches the head or neck, and only for the sides it reaches.
"""

from __future__ import annotations

from knotwork import vocab
from knotwork.atlas.model import Muscle, TriggerPoint
from knotwork.bodymap.svg import body_svg

HEAD_GROUPS = {"head", "neck"}


def referral_shading(trigger_points: tuple[TriggerPoint, ...], side: str) -> dict[tuple[str, str], str]:
    """(region, side) -> "essential" or "spillover"; essential wins where both apply."""
    regions = vocab.regions()
    shading: dict[tuple[str, str], str] = {}
    for tp in trigger_points:
        for zone in tp.zones:
            for s in zone.sides_for(side, sided=regions[zone.region].sided):
                if zone.essential or shading.get((zone.region, s)) != "essential":
                    shading[(zone.region, s)] = "essential" if zone.essential else "spillover"
    return shading


def referral_views(keys: list[tuple[str, str]]) -> list[str]:
    regions = vocab.regions()
    views = ["front", "back"]
    head_sides = {s for code, s in keys if regions[code].group in HEAD_GROUPS}
    if "midline" in head_sides:
        head_sides |= {"right", "left"}
    views += [f"head-{s}" for s in ("right", "left") if s in head_sides]
    return views


VIEW_ORDER = ["front", "back", "head-right", "head-left"]


def compact_views(keys: list[tuple[str, str]], limit: int = 2) -> list[str]:
    """The fewest views (at most ``limit``) that show the most of these region-sides, for thumbnails."""
    from knotwork.bodymap.shapes import largest_shape, views_of

    chosen: list[str] = []
    left = set(keys)
    while left and len(chosen) < limit:
        counts: dict[str, int] = {}
        areas: dict[str, float] = {}
        for rs in left:
            for v in views_of(*rs):
                counts[v] = counts.get(v, 0) + 1
                shape = largest_shape(rs[0], rs[1], v)
                areas[v] = areas.get(v, 0.0) + (shape.area if shape else 0.0)
        if not counts:
            break
        # Most region-sides first; then the view that draws them biggest (a head profile shows the
        # temple better than the whole-body front view).
        best = max(counts, key=lambda v: (counts[v], areas[v], -VIEW_ORDER.index(v)))
        chosen.append(best)
        left = {rs for rs in left if best not in views_of(*rs)}
    return sorted(chosen, key=VIEW_ORDER.index) or ["front", "back"]


def referral_svg(
    muscle: Muscle,
    *,
    side: str = "right",
    trigger_point: str | None = None,
    id_prefix: str = "rf",
    compact: bool = False,
) -> str:
    """The referral picture of a muscle (or of one of its trigger points, by slug).

    ``side`` may be ``bilateral`` for trigger points on both sides. ``compact`` draws only the
    one or two views that show the pattern best, cropped to the pattern, without captions
    (for thumbnails and close-ups).
    """
    tps = tuple(tp for tp in muscle.trigger_points if trigger_point in (None, tp.slug))
    if not tps:
        raise KeyError(trigger_point)
    regions = vocab.regions()
    sides = ("right", "left") if side == "bilateral" else (side,)
    shading: dict[tuple[str, str], str] = {}
    for s in sides:
        for key, kind in referral_shading(tps, s).items():
            if shading.get(key) != "essential":
                shading[key] = kind
    markers = [(tp.region, s if regions[tp.region].sided else "midline") for tp in tps for s in sides]
    label = muscle.name if trigger_point is None else f"{muscle.name}, {tps[0].name}"
    return body_svg(
        shading,
        markers=markers,
        title=f"Referred pain from the {side} {label}: essential zones dark, spillover lighter",
        views=compact_views(list(shading)) if compact else referral_views([*shading, *markers]),
        labels=not compact,
        focus=compact,
        id_prefix=id_prefix,
    )
