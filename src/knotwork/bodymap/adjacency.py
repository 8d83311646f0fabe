"""Which region-sides of the body map touch each other.

The graph is written by hand in ``data/adjacency.txt`` (anatomical neighbours, across the
front, back and side views) and expanded here to region-sides: an edge between two sided
regions joins the same side, an edge to a midline region joins both sides, and ``~code``
joins a region's left and right halves across the midline.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources

from knotwork import vocab

RegionSide = tuple[str, str]


class AdjacencyError(ValueError):
    pass


def parse(text: str) -> dict[str, set[str]]:
    """Parse the adjacency text into an undirected graph of region codes ("~x" kept as is)."""
    regions = vocab.regions()
    graph: dict[str, set[str]] = {code: set() for code in regions}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        head, sep, rest = line.partition(":")
        head = head.strip()
        if not sep or head not in regions:
            raise AdjacencyError(f"adjacency.txt line {number}: unknown region {head!r}")
        for item in rest.split():
            code = item.removeprefix("~")
            if code not in regions:
                raise AdjacencyError(f"adjacency.txt line {number}: unknown region {item!r}")
            if item.startswith("~"):
                if code != head or not regions[code].sided:
                    raise AdjacencyError(f"adjacency.txt line {number}: ~ joins a sided region to itself")
                graph[head].add(item)
                continue
            if code == head:
                raise AdjacencyError(f"adjacency.txt line {number}: {head} is listed as its own neighbour")
            graph[head].add(code)
            graph[code].add(head)
    return graph


@cache
def region_graph() -> Mapping[str, frozenset[str]]:
    text = resources.files("knotwork.bodymap").joinpath("data/adjacency.txt").read_text(encoding="utf-8")
    return {code: frozenset(n) for code, n in parse(text).items()}


@cache
def neighbours() -> Mapping[RegionSide, frozenset[RegionSide]]:
    """For every region-side, the region-sides that touch it."""
    regions = vocab.regions()
    out: dict[RegionSide, set[RegionSide]] = {rs: set() for rs in vocab.region_sides()}
    for code, near in region_graph().items():
        for item in near:
            other = item.removeprefix("~")
            for side in regions[code].sides():
                if item.startswith("~"):
                    out[(code, side)].add((code, "left" if side == "right" else "right"))
                elif regions[other].sided:
                    sides = regions[other].sides() if side == "midline" else (side,)
                    out[(code, side)].update((other, s) for s in sides)
                else:
                    out[(code, side)].add((other, "midline"))
    return {rs: frozenset(n) for rs, n in out.items()}


def touching(a: RegionSide, b: RegionSide) -> bool:
    return b in neighbours().get(a, frozenset())
