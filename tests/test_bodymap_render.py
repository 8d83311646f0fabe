"""Referral pictures: shading follows the atlas, close-ups crop to the pattern."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from knotwork.atlas.load import load_atlas
from knotwork.bodymap.render import compact_views, referral_shading, referral_svg

SVG = "{http://www.w3.org/2000/svg}"


def view_box(svg: str) -> list[float]:
    return [float(v) for v in ET.fromstring(svg).get("viewBox", "").split()]


def test_essential_wins_over_spillover_and_sides_follow_the_trigger_point() -> None:
    muscle = load_atlas().muscle("trapezius-upper")
    shading = referral_shading(muscle.trigger_points, "left")
    assert shading[("temple", "left")] == "essential"
    assert ("temple", "right") not in shading
    assert set(shading.values()) == {"essential", "spillover"}


def test_a_close_up_crops_to_the_pattern_and_keeps_it_in_view() -> None:
    muscle = load_atlas().muscle("anconeus")
    full = view_box(referral_svg(muscle))
    close = view_box(referral_svg(muscle, compact=True))
    assert close[2] * close[3] < full[2] * full[3] / 10  # a small pattern gets a real close-up
    root = ET.fromstring(referral_svg(muscle, compact=True))
    shaded = [p for p in root.iter(f"{SVG}path") if "essential" in (p.get("class") or "")]
    assert shaded, "the close-up still draws the pattern"


def test_bilateral_pictures_shade_both_sides() -> None:
    muscle = load_atlas().muscle("quadratus-lumborum")
    root = ET.fromstring(referral_svg(muscle, side="bilateral"))
    sides = {p.get("data-side") for p in root.iter(f"{SVG}path") if "essential" in (p.get("class") or "")}
    assert {"left", "right"} <= sides


def test_thumbnails_use_the_fewest_views_that_show_the_pattern() -> None:
    assert compact_views([("heel", "right"), ("calf", "right")]) == ["back"]
    assert compact_views([("temple", "right")]) == ["head-right"]
    assert compact_views([("chest-front", "left"), ("scapula", "left")]) == ["front", "back"]
