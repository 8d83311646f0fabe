"""The interchange vocabularies: body regions, muscles, techniques, screening questions.

Knotwork keeps its own copy of the contract's CSV files in ``knotwork/spec`` so that it runs
without the shared folder; ``tests/test_vocab.py`` checks that the copy still matches.
Everything here is read once and cached; nothing imports Django.
"""

from __future__ import annotations

import csv
import os
from functools import cache
from typing import Literal, NamedTuple

SPEC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spec")

Side = Literal["left", "right", "midline"]
SIDES_OF_SIDED: tuple[Side, Side] = ("right", "left")


class Region(NamedTuple):
    code: str
    group: str
    view: str  # front, back or side: where the region is best seen
    sided: bool
    name: str
    description: str

    def sides(self) -> tuple[str, ...]:
        return SIDES_OF_SIDED if self.sided else ("midline",)


class MuscleEntry(NamedTuple):
    id: str
    name: str
    group: str
    also_known_as: tuple[str, ...]


class Technique(NamedTuple):
    code: str
    setting: str  # clinic, home or both
    name: str


class ScreeningQuestion(NamedTuple):
    code: str
    kind: str  # red-flag, precaution or context
    question: str


def _rows(name: str) -> list[dict[str, str]]:
    with open(os.path.join(SPEC_DIR, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def regions() -> dict[str, Region]:
    """The body regions of the pain map, by code, in the contract's order."""
    return {
        r["code"]: Region(
            code=r["code"],
            group=r["group"],
            view=r["view"],
            sided=r["sided"] == "yes",
            name=r["name"],
            description=r["description"],
        )
        for r in _rows("body-regions.csv")
    }


@cache
def muscles() -> dict[str, MuscleEntry]:
    """The canonical muscle ids, by id, in the contract's order."""
    return {
        r["id"]: MuscleEntry(
            id=r["id"],
            name=r["name"],
            group=r["group"],
            also_known_as=tuple(s.strip() for s in r["also_known_as"].split(";") if s.strip()),
        )
        for r in _rows("muscles.csv")
    }


@cache
def techniques() -> dict[str, Technique]:
    return {r["code"]: Technique(code=r["code"], setting=r["setting"], name=r["name"]) for r in _rows("techniques.csv")}


@cache
def screening_questions() -> dict[str, ScreeningQuestion]:
    return {
        r["code"]: ScreeningQuestion(code=r["code"], kind=r["kind"], question=r["question"])
        for r in _rows("screening.csv")
    }


def region_side_label(region: str, side: str) -> str:
    """How a region-side reads: "Temple (right)", or the bare name on the midline."""
    name = regions()[region].name
    return name if side == "midline" else f"{name} ({side})"


def region_sides() -> list[tuple[str, str]]:
    """Every (region code, side) pair of the map: 94 regions give 180 region-sides."""
    return [(r.code, s) for r in regions().values() for s in r.sides()]
