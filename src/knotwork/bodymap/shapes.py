"""The body map's geometry: views (front, back, both sides of the head) and the region polygons on them.

The polygons live in ``bodymap/data/shapes.json``.  The front and back outlines are not copied into the
repository: they are read at run time from the assets of the ``anatomapa`` package (male figure,
viewBox 0 0 540 960; silhouettes derived from gganatogram, CC0).  The head profiles and the sole insets
are our own paths, stored in the JSON.

Everything is loaded once and cached.  Standard library only; nothing imports Django.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

Side = Literal["left", "right", "midline"]
Point = tuple[float, float]

_OUTLINE_RE = re.compile(r'<path\b[^>]*\bid="body-outline"[^>]*>', re.DOTALL)
_D_RE = re.compile(r'\bd="([^"]*)"')
_SUBPATH_RE = re.compile(r"(?=[Mm])")


@dataclass(frozen=True, slots=True)
class Detail:
    """A decorative path drawn over the regions (face, line art, ear, spine): ``fill`` or ``stroke``."""

    d: str
    mode: Literal["fill", "stroke"]


@dataclass(frozen=True, slots=True)
class Cue:
    """A short text drawn on a view: the "R"/"L" side cues, or a note such as "Left sole"."""

    text: str
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class View:
    name: str
    label: str
    view_box: tuple[float, float, float, float]
    mirror_x: float  # the figure's midline; left and right shapes mirror about x = mirror_x
    outline_d: str  # the body outline: fill, stroke and clip path of the regions
    details: tuple[Detail, ...]
    cues: tuple[Cue, ...]
    notes: tuple[Cue, ...]

    @property
    def width(self) -> float:
        return self.view_box[2]

    @property
    def height(self) -> float:
        return self.view_box[3]


@dataclass(frozen=True, slots=True)
class Shape:
    region: str
    side: Side
    view: str
    points: tuple[Point, ...]
    # The centroid of the part of the polygon inside the body outline (polygons overshoot the outline
    # and are clipped), precomputed in the JSON; None if absent.
    anchor: Point | None = None

    @property
    def path_d(self) -> str:
        """The polygon as SVG path data."""
        head, *rest = self.points
        return "M" + _xy(head) + "".join("L" + _xy(p) for p in rest) + "Z"

    @property
    def area(self) -> float:
        return abs(_signed_area(self.points))

    @property
    def centroid(self) -> Point:
        """The polygon's centroid (area-weighted); the vertex mean if the polygon is degenerate."""
        a = _signed_area(self.points)
        pts = self.points
        if abs(a) < 1e-9:
            return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True):
            c = x0 * y1 - x1 * y0
            cx += (x0 + x1) * c
            cy += (y0 + y1) * c
        return (cx / (6 * a), cy / (6 * a))

    @property
    def marker_point(self) -> Point:
        """Where a marker goes: the centroid of the visible (clipped) polygon if the JSON gives it;
        otherwise the polygon's centroid, or, if that falls outside a concave polygon, the middle of the
        widest horizontal run through the polygon at the centroid's height."""
        if self.anchor is not None:
            return self.anchor
        c = self.centroid
        if self.contains(c):
            return c
        best: tuple[float, Point] = (-1.0, c)
        for dy in (0.0, 1.0, -1.0, 2.0, -2.0, 4.0, -4.0):
            y = c[1] + dy
            xs = sorted(self._crossings(y))
            for x0, x1 in zip(xs[::2], xs[1::2], strict=False):
                if x1 - x0 > best[0]:
                    best = (x1 - x0, ((x0 + x1) / 2, y))
        return best[1]

    def _crossings(self, y: float) -> list[float]:
        pts = self.points
        return [
            x0 + (y - y0) * (x1 - x0) / (y1 - y0)
            for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True)
            if (y0 > y) != (y1 > y)
        ]

    def contains(self, p: Point) -> bool:
        """Even-odd point-in-polygon test."""
        x, y = p
        inside = False
        pts = self.points
        for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
        return inside


