"""Render the body map as one standalone, accessible SVG document.

``body_svg`` lays the chosen views side by side (front and back full size, the two head profiles in a
column beside them), draws the body outline, every region-side as a clipped ``<path>`` that carries
its code, side and name, optional shading classes and trigger point markers, and a ``<style>`` so the
file looks right when opened on its own.  The same markup serves the intake form (``interactive``), the
atlas and printed home programmes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from knotwork import vocab
from knotwork.bodymap import shapes as geo

_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_BIG = 600.0  # views at least this tall (front, back) sit in a row; smaller ones (heads) stack beside them
_GAP = 40.0
_COLUMN_WIDTH = 400.0
_CAPTION_SPACE = 40.0
_MARKER_RADIUS = 6.5

_PAIN_COLOURS = (
    "#fde6c4",
    "#fcd3a1",
    "#fbbd7f",
    "#f9a463",
    "#f6894c",
    "#ee6d3b",
    "#e05331",
    "#cc3a28",
    "#b0241c",
    "#8c1712",
)

_STYLE = (
    ".kw-bodymap{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
    ".kw-bodymap .body{fill:#f8e4d6;stroke:#8c6a58;stroke-width:1.2;stroke-linejoin:round}"
    ".kw-bodymap .detail-fill{fill:#9a7561;fill-opacity:.5;pointer-events:none}"
    ".kw-bodymap .detail-line{fill:none;stroke:#8c6a58;stroke-width:1.4;stroke-linecap:round;"
    "stroke-linejoin:round;pointer-events:none}"
    ".kw-bodymap .region{fill:#fff;fill-opacity:0;stroke:#a9806c;stroke-opacity:.45;stroke-width:.7;"
    "stroke-linejoin:round;vector-effect:non-scaling-stroke}"
    ".kw-bodymap .region.essential{fill:#b42318;fill-opacity:.85}"
    ".kw-bodymap .region.spillover{fill:#f4a09a;fill-opacity:.75}"
    ".kw-bodymap .region.selected{fill:#2f6fde;fill-opacity:.6}"
    + "".join(
        f".kw-bodymap .region.pain-{n}{{fill:{c};fill-opacity:.85}}" for n, c in enumerate(_PAIN_COLOURS, start=1)
    )
    + ".kw-bodymap .caption{font-size:20px;font-weight:600;fill:#3f3f46;text-anchor:middle}"
    ".kw-bodymap .cue{font-size:28px;font-weight:700;fill:#71717a;text-anchor:middle}"
    ".kw-bodymap .note{font-size:14px;fill:#52525b;text-anchor:middle}"
    ".kw-bodymap .marker circle{fill:#1c1917;stroke:#fff;stroke-width:1.5}"
    ".kw-bodymap .marker path{fill:none;stroke:#fff;stroke-width:1.8;stroke-linecap:round}"
    ".kw-bodymap.interactive .region{cursor:pointer}"
    ".kw-bodymap.interactive .region:hover{stroke:#1d4ed8;stroke-opacity:1;stroke-width:2}"
    '.kw-bodymap.interactive .region[class="region"]:hover{fill:#2f6fde;fill-opacity:.15}'
    ".kw-bodymap.interactive .region:focus{outline:none}"
    ".kw-bodymap.interactive .region:focus-visible{stroke:#1d4ed8;stroke-opacity:1;stroke-width:3;"
    "fill:#2f6fde;fill-opacity:.25}"
    ".kw-bodymap.interactive .region.selected:focus-visible{fill-opacity:.7}"
)


def _n(v: float) -> str:
    """A coordinate, compactly."""
    return f"{round(v, 2):g}"


def _side_label(region: str, side: str) -> tuple[str, str]:
    """(title, aria-label) of a region-side: "Temple (right)" and "Temple, right"."""
    if region not in vocab.regions():
        return region, region
    name = vocab.regions()[region].name
    return vocab.region_side_label(region, side), name if side == "midline" else f"{name}, {side}"


def _layout(names: Sequence[str], labels: bool) -> tuple[list[tuple[geo.View, float, float, float]], float, float]:
    """Place the views: (view, x, y, scale) each, and the document's width and height."""
    caption = _CAPTION_SPACE if labels else 0.0
    chosen = [geo.views()[n] for n in names]
    big = [v for v in chosen if v.height >= _BIG]
    small = [v for v in chosen if v.height < _BIG]
    placed: list[tuple[geo.View, float, float, float]] = []
    x = 0.0
    row_height = 0.0
    for v in big:
        placed.append((v, x, caption, 1.0))
        x += v.width + _GAP
        row_height = max(row_height, v.height)
    if big and small:
        # a column beside the big views, as tall as they are
        n = len(small)
        room = row_height - (n - 1) * (_GAP + caption)
        scale = min(1.0, _COLUMN_WIDTH / max(v.width for v in small), room / sum(v.height for v in small))
        y = caption
        col_width = max(v.width for v in small) * scale
        for v in small:
            placed.append((v, x + (col_width - v.width * scale) / 2, y, scale))
            y += v.height * scale + _GAP + caption
        width = x + col_width
        height = caption + max(row_height, y - _GAP - 2 * caption)
    else:
        for v in small:
            placed.append((v, x, caption, 1.0))
            x += v.width + _GAP
            row_height = max(row_height, v.height)
        width = x - _GAP
        height = caption + row_height
    # keep the given order in the document
    order = {n: i for i, n in enumerate(names)}
    placed.sort(key=lambda p: order[p[0].name])
    return placed, width, height


