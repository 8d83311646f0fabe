"""The body map: every region-side is drawn, the drawing is symmetric, sane and renders to valid SVG."""

from __future__ import annotations

import bisect
import re
import xml.etree.ElementTree as ET
from collections import Counter
from importlib import resources

import pytest

from knotwork import vocab
from knotwork.bodymap import shapes as geo
from knotwork.bodymap.svg import body_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
REGION_SIDES = vocab.region_sides()
MIRROR_VIEW = {"front": "front", "back": "back", "head-right": "head-left", "head-left": "head-right"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def region_paths(root: ET.Element) -> list[ET.Element]:
    return [p for p in root.iter(f"{SVG}path") if "region" in p.get("class", "").split()]


def mirrored(points: tuple[tuple[float, float], ...], mx: float) -> frozenset[tuple[float, float]]:
    return frozenset((round(2 * mx - x, 1), round(y, 1)) for x, y in points)


def as_set(points: tuple[tuple[float, float], ...]) -> frozenset[tuple[float, float]]:
    return frozenset((round(x, 1), round(y, 1)) for x, y in points)


# ---------------------------------------------------------------- path flattening for coverage checks

_TOKEN = re.compile(r"[MLCZmlcz]|-?\d*\.?\d+(?:e-?\d+)?")


def rings_of(d: str) -> list[list[tuple[float, float]]]:
    """Flatten absolute M/L/C/Z path data into closed polygons (8 segments per cubic)."""
    tokens = _TOKEN.findall(d)
    rings: list[list[tuple[float, float]]] = []
    ring: list[tuple[float, float]] = []
    cmd = ""
    i = 0
    cur = (0.0, 0.0)

    def num() -> float:
        nonlocal i
        v = float(tokens[i])
        i += 1
        return v

    while i < len(tokens):
        if tokens[i] in "MLCZmlcz":
            cmd = tokens[i].upper()
            i += 1
            if cmd == "Z":
                if ring:
                    rings.append(ring)
                ring = []
                continue
        if cmd == "M":
            if ring:
                rings.append(ring)
            cur = (num(), num())
            ring = [cur]
            cmd = "L"
        elif cmd == "L":
            cur = (num(), num())
            ring.append(cur)
        elif cmd == "C":
            p1, p2, p3 = (num(), num()), (num(), num()), (num(), num())
            p0 = cur
            for k in range(1, 9):
                t = k / 8
                a, b, c, e = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
                x = a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0]
                ring.append((x, a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1]))
            cur = p3
    if ring:
        rings.append(ring)
    return rings


def row_crossings(rings: list[list[tuple[float, float]]], y: float) -> list[float]:
    xs = []
    for r in rings:
        for (x0, y0), (x1, y1) in zip(r, r[1:] + r[:1], strict=True):
            if (y0 > y) != (y1 > y):
                xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    return sorted(xs)


def inside(xs: list[float], x: float) -> bool:
    """Even-odd membership of x given the sorted crossings of its row."""
    return bisect.bisect_left(xs, x) % 2 == 1


def coverage(view_name: str, step: float = 3.0) -> tuple[int, int, int]:
    """(points inside the outline, points covered by no region, points covered by two or more)."""
    view = geo.view(view_name)
    outline = rings_of(view.outline_d)
    shapes = geo.shapes_on(view_name)
    boxes = [(min(p[1] for p in s.points), max(p[1] for p in s.points)) for s in shapes]
    total = gaps = overlaps = 0
    y = step / 2
    while y < view.height:
        body = row_crossings(outline, y)
        rows = [row_crossings([list(s.points)], y) for s, (lo, hi) in zip(shapes, boxes, strict=True) if lo <= y <= hi]
        x = step / 2
        while x < view.width:
            if inside(body, x):
                total += 1
                n = sum(inside(r, x) for r in rows)
                gaps += n == 0
                overlaps += n > 1
            x += step
        y += step
    return total, gaps, overlaps


# ---------------------------------------------------------------- the data


def test_every_region_side_has_a_shape():
    missing = [rs for rs in REGION_SIDES if not geo.shapes_of(*rs)]
    assert missing == []
    assert len(REGION_SIDES) == 180


def test_every_region_side_is_drawn_on_at_least_one_view():
    assert [rs for rs in REGION_SIDES if not geo.views_of(*rs)] == []