def _xy(p: Point) -> str:
    return f"{p[0]:g} {p[1]:g}"


def _signed_area(pts: tuple[Point, ...]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True)) / 2


@cache
def _data() -> dict[str, Any]:
    text = resources.files("knotwork.bodymap").joinpath("data", "shapes.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _asset_subpaths(asset: str) -> tuple[str, ...]:
    """The subpaths of anatomapa's ``body-outline`` path in one of its SVG assets."""
    svg = resources.files("anatomapa").joinpath("assets", asset).read_text(encoding="utf-8")
    tag = _OUTLINE_RE.search(svg)
    d = _D_RE.search(tag.group(0)) if tag else None
    if d is None:
        raise ValueError(f"anatomapa asset {asset} has no body-outline path")
    return tuple(s.strip() for s in _SUBPATH_RE.split(d.group(1)) if s.strip())


def _path_of(spec: dict[str, Any]) -> str:
    """One outline or detail entry: inline ``d``, or a selection of an anatomapa asset's subpaths."""
    if "d" in spec:
        return str(spec["d"])
    subpaths = _asset_subpaths(str(spec["asset"]))
    wanted = spec.get("subpaths", "all")
    chosen = subpaths if wanted == "all" else tuple(subpaths[int(i)] for i in wanted)
    return " ".join(chosen)


def _cues(items: list[dict[str, Any]] | None) -> tuple[Cue, ...]:
    return tuple(Cue(str(c["text"]), float(c["x"]), float(c["y"])) for c in items or ())


@cache
def views() -> dict[str, View]:
    """The views, by name, in drawing order: front, back, head-right, head-left."""
    out: dict[str, View] = {}
    for name, v in _data()["views"].items():
        x, y, w, h = (float(n) for n in v["viewBox"])
        out[name] = View(
            name=name,
            label=str(v["label"]),
            view_box=(x, y, w, h),
            mirror_x=float(v["mirror_x"]),
            outline_d=" ".join(_path_of(o) for o in v["outline"]),
            details=tuple(
                Detail(_path_of(d), "stroke" if d.get("mode") == "stroke" else "fill") for d in v.get("details", ())
            ),
            cues=_cues(v.get("cues")),
            notes=_cues(v.get("notes")),
        )
    return out


def view(name: str) -> View:
    try:
        return views()[name]
    except KeyError:
        raise KeyError(f"unknown body map view {name!r}; known: {', '.join(views())}") from None


def figure() -> str:
    """Which anatomapa figure the outlines come from ("male" or "female")."""
    return str(_data()["figure"])


@cache
def shapes() -> tuple[Shape, ...]:
    """Every region polygon on every view, in drawing order."""
    return tuple(
        Shape(
            region=str(s["region"]),
            side=s["side"],
            view=str(s["view"]),
            points=tuple((float(x), float(y)) for x, y in s["points"]),
            anchor=(float(s["anchor"][0]), float(s["anchor"][1])) if s.get("anchor") else None,
        )
        for s in _data()["shapes"]
    )


@cache
def shapes_on(view_name: str) -> tuple[Shape, ...]:
    """The shapes drawn on one view."""
    view(view_name)
    return tuple(s for s in shapes() if s.view == view_name)


@cache
def shapes_of(region: str, side: str) -> tuple[Shape, ...]:
    """Every shape of one region-side, on any view."""
    return tuple(s for s in shapes() if s.region == region and s.side == side)


@cache
def views_of(region: str, side: str) -> tuple[str, ...]:
    """The views on which a region-side is drawn, in view order (empty if it is drawn nowhere)."""
    on = {s.view for s in shapes_of(region, side)}
    return tuple(v for v in views() if v in on)


def largest_shape(region: str, side: str, view_name: str) -> Shape | None:
    """The region-side's largest polygon on a view (where a marker goes), or None if not drawn there."""
    candidates = [s for s in shapes_on(view_name) if s.region == region and s.side == side]
    return max(candidates, key=lambda s: s.area) if candidates else None
