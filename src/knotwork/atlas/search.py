"""Finding muscles: by id, name or synonym, by free text, and by where it hurts.

``refers_to`` is the plain lookup table of the atlas ("which muscles refer pain to these
regions?"): it counts essential and spillover zones that cover the painful region-sides.
It is the "where does it hurt?" page's answer and the benchmark's baseline; the assessment
engine (``knotwork.assess``) builds its ranking on the same zones with more care.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knotwork import vocab
from knotwork.atlas.model import Atlas, Muscle

RegionSide = tuple[str, str]


def _norm(text: str) -> str:
    return re.sub(r"[\s_]+", "-", text.strip().lower())


def find_muscle(atlas: Atlas, query: str) -> Muscle | None:
    """The muscle whose id, name or synonym is ``query`` (case and spacing ignored), or None."""
    key = _norm(query)
    if key in atlas.muscles:
        return atlas.muscles[key]
    for m in atlas.muscles.values():
        if key == _norm(m.name) or any(key == _norm(s) for s in m.synonyms):
            return m
    return None


def search(atlas: Atlas, text: str) -> list[Muscle]:
    """Muscles matching free text: names and synonyms first, then what they mimic.

    Every word must match somewhere (name, synonyms, id, mimicked complaints), so
    "tennis elbow" finds the forearm extensors and "scm" finds the sternocleidomastoid.
    """
    words = [w for w in re.split(r"\W+", text.lower()) if w]
    if not words:
        return list(atlas.muscles.values())
    ranked: list[tuple[int, int, Muscle]] = []
    for order, m in enumerate(atlas.muscles.values()):
        names = " ".join([m.name, m.id.replace("-", " "), *m.synonyms]).lower()
        mimics = " ".join(m.mimics).lower()
        everything = f"{names} {mimics}"
        if not all(w in everything for w in words):
            continue
        phrase = " ".join(words)
        if _norm(m.name) == _norm(phrase) or any(_norm(s) == _norm(phrase) for s in m.synonyms):
            rank = 0
        elif all(w in names for w in words):
            rank = 1 if m.name.lower().startswith(words[0]) else 2
        else:
            rank = 3
        ranked.append((rank, order, m))
    return [m for _, _, m in sorted(ranked, key=lambda t: (t[0], t[1]))]


@dataclass
class Referral:
    """How one muscle, on one side, explains a set of painful region-sides."""

    muscle: Muscle
    side: str
    essential: list[RegionSide] = field(default_factory=list)
    spillover: list[RegionSide] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.essential) + len(self.spillover)

    @property
    def weight(self) -> float:
        return len(self.essential) + 0.5 * len(self.spillover)


def referral_sides(muscle: Muscle, side: str) -> dict[RegionSide, bool]:
    """Every region-side where this muscle's trigger points on ``side`` refer pain -> essential?"""
    regions = vocab.regions()
    out: dict[RegionSide, bool] = {}
    for tp in muscle.trigger_points:
        for zone in tp.zones:
            for s in zone.sides_for(side, sided=regions[zone.region].sided):
                out[(zone.region, s)] = out.get((zone.region, s), False) or zone.essential
    return out


def expand_pain(pain: list[RegionSide]) -> list[RegionSide]:
    """Region-sides of a pain drawing; ``bilateral`` stands for both sides."""
    out: list[RegionSide] = []
    for region, side in pain:
        for s in ("right", "left") if side == "bilateral" else (side,):
            if (region, s) not in out:
                out.append((region, s))
    return out


def refers_to(atlas: Atlas, pain: list[RegionSide]) -> list[Referral]:
    """Muscles (with the side of their trigger points) whose zones cover painful region-sides.

    Ranked by how many painful region-sides fall in a zone (ties: more essential, then the
    muscle's name). A muscle appears once, on the side that explains most.
    """
    wanted = expand_pain(pain)
    best: list[Referral] = []
    for m in atlas.muscles.values():
        options = []
        for side in ("right", "left"):
            zones = referral_sides(m, side)
            r = Referral(muscle=m, side=side)
            for rs in wanted:
                if rs in zones:
                    (r.essential if zones[rs] else r.spillover).append(rs)
            options.append(r)
        top = max(options, key=lambda r: (r.count, r.weight))
        if top.count:
            best.append(top)
    best.sort(key=lambda r: (-r.count, -r.weight, r.muscle.name))
    return best