def test_every_shape_names_a_known_region_with_a_valid_side():
    regions = vocab.regions()
    for s in geo.shapes():
        assert s.region in regions, s.region
        expected = ("right", "left") if regions[s.region].sided else ("midline",)
        assert s.side in expected, (s.region, s.side)


def test_every_shape_is_on_a_known_view():
    assert {s.view for s in geo.shapes()} <= set(geo.views())
    assert list(geo.views()) == ["front", "back", "head-right", "head-left"]


def test_the_figure_is_one_of_anatomapas_bodies():
    assert geo.figure() in {"male", "female"}


def test_polygons_have_at_least_three_points_and_lie_within_their_view_box():
    for s in geo.shapes():
        x0, y0, w, h = geo.view(s.view).view_box
        assert len(s.points) >= 3, s
        assert all(x0 <= x <= x0 + w and y0 <= y <= y0 + h for x, y in s.points), (s.region, s.side, s.view)


def test_polygons_have_an_area_big_enough_to_see():
    for s in geo.shapes():
        assert s.area > 20, (s.region, s.side, s.view, s.area)


def test_left_and_right_shapes_mirror_each_other():
    by_key: dict[tuple[str, str, str], list[frozenset[tuple[float, float]]]] = {}
    for s in geo.shapes():
        by_key.setdefault((s.view, s.region, s.side), []).append(as_set(s.points))
    checked = 0
    for s in geo.shapes():
        if s.side != "right":
            continue
        mx = geo.view(s.view).mirror_x
        mates = by_key.get((MIRROR_VIEW[s.view], s.region, "left"), [])
        assert mirrored(s.points, mx) in mates, (s.region, s.view)
        checked += 1
    lefts = sum(1 for s in geo.shapes() if s.side == "left")
    assert checked == lefts > 0


def test_midline_shapes_are_symmetric_or_mirrored_between_the_head_profiles():
    for s in geo.shapes():
        if s.side != "midline":
            continue
        mx = geo.view(s.view).mirror_x
        mate = MIRROR_VIEW[s.view]
        mates = [as_set(m.points) for m in geo.shapes_on(mate) if m.region == s.region and m.side == "midline"]
        assert mirrored(s.points, mx) in mates, (s.region, s.view)


def test_the_head_profiles_carry_the_small_head_regions():
    for region in (
        "temple",
        "ear",
        "mastoid",
        "tmj",
        "jaw",
        "cheek",
        "upper-teeth",
        "lower-teeth",
        "eye",
        "neck-side",
        "forehead",
        "eyebrow",
        "occiput",
        "neck-front",
        "neck-back-upper",
    ):
        assert "head-right" in geo.views_of(region, "right"), region
        assert "head-left" in geo.views_of(region, "left"), region
        assert "head-left" not in geo.views_of(region, "right"), region
    assert {"head-right", "head-left"} <= set(geo.views_of("vertex", "midline"))


def test_sides_are_drawn_where_the_viewer_sees_them():
    """Front: the client's right is on the viewer's left; back: on the viewer's right."""
    for s in geo.shapes():
        if s.side == "midline" or s.view not in ("front", "back"):
            continue
        cx = s.centroid[0]
        viewer_left = cx < geo.view(s.view).mirror_x
        if s.view == "front":
            assert viewer_left == (s.side == "right"), (s.region, s.side, s.view)
        else:
            assert viewer_left == (s.side == "left"), (s.region, s.side, s.view)


def test_marker_points_fall_inside_their_shapes():
    for s in geo.shapes():
        assert s.contains(s.marker_point), (s.region, s.side, s.view, s.marker_point)


def test_the_body_outline_is_read_from_anatomapa_and_not_copied():
    svg = resources.files("anatomapa").joinpath("assets", "body_male_anterior.svg").read_text(encoding="utf-8")
    d = re.search(r'id="body-outline"[^>]*\bd="([^"]*)"', svg)
    assert d is not None
    first = re.split(r"(?=M)", d.group(1).strip())[1].strip()
    assert geo.view("front").outline_d.startswith(first[:60])
    ours = resources.files("knotwork.bodymap").joinpath("data", "shapes.json").read_text(encoding="utf-8")
    assert first[:60] not in ours