def _check_region_sides(keys: Sequence[tuple[str, str]], what: str) -> None:
    known = set(vocab.region_sides())
    for key in keys:
        if tuple(key) not in known:
            raise ValueError(f"{what}: {key!r} is not a region-side of the body map")


def body_svg(
    shading: Mapping[tuple[str, str], str] | None = None,
    *,
    markers: Sequence[tuple[str, str]] = (),
    title: str = "Body map",
    views: Sequence[str] = ("front", "back", "head-right", "head-left"),
    interactive: bool = False,
    id_prefix: str = "bm",
    labels: bool = True,
    focus: bool = False,
) -> str:
    """One standalone ``<svg>`` document of the body map.

    ``shading`` maps (region, side) to a class put on that region-side's paths ("essential",
    "spillover", "selected", "pain-1" .. "pain-10" are styled); ``markers`` lists region-sides that get a
    trigger point marker at the centroid of their largest shape on each chosen view where they appear.
    ``interactive`` makes every region a focusable toggle button; ``id_prefix`` keeps ids unique when
    several maps share a page. ``focus`` crops the picture to the shaded and marked regions (with a
    margin), for close-ups of small patterns.
    """
    shading = dict(shading or {})
    if not _ID_RE.match(id_prefix):
        raise ValueError(f"id_prefix {id_prefix!r} is not a valid XML id")
    if not views:
        raise ValueError("body_svg needs at least one view")
    unknown = [v for v in views if v not in geo.views()]
    if unknown:
        raise ValueError(f"unknown view(s) {unknown}; known: {', '.join(geo.views())}")
    if len(set(views)) != len(views):
        raise ValueError(f"views repeated: {list(views)}")
    _check_region_sides(list(shading), "shading")
    _check_region_sides(list(markers), "markers")

    placed, width, height = _layout(views, labels)
    box = (0.0, 0.0, width, height)
    if focus:
        box = _focus_box(placed, {*shading, *markers}) or box
    p = id_prefix
    cls = "kw-bodymap interactive" if interactive else "kw-bodymap"
    role = "group" if interactive else "img"
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{" ".join(_n(b) for b in box)}" class="{cls}" '
        f'id="{p}" role="{role}" aria-labelledby="{p}-title {p}-desc">',
        f'<title id="{p}-title">{escape(title)}</title>',
        f'<desc id="{p}-desc">{escape(_description(placed, shading, markers, interactive))}</desc>',
        f"<style>{_STYLE}</style>",
        "<defs>",
    ]
    for v, _, _, _ in placed:
        out.append(f'<clipPath id="{p}-clip-{v.name}"><path d={quoteattr(v.outline_d)}/></clipPath>')
    out.append("</defs>")
    for v, x, y, scale in placed:
        out.extend(_view_group(v, x, y, scale, shading, markers, interactive, p, labels))
    out.append("</svg>")
    return "\n".join(out) + "\n"


_FOCUS_MIN = 260.0  # the smallest close-up, in map units: a hand or a face, not a fingernail