@pytest.mark.parametrize("view_name", ["front", "back", "head-right", "head-left"])
def test_regions_tile_the_body_without_big_gaps_or_overlaps(view_name):
    total, gaps, overlaps = coverage(view_name)
    assert total > 1000
    assert gaps / total < 0.01, f"{gaps} of {total} sample points inside the {view_name} outline are in no region"
    assert overlaps / total < 0.01, f"{overlaps} of {total} sample points are in two regions"


def test_views_of_follows_the_shapes():
    assert geo.views_of("sternum", "midline") == ("front",)
    assert geo.views_of("scapula", "left") == ("back",)
    assert geo.views_of("no-such-region", "left") == ()
    for region, side in REGION_SIDES:
        assert set(geo.views_of(region, side)) == {s.view for s in geo.shapes_of(region, side)}


# ---------------------------------------------------------------- the SVG


def test_the_svg_parses_and_is_a_standalone_image():
    root = parse(body_svg())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox")
    assert root.get("width") is None and root.get("height") is None
    assert root.find("svg:title", NS) is not None and root.find("svg:title", NS).text == "Body map"
    assert root.find("svg:desc", NS) is not None and root.find("svg:desc", NS).text
    style = root.find("svg:style", NS)
    assert style is not None and ".essential" in style.text and ".pain-10" in style.text


def test_every_region_side_appears_as_a_path_with_data_attributes_and_a_title():
    root = parse(body_svg())
    paths = region_paths(root)
    seen = {(p.get("data-region"), p.get("data-side")) for p in paths}
    assert seen == set(REGION_SIDES)
    regions = vocab.regions()
    for p in paths:
        title = p.find("svg:title", NS)
        name = regions[p.get("data-region")].name
        side = p.get("data-side")
        assert title is not None
        assert title.text == (name if side == "midline" else f"{name} ({side})")
        assert p.get("d", "").startswith("M") and p.get("d", "").endswith("Z")
    assert len(paths) == len(geo.shapes())


def test_each_view_is_a_captioned_group_and_the_body_views_carry_side_cues():
    root = parse(body_svg())
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if "view" in g.get("class", "").split()}
    assert set(groups) == {"bm-front", "bm-back", "bm-head-right", "bm-head-left"}
    captions = {gid: [t.text for t in g.iter(f"{SVG}text") if t.get("class") == "caption"] for gid, g in groups.items()}
    assert captions["bm-front"] == ["Front"]
    assert captions["bm-back"] == ["Back"]
    assert captions["bm-head-right"] == ["Right side of head"]
    assert captions["bm-head-left"] == ["Left side of head"]
    for gid in ("bm-front", "bm-back"):
        cues = [t for t in groups[gid].iter(f"{SVG}text") if t.get("class") == "cue"]
        assert sorted(t.text for t in cues) == ["L", "R"]
    # the R cue sits on the viewer's left in the front view and on the viewer's right in the back view
    front_r = next(t for t in groups["bm-front"].iter(f"{SVG}text") if t.text == "R")
    back_r = next(t for t in groups["bm-back"].iter(f"{SVG}text") if t.text == "R")
    assert float(front_r.get("x")) < 270 < float(back_r.get("x"))


def test_labels_false_leaves_out_captions_and_cues():
    root = parse(body_svg(labels=False))
    assert list(root.iter(f"{SVG}text")) == []


def test_regions_are_clipped_to_the_outline_with_prefixed_ids():
    a = parse(body_svg(id_prefix="intake"))
    b = parse(body_svg(id_prefix="atlas"))
    ids_a = {e.get("id") for e in a.iter() if e.get("id")}
    ids_b = {e.get("id") for e in b.iter() if e.get("id")}
    assert ids_a.isdisjoint(ids_b)
    assert all(i.startswith("intake") for i in ids_a)
    clips = {c.get("id") for c in a.iter(f"{SVG}clipPath")}
    assert clips == {f"intake-clip-{v}" for v in geo.views()}
    for g in a.iter(f"{SVG}g"):
        if g.get("class") == "regions":
            assert g.get("clip-path") in {f"url(#{c})" for c in clips}