def _focus_box(
    placed: list[tuple[geo.View, float, float, float]], keys: set[tuple[str, str]]
) -> tuple[float, float, float, float] | None:
    """The bounding box of these region-sides' shapes on the placed views, padded and not too small."""
    xs: list[float] = []
    ys: list[float] = []
    for v, x, y, scale in placed:
        for shape in geo.shapes_on(v.name):
            if (shape.region, shape.side) in keys:
                for px, py in shape.points:
                    xs.append(x + px * scale)
                    ys.append(y + py * scale)
    if not xs:
        return None
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    w = max(x1 - x0, _FOCUS_MIN) * 1.2
    h = max(y1 - y0, _FOCUS_MIN) * 1.2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - w / 2, cy - h / 2, w, h)


def _description(
    placed: list[tuple[geo.View, float, float, float]],
    shading: Mapping[tuple[str, str], str],
    markers: Sequence[tuple[str, str]],
    interactive: bool,
) -> str:
    names = ", ".join(v.label.lower() for v, _, _, _ in placed)
    parts = [f"Body chart: {names}."]
    if any(v.name == "front" for v, _, _, _ in placed):
        parts.append("In the front view the person's right side is on the viewer's left.")
    if interactive:
        parts.append("Each area is a button; press it to mark where it hurts.")
    by_class: dict[str, list[str]] = {}
    for (region, side), c in shading.items():
        by_class.setdefault(c, []).append(_side_label(region, side)[0])
    for c, regions in by_class.items():
        parts.append(f"{c}: {', '.join(regions)}.")
    if markers:
        parts.append("Trigger points: " + ", ".join(_side_label(r, s)[0] for r, s in markers) + ".")
    return " ".join(parts)


def _view_group(
    v: geo.View,
    x: float,
    y: float,
    scale: float,
    shading: Mapping[tuple[str, str], str],
    markers: Sequence[tuple[str, str]],
    interactive: bool,
    p: str,
    labels: bool,
) -> list[str]:
    out = [f'<g class="view view-{v.name}" id="{p}-{v.name}" transform="translate({_n(x)} {_n(y)})">']
    if labels:
        out.append(f'<text class="caption" x="{_n(v.width * scale / 2)}" y="-14">{escape(v.label)}</text>')
    out.append(f'<g transform="scale({_n(scale)})">' if scale != 1.0 else "<g>")
    out.append(f'<path class="body" d={quoteattr(v.outline_d)}/>')
    out.append(f'<g class="regions" clip-path="url(#{p}-clip-{v.name})">')
    for s in geo.shapes_on(v.name):
        shade = shading.get((s.region, s.side))
        klass = "region" + (f" {shade}" if shade else "")
        title, aria = _side_label(s.region, s.side)
        attrs = (
            f'class={quoteattr(klass)} data-region={quoteattr(s.region)} data-side={quoteattr(s.side)} d="{s.path_d}"'
        )
        if interactive:
            pressed = "true" if shade == "selected" else "false"
            attrs += f' tabindex="0" role="button" aria-label={quoteattr(aria)} aria-pressed="{pressed}"'
        out.append(f"<path {attrs}><title>{escape(title)}</title></path>")
    out.append("</g>")
    for d in v.details:
        kind = "detail-line" if d.mode == "stroke" else "detail-fill"
        rule = ' fill-rule="evenodd"' if d.mode == "fill" else ""
        out.append(f'<path class="{kind}" d={quoteattr(d.d)}{rule} aria-hidden="true"/>')
    if labels:
        for c in v.cues:
            out.append(f'<text class="cue" x="{_n(c.x)}" y="{_n(c.y)}" aria-hidden="true">{escape(c.text)}</text>')
        for c in v.notes:
            out.append(f'<text class="note" x="{_n(c.x)}" y="{_n(c.y)}">{escape(c.text)}</text>')
    seen: set[tuple[str, str]] = set()
    for region, side in markers:
        if (region, side) in seen:
            continue
        seen.add((region, side))
        shape = geo.largest_shape(region, side, v.name)
        if shape is None:
            continue
        mx, my = shape.marker_point
        title, _ = _side_label(region, side)
        r = _MARKER_RADIUS / scale**0.5
        arm = r * 0.55
        out.append(
            f'<g class="marker" data-region={quoteattr(region)} data-side={quoteattr(side)} '
            f'transform="translate({_n(mx)} {_n(my)})">'
            f"<title>Trigger point: {escape(title)}</title>"
            f'<circle r="{_n(r)}"/><path d="M{_n(-arm)} 0H{_n(arm)}M0 {_n(-arm)}V{_n(arm)}"/></g>'
        )
    out.append("</g>")
    out.append("</g>")
    return out