def test_shading_classes_show_up_on_the_shaded_paths_only():
    shading = {("temple", "right"): "essential", ("calf", "left"): "pain-7", ("jaw", "left"): "spillover"}
    root = parse(body_svg(shading))
    for p in region_paths(root):
        key = (p.get("data-region"), p.get("data-side"))
        expected = {"region", shading[key]} if key in shading else {"region"}
        assert set(p.get("class").split()) == expected, key
    temples = [p for p in region_paths(root) if p.get("data-region") == "temple" and p.get("data-side") == "right"]
    assert len(temples) == len(geo.shapes_of("temple", "right")) >= 2


def test_markers_show_up_at_the_largest_shape_on_each_view():
    markers = [("scapula", "left"), ("temple", "right"), ("sternum", "midline")]
    root = parse(body_svg(markers=markers))
    drawn = [g for g in root.iter(f"{SVG}g") if g.get("class") == "marker"]
    expected = sum(len(geo.views_of(*m)) for m in markers)
    assert len(drawn) == expected
    for g in drawn:
        assert g.find("svg:title", NS).text.startswith("Trigger point: ")
        assert g.find("svg:circle", NS) is not None
        x, y = map(float, re.findall(r"-?\d+(?:\.\d+)?", g.get("transform")))
        view_name = next(v for v in geo.views() if any(m is g for m in parse_view(root, v).iter()))
        shape = geo.largest_shape(g.get("data-region"), g.get("data-side"), view_name)
        assert shape is not None and shape.contains((x, y))


def parse_view(root: ET.Element, view_name: str) -> ET.Element:
    return next(g for g in root.iter(f"{SVG}g") if g.get("id") == f"bm-{view_name}")


def test_markers_only_on_the_chosen_views():
    root = parse(body_svg(markers=[("temple", "right")], views=("front",)))
    assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "marker"]) == 1


def test_interactive_regions_are_focusable_toggle_buttons():
    root = parse(body_svg({("temple", "right"): "selected", ("calf", "left"): "pain-3"}, interactive=True))
    assert root.get("role") == "group"
    for p in region_paths(root):
        assert p.get("tabindex") == "0"
        assert p.get("role") == "button"
        region, side = p.get("data-region"), p.get("data-side")
        name = vocab.regions()[region].name
        assert p.get("aria-label") == (name if side == "midline" else f"{name}, {side}")
        assert p.get("aria-pressed") == ("true" if (region, side) == ("temple", "right") else "false")


def test_non_interactive_regions_are_not_buttons():
    root = parse(body_svg())
    assert all(p.get("tabindex") is None and p.get("role") is None for p in region_paths(root))


def test_text_is_xml_escaped():
    title = 'Pain <map> & "more"'
    root = parse(body_svg({("temple", "right"): 'odd"class<'}, title=title))
    assert root.find("svg:title", NS).text == title
    temple = next(p for p in region_paths(root) if p.get("data-region") == "temple")
    assert temple.get("class") == 'region odd"class<'


def test_views_can_be_chosen_and_the_view_box_fits_them():
    root = parse(body_svg(views=("head-right",), labels=False))
    groups = [g.get("id") for g in root.iter(f"{SVG}g") if "view" in g.get("class", "").split()]
    assert groups == ["bm-head-right"]
    assert {p.get("data-side") for p in region_paths(root)} <= {"right", "midline"}
    _, _, w, h = map(float, root.get("viewBox").split())
    view = geo.view("head-right")
    assert (w, h) == (view.width, view.height)
    full = parse(body_svg())
    _, _, fw, fh = map(float, full.get("viewBox").split())
    assert fw > 2 * 540 and fh >= 960


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="region-side"):
        body_svg({("temple", "midline"): "essential"})
    with pytest.raises(ValueError, match="region-side"):
        body_svg(markers=[("no-such-region", "left")])
    with pytest.raises(ValueError, match="view"):
        body_svg(views=("side",))
    with pytest.raises(ValueError, match="id"):
        body_svg(id_prefix="1 bad")


def test_every_region_side_appears_on_each_view_it_is_drawn_on():
    root = parse(body_svg())
    counts = Counter((p.get("data-region"), p.get("data-side")) for p in region_paths(root))
    for region, side in REGION_SIDES:
        assert counts[(region, side)] == len(geo.shapes_of(region, side))
