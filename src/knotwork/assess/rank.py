"""The differential: which muscles' referral patterns explain a pain drawing, ranked and explained.

Each trigger point's pattern (and each muscle's whole pattern, the union of its trigger
points) is compiled once into bitsets over the 180 region-sides of the body map, for the
trigger points on the right, on the left, and on both sides. A pattern is scored against the
painful region-sides:

* zones: a trigger point's essential and spillover zones, and its own region as an essential
  zone too (trigger points hurt where they are as well as where they refer);
* coverage ``C``: how much of the drawing it explains, weighted by intensity. A painful region in
  an essential zone earns 1, in a spillover zone 0.6 rising to 1 as the rest of the pattern is
  present (``0.6 + 0.4 Q``), next to a zone (body-map adjacency) 0.25;
* fit ``Q``: how many of its zones hurt: essential zones count fully, spillover zones 0.4, because
  a referral area is seldom marked completely (the 2018 Delphi consensus: no fixed referral
  location should be expected);
* ``score = C^0.7 * (0.1 + 0.9 Q)^0.3``, in [0, 1]: explaining the pain matters most, zones that
  do not hurt count against;
* a secondary signal from the words: when the history or the aggravating factors name a complaint
  the muscle mimics ("frozen shoulder", "tennis elbow") or its typical activities, the score
  moves up by at most a third of the way to 1 (``text.py``).

A muscle's score is its best pattern's. The ranking is deterministic (ties by the contract's
muscle order) and needs no Django, no NumPy: integers as bitsets are fast enough in pure Python.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

import knotwork
from knotwork import vocab
from knotwork.assess.presentation import Presentation
from knotwork.assess.text import TextIndex

if TYPE_CHECKING:
    from knotwork.atlas.model import Atlas

ESSENTIAL, SPILLOVER, ADJACENT = 1.0, 0.6, 0.25
SPILLOVER_FIT = 0.4
TEXT_SHARE = 1 / 3
PREVALENCE_SHARE = 0.1  # the prior moves a score at most a tenth of the way to 1
MIN_CANDIDATES, MAX_CANDIDATES = 10, 15
SNAPSHOT_VERSION = 6
_new_tuple = tuple.__new__

RegionSides = tuple[tuple[str, str], ...]
# Per drawing: a mask of painful region-sides -> its region-sides and their labels in a sentence.
Splits = dict[int, tuple[RegionSides, str]]


class MuscleRef(NamedTuple):
    """What the ranking needs of a muscle; the atlas itself is loaded only to compile."""

    id: str
    name: str
    groups: frozenset[str]  # body-region groups its zones reach


class Pattern(NamedTuple):
    muscle: int  # index into Engine.muscles
    side: str  # right, left or bilateral
    trigger_point: str | None  # slug, or None for the whole muscle
    essential: int  # bitsets over region-sides
    spillover: int  # spillover only (not also essential)
    adjacent: int  # touching a zone, but not a zone
    fit_total: float  # essential count + 0.4 x spillover count


class Candidate(NamedTuple):
    muscle: MuscleRef
    side: str
    score: float
    pattern_score: float
    text_score: float
    trigger_point: str | None
    essential: tuple[tuple[str, str], ...]  # painful region-sides in its essential zones
    spillover: tuple[tuple[str, str], ...]
    adjacent: tuple[tuple[str, str], ...]
    unexplained: tuple[tuple[str, str], ...]
    zones_not_hurting: int
    text_matches: tuple[str, ...]
    explanation: str
    prevalence: float | None = None  # % with active trigger points in published samples with pain here


def compile_atlas(atlas: Atlas) -> dict[str, Any]:
    """The atlas as plain data (bitsets and words) for the engine; marshal-able."""
    from knotwork.assess.text import compile_text
    from knotwork.bodymap.adjacency import neighbours

    region_sides = vocab.region_sides()
    index = {rs: i for i, rs in enumerate(region_sides)}
    near = neighbours()
    near_mask = []
    for rs in region_sides:
        mask = 0
        for other in near[rs]:
            mask |= 1 << index[other]
        near_mask.append(mask)
    regions = vocab.regions()
    muscles = list(atlas.muscles.values())
    patterns: list[tuple[int, str, str | None, int, int, int, float]] = []
    for mi, m in enumerate(muscles):
        groups: list[tuple[str | None, tuple[Any, ...]]] = [(None, m.trigger_points)]
        if len(m.trigger_points) > 1:
            groups += [(tp.slug, (tp,)) for tp in m.trigger_points]
        for slug, tps in groups:
            by_side: dict[str, tuple[int, int]] = {}
            for side in ("right", "left"):
                ess = spill = 0
                for tp in tps:
                    for zone in tp.zones:
                        for s in zone.sides_for(side, sided=regions[zone.region].sided):
                            bit = 1 << index[(zone.region, s)]
                            if zone.essential:
                                ess |= bit
                            else:
                                spill |= bit
                    # Trigger points cause local as well as referred pain: the trigger point's own
                    # region counts as an essential zone even where its file lists only the referral.
                    ess |= 1 << index[(tp.region, side if regions[tp.region].sided else "midline")]
                by_side[side] = (ess, spill & ~ess)
            r, left = by_side["right"], by_side["left"]
            both = (r[0] | left[0], (r[1] | left[1]) & ~(r[0] | left[0]))
            for side, (ess, spill) in (("right", r), ("left", left), ("bilateral", both)):
                zones = ess | spill
                adjacent, bits = 0, zones
                while bits:
                    low = bits & -bits
                    adjacent |= near_mask[low.bit_length() - 1]
                    bits ^= low
                fit_total = ess.bit_count() + SPILLOVER_FIT * spill.bit_count()
                patterns.append((mi, side, slug, ess, spill, adjacent & ~zones, fit_total))
    direct: list[list[int]] = [[] for _ in region_sides]
    touching: list[list[int]] = [[] for _ in region_sides]
    for pi, (_, _, _, ess, spill, adj, _) in enumerate(patterns):
        for bits, postings in ((ess | spill, direct), (adj, touching)):
            while bits:
                low = bits & -bits
                postings[low.bit_length() - 1].append(pi)
                bits ^= low
    # A trigger point's pattern that only touches the drawing never beats its muscle's whole
    # pattern on the same side, which is then scored too: its zones and neighbours contain the
    # trigger point's, so it is in the postings of every region-side the trigger point's pattern
    # touches, and it touches the drawing at least as much. The postings of the patterns scored by
    # adjacency alone ("near") leave such trigger points out, unless the whole pattern itself is
    # left out (one-sided drawings, ``dominated``).
    whole_at = {(mi, side): pi for pi, (mi, side, slug, *_rest) in enumerate(patterns) if slug is None}
    whole_of = [whole_at[(mi, side)] for mi, side, *_rest in patterns]
    one_sided = {}
    for side in ("right", "left"):
        skip = dominated(patterns, region_sides, side)
        one_sided[side] = {
            "direct": [tuple(p for p in postings if p not in skip) for postings in direct],
            "near": [
                tuple(p for p in postings if p not in skip and (whole_of[p] == p or whole_of[p] in skip))
                for postings in touching
            ],
        }
    return {
        "version": SNAPSHOT_VERSION,
        "region_sides": region_sides,
        "direct": [tuple(p) for p in direct],
        "near": [tuple(p for p in postings if whole_of[p] == p) for postings in touching],
        "one_sided": one_sided,
        "muscles": [
            (m.id, m.name, sorted({regions[z.region].group for tp in m.trigger_points for z in tp.zones}))
            for m in muscles
        ],
        "patterns": patterns,
        "text": compile_text(muscles),
        "prevalence": compile_prevalence({m.id: mi for mi, m in enumerate(muscles)}),
    }


def compile_prevalence(index: dict[str, int]) -> list[tuple[list[str], int, dict[int, float]]]:
    """The prevalence studies (``atlas/prevalence.toml``) as (groups, patients, muscle -> %)."""
    from knotwork.atlas.prevalence import load_prevalence

    return [
        (list(s.groups), s.n, {index[f.muscle]: f.active_percent for f in s.findings if f.muscle in index})
        for s in load_prevalence().studies
    ]


def dominated(
    patterns: list[tuple[int, str, str | None, int, int, int, float]], region_sides: list[tuple[str, str]], side: str
) -> frozenset[int]:
    """Patterns that can never beat their ``side`` sibling on a drawing with no pain on the other side.

    For a drawing whose painful region-sides are all on ``side`` or the midline, a pattern X of
    the same muscle and trigger point as the ``side`` pattern S scores at most as much as S when
    every region-side X can credit there is credited at least as well by S (X's essential zones
    among S's essential zones; X's spillover zones among S's zones; X's adjacent regions among
    S's zones or adjacent regions) and X has at least as many zones to fit (``fit_total``): then
    X's fit and coverage are both at most S's. On a tie S wins too, the drawing leaning to
    ``side``. The ranking skips such patterns on one-sided drawings: the same answer, with a
    third to two thirds fewer patterns to score.
    """
    other = "left" if side == "right" else "right"
    other_mask = 0
    for i, (_, s) in enumerate(region_sides):
        if s == other:
            other_mask |= 1 << i
    keep_mask = ~other_mask
    siblings: dict[tuple[int, str | None], int] = {}
    for pi, (mi, pattern_side, slug, *_rest) in enumerate(patterns):
        if pattern_side == side:
            siblings[(mi, slug)] = pi
    out = set()
    for pi, (mi, pattern_side, slug, ess, spill, adj, fit_total) in enumerate(patterns):
        if pattern_side == side:
            continue
        _, _, _, s_ess, s_spill, s_adj, s_fit_total = patterns[siblings[(mi, slug)]]
        if (
            not (ess & keep_mask & ~s_ess)
            and not (spill & keep_mask & ~(s_ess | s_spill))
            and not (adj & keep_mask & ~(s_ess | s_spill | s_adj))
            and fit_total >= s_fit_total
        ):
            out.add(pi)
    return frozenset(out)


class Engine:
    """The atlas compiled for ranking. Build once (``engine()``), use for any number of drawings."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.region_sides: list[tuple[str, str]] = [(str(r), str(s)) for r, s in data["region_sides"]]
        self.index = {rs: i for i, rs in enumerate(self.region_sides)}
        # The region-sides of each side, to count a drawing's with one bit_count.
        self.side_mask: dict[str, int] = {}
        for i, (_, side) in enumerate(self.region_sides):
            self.side_mask[side] = self.side_mask.get(side, 0) | 1 << i
        self.muscles = [MuscleRef(id=i, name=n, groups=frozenset(g)) for i, n, g in data["muscles"]]
        self.patterns = [Pattern(*row) for row in data["patterns"]]
        # For each region-side, the patterns whose zones cover it (direct) or touch it (near, without
        # the trigger points' patterns that never beat their whole muscle's there: ``compile_atlas``):
        # a drawing only needs the patterns its regions reach.
        self.direct: list[tuple[int, ...]] = data["direct"]
        self.near: list[tuple[int, ...]] = data["near"]
        # The same postings without the patterns a one-sided drawing never needs (``dominated``).
        self.one_sided: dict[str, dict[str, list[tuple[int, ...]]]] = data["one_sided"]
        self.muscle_index = {m.id: mi for mi, m in enumerate(self.muscles)}
        self.text = TextIndex(data["text"], self.muscle_index)
        # For explanations: "temple (right)" (lower case, inside a sentence).
        self.labels = [vocab.region_side_label(r, s).lower() for r, s in self.region_sides]
        regions = vocab.regions()
        self.group_of = [regions[r].group for r, _ in self.region_sides]
        self.prevalence: list[tuple[frozenset[str], int, dict[int, float]]] = [
            (frozenset(groups), n, found) for groups, n, found in data["prevalence"]
        ]
        # Whole-muscle patterns, for the set cover.
        self.whole = frozenset(pi for pi, pattern in enumerate(self.patterns) if pattern.trigger_point is None)

    @classmethod
    def from_atlas(cls, atlas: Atlas) -> Engine:
        return cls(compile_atlas(atlas))

    def rank(self, p: Presentation, *, limit: int = MAX_CANDIDATES) -> list[Candidate]:
        """Muscles ranked by how well their referral patterns explain the drawing."""
        if not p.pain:
            return []
        index = self.index
        weights: dict[int, float] = {}
        for pain in p.pain:
            # Intensity 0-10 weighs 1-11 (a region marked without an intensity counts as 5).
            w = (1 + (5 if pain.intensity is None else pain.intensity)) / 11
            for rs in pain.region_sides():
                i = index[rs]
                if w > weights.get(i, 0.0):
                    weights[i] = w
        painful = 0
        buckets: dict[float, int] = {}
        for i, w in weights.items():
            painful |= 1 << i
            buckets[w] = buckets.get(w, 0) | (1 << i)
        region_sides = self.region_sides
        rights = (painful & self.side_mask["right"]).bit_count()
        lefts = (painful & self.side_mask["left"]).bit_count()
        leaning = "right" if rights > lefts else "left" if lefts > rights else "bilateral"
        bucket_list = list(buckets.items())
        # With one intensity everywhere, coverage is a plain count over the painful set.
        single_bucket = len(bucket_list) == 1
        total_weight = float(len(weights)) if single_bucket else sum(weights.values())
        text_scores, text_matches = self.text.scores(p)

        if lefts and not rights:
            direct, near = self.one_sided["left"]["direct"], self.one_sided["left"]["near"]
        elif rights and not lefts:
            direct, near = self.one_sided["right"]["direct"], self.one_sided["right"]["near"]
        else:
            direct, near = self.direct, self.near
        touched: set[int] = set()
        nearby: set[int] = set()
        for i in weights:
            touched.update(direct[i])
            nearby.update(near[i])
        patterns = self.patterns
        best: dict[int, tuple[float, float, Pattern]] = {}
        # Patterns that only touch the drawing (no painful region in a zone): fit 0, coverage by
        # adjacency alone. Cheap to score; they fill the list when few muscles match directly.
        floor = 0.1**0.3
        for pi in sorted(nearby - touched):
            pattern = patterns[pi]
            adj = pattern[5]
            if single_bucket:
                coverage = ADJACENT * (painful & adj).bit_count() / total_weight
            else:
                coverage = sum(w * ADJACENT * (mask & adj).bit_count() for w, mask in bucket_list) / total_weight
            score = coverage**0.7 * floor
            current = best.get(pattern[0])
            if current is None or score > current[0] + 1e-12:
                best[pattern[0]] = (score, coverage, pattern)
            elif score > current[0] - 1e-12:  # a tie: the side decides
                keep(best, pattern, score, coverage, leaning)
        spill_fit, spill_base, spill_gain = SPILLOVER_FIT, SPILLOVER, ESSENTIAL - SPILLOVER
        for pi in sorted(touched):
            pattern = patterns[pi]
            mi, _, _, ess, spill, adj, fit_total = pattern
            painful_ess = (painful & ess).bit_count()
            painful_spill = (painful & spill).bit_count()
            fit = (painful_ess + spill_fit * painful_spill) / fit_total
            # A painful spillover zone counts more the more of the pattern is present: alone it is
            # weak evidence, within a complete pattern it is fully explained.
            spill_credit = spill_base + spill_gain * fit
            if single_bucket:
                covered = painful_ess + spill_credit * painful_spill + ADJACENT * (painful & adj).bit_count()
            else:
                covered = 0.0
                for w, mask in bucket_list:
                    covered += w * (
                        (mask & ess).bit_count()
                        + spill_credit * (mask & spill).bit_count()
                        + ADJACENT * (mask & adj).bit_count()
                    )
            coverage = covered / total_weight
            score = coverage**0.7 * (0.1 + 0.9 * fit) ** 0.3
            current = best.get(mi)
            if current is None or score > current[0] + 1e-12:
                best[mi] = (score, coverage, pattern)
            elif score > current[0] - 1e-12:  # a tie: the side decides
                keep(best, pattern, score, coverage, leaning)

        prior = self.prior({self.group_of[i] for i in weights})
        # Sorted as plain tuples: the score to 1e-9 (closer scores are ties: floating-point noise),
        # then the contract's muscle order; the index is unique, so nothing further is compared.
        ranked: list[tuple[int, int, float, float, float, Pattern | None]] = []
        for mi, (base, _, found) in best.items():
            text = text_scores.get(mi, 0.0)
            final = base + (1 - base) * TEXT_SHARE * text
            if mi in prior:
                final += (1 - final) * PREVALENCE_SHARE * prior[mi] / 100
            ranked.append((-int(final * 1e9 + 0.5), mi, final, base, text, found))
        for mi, text in text_scores.items():
            if text and mi not in best:
                final = TEXT_SHARE * text * 0.5
                if mi in prior:
                    final += (1 - final) * PREVALENCE_SHARE * prior[mi] / 100
                ranked.append((-int(final * 1e9 + 0.5), mi, final, 0.0, text, None))
        ranked.sort()
        if len(ranked) < MIN_CANDIDATES:
            # The contract promises at least ten candidates for a non-empty drawing: pad with the
            # muscles whose patterns lie nearest (sharing a body area), scored 0.
            seen = {t[1] for t in ranked}
            groups = {vocab.regions()[region_sides[i][0]].group for i in weights}
            for mi, m in enumerate(self.muscles):
                if len(ranked) >= MIN_CANDIDATES:
                    break
                if mi not in seen and m.groups & groups:
                    ranked.append((0, mi, 0.0, 0.0, 0.0, None))
                    seen.add(mi)
            for mi in range(len(self.muscles)):
                if len(ranked) >= MIN_CANDIDATES:
                    break
                if mi not in seen:
                    ranked.append((0, mi, 0.0, 0.0, 0.0, None))
        count = len(weights)
        memo: Splits = {0: ((), "")}
        out = []
        for _, mi, final, base, text, chosen in ranked[: max(limit, MIN_CANDIDATES)]:
            out.append(
                self._candidate(
                    mi,
                    final,
                    base,
                    text,
                    chosen,
                    leaning,
                    painful,
                    count,
                    text_matches.get(mi, ()),
                    prior.get(mi),
                    memo,
                )
            )
        return out

    def _split(self, mask: int, memo: Splits) -> tuple[RegionSides, str]:
        """The region-sides of a mask, in the map's order, with their labels joined for a sentence
        (memoised per drawing: the candidates of one drawing share most of their matches)."""
        found = memo.get(mask)
        if found is None:
            names = []
            labels = []
            bits = mask
            while bits:
                low = bits & -bits
                i = low.bit_length() - 1
                names.append(self.region_sides[i])
                labels.append(self.labels[i])
                bits ^= low
            found = memo[mask] = (tuple(names), _join(labels))
        return found

    def _candidate(
        self,
        mi: int,
        final: float,
        base: float,
        text: float,
        pattern: Pattern | None,
        side: str,
        painful: int,
        count: int,
        matches: tuple[str, ...],
        prevalence: float | None,
        memo: Splits,
    ) -> Candidate:
        """The candidate for muscle ``mi`` with its best pattern (``None``: no pattern reaches the
        drawing, and ``side`` is the side the drawing leans to)."""
        m = self.muscles[mi]
        # round4(min(1.0, final)), round4(base) and round4(text), written out: the same operations.
        score = int((final if final < 1.0 else 1.0) * 10000.0 + 0.5) / 10000.0
        base = int(base * 10000.0 + 0.5) / 10000.0
        text = int(text * 10000.0 + 0.5) / 10000.0
        if pattern is None:
            unexplained = memo.get(painful) or self._split(painful, memo)
            # tuple.__new__ is what a named tuple's own __new__ calls, without its Python frame.
            return _new_tuple(
                Candidate,
                (
                    m,  # muscle
                    side,  # side
                    score,
                    base,  # pattern_score
                    text,  # text_score
                    None,  # trigger_point
                    (),  # essential
                    (),  # spillover
                    (),  # adjacent
                    unexplained[0],  # unexplained
                    0,  # zones_not_hurting
                    matches,  # text_matches
                    explain("", "", "", 0, count, 0, matches, prevalence),  # explanation
                    prevalence,
                ),
            )
        ess_mask, spill_mask, adj_mask = pattern[3], pattern[4], pattern[5]
        # The zones are disjoint (spillover excludes essential, adjacent excludes both).
        mask = painful & ess_mask
        ess = memo.get(mask) or self._split(mask, memo)
        mask = painful & spill_mask
        spill = memo.get(mask) or self._split(mask, memo)
        mask = painful & adj_mask
        adj = memo.get(mask) or self._split(mask, memo)
        mask = painful & ~(ess_mask | spill_mask | adj_mask)
        unexplained = memo.get(mask) or self._split(mask, memo)
        not_hurting = (ess_mask & ~painful).bit_count()
        explained = len(ess[0]) + len(spill[0])
        return _new_tuple(
            Candidate,
            (
                m,  # muscle
                pattern[1],  # side
                score,
                base,  # pattern_score
                text,  # text_score
                pattern[2],  # trigger_point
                ess[0],  # essential
                spill[0],  # spillover
                adj[0],  # adjacent
                unexplained[0],  # unexplained
                not_hurting,  # zones_not_hurting
                matches,  # text_matches
                explain(ess[1], spill[1], adj[1], explained, count, not_hurting, matches, prevalence),
                prevalence,
            ),
        )

    def prior(self, groups: set[str]) -> dict[int, float]:
        """Muscle index -> % of patients with active trigger points in it, over the published samples
        whose pain is where this drawing's is (weighted by sample size; ``atlas/prevalence.py``)."""
        weighted: dict[int, float] = {}
        patients: dict[int, int] = {}
        for study_groups, n, found in self.prevalence:
            if study_groups.isdisjoint(groups):
                continue
            for mi, percent in found.items():
                weighted[mi] = weighted.get(mi, 0.0) + n * percent
                patients[mi] = patients.get(mi, 0) + n
        return {mi: weighted[mi] / patients[mi] for mi in weighted}

    def explain_all(self, p: Presentation, candidates: list[Candidate]) -> list[list[Candidate]]:
        """The smallest set of muscles (greedy set cover) whose zones explain every painful region.

        Returned only when the top candidate alone leaves painful regions outside its zones.
        """
        if not candidates or not candidates[0].unexplained:
            return []
        bits: set[int] = set()
        for pain in p.pain:
            for rs in pain.region_sides():
                bits.add(self.index[rs])
        painful = 0
        reach: set[int] = set()
        for i in bits:
            painful |= 1 << i
            reach.update(self.direct[i])
        by_id = {c.muscle.id: c for c in candidates}
        options = []
        for pi in sorted(reach & self.whole):  # whole-muscle patterns with a painful zone, in order
            pattern = self.patterns[pi]
            options.append((pattern, pattern.essential | pattern.spillover))
        left = painful
        chosen: list[Pattern] = []
        while left:
            pick = max(
                options,
                key=lambda o: (
                    (o[1] & left).bit_count(),
                    (o[0].essential & left).bit_count(),
                    -o[1].bit_count(),
                    -o[0].muscle,
                ),
                default=None,
            )
            if pick is None or not (pick[1] & left):
                break
            chosen.append(pick[0])
            left &= ~pick[1]
            if len(chosen) == 5:
                break
        result = []
        for pattern in chosen:
            m = self.muscles[pattern.muscle]
            c = by_id.get(m.id)
            result.append(
                c
                if c is not None and c.side == pattern.side
                else self._candidate(
                    pattern.muscle, 0.0, 0.0, 0.0, pattern, pattern.side, painful, len(bits), (), None, {0: ((), "")}
                )
            )
        return [result]


def keep(
    best: dict[int, tuple[float, float, Pattern]], pattern: Pattern, score: float, coverage: float, leaning: str
) -> None:
    """Keep a muscle's best pattern.

    Equal scores prefer the side the drawing leans to, so that a mirrored drawing gives a
    mirrored answer; a symmetric drawing explained equally well from either side gives
    "bilateral" (examine both sides).
    """
    current = best.get(pattern.muscle)
    if (
        current is None
        or score > current[0] + 1e-12
        or (score > current[0] - 1e-12 and pattern.side == leaning and current[2].side != leaning)
    ):
        best[pattern.muscle] = (score, coverage, pattern)
    elif (
        leaning == "bilateral"
        and abs(score - current[0]) <= 1e-12
        and {pattern.side, current[2].side} == {"right", "left"}
    ):
        found = current[2]
        # found._replace(side="bilateral"), built directly (as _candidate builds candidates).
        best[pattern.muscle] = (score, coverage, _new_tuple(Pattern, (found[0], "bilateral", *found[2:])))


def _join(items: Sequence[str]) -> str:
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def explain(
    ess: str,
    spill: str,
    adj: str,
    explained: int,
    painful_count: int,
    not_hurting: int,
    text_matches: tuple[str, ...],
    prevalence: float | None = None,
) -> str:
    """A sentence a therapist can check against the drawing, from the labels (joined, "" for
    none) of the painful region-sides in the pattern's essential zones, spillover zones and next
    to them, and how many of the painful region-sides the zones explain.

    Clauses joined by "; ", the first capitalised. Built by concatenation, each clause that can
    open the sentence written capitalised when it does (the clause counting unmarked zones
    opens with a digit): a quarter faster than joining a list and capitalising after, fifteen
    times per drawing.
    """
    if ess:
        s = "Refers to " + ess
        if spill:
            s += "; spills over to " + spill
    elif spill:
        s = "Refers (spillover) to " + spill
    else:
        s = ""
    if s:
        s += f"; matches {explained} of {painful_count} painful region{'s' if painful_count != 1 else ''}"
    if adj:
        s = s + "; next to " + adj if s else "Next to " + adj
    if not_hurting:
        s = f"{s}; {not_hurting}" if s else str(not_hurting)
        s += " essential zone not marked" if not_hurting == 1 else " essential zones not marked"
    if text_matches:
        s += "; history mentions " if s else "History mentions "
        s += _join([f"“{t}”" for t in text_matches])
    if not s:
        return "No zone of this muscle matches the drawing."
    if prevalence is not None:
        s += f"; active trigger points in {prevalence:.0f}% of patients with pain here in published samples"
    return s


# The package's own directory (not this module's: a compiled build lives elsewhere, knotwork.compiled).
PACKAGE = os.path.dirname(os.path.abspath(str(knotwork.__file__)))


def _atlas_digest() -> str:
    """A digest of everything the snapshot is compiled from: atlas files, map, this code.

    File names, sizes and modification times, as Python's own bytecode cache does: cheap
    enough to check on every start.
    """
    muscles_dir = os.path.join(PACKAGE, "atlas", "muscles")
    inputs = [
        *sorted(os.path.join(muscles_dir, n) for n in os.listdir(muscles_dir) if n.endswith(".toml")),
        os.path.join(PACKAGE, "bodymap", "data", "adjacency.txt"),
        os.path.join(PACKAGE, "spec", "body-regions.csv"),
        os.path.join(PACKAGE, "assess", "rank.py"),
        os.path.join(PACKAGE, "assess", "text.py"),
        os.path.join(PACKAGE, "atlas", "prevalence.toml"),
    ]
    parts = [str(SNAPSHOT_VERSION), sys.version.split()[0]]  # marshal is tied to the Python version
    for path in inputs:
        st = os.stat(path)
        parts.append(f"{os.path.basename(path)}:{st.st_size}:{st.st_mtime_ns}")
    text = "|".join(parts).encode()
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}"


def cache_dir() -> str:
    if explicit := os.environ.get("KNOTWORK_CACHE"):
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "knotwork")


@cache
def engine() -> Engine:
    """The packaged atlas, compiled once and cached on disk.

    Loading and validating the 99 TOML files takes about a tenth of a second; the compiled
    snapshot loads in about a millisecond, which keeps ``knotwork assess`` quick to start. The
    snapshot is keyed by a digest of its inputs, so an edited atlas file is never served stale.
    A cache that cannot be written is not an error: the engine is then compiled every time.
    """
    digest = _atlas_digest()
    path = os.path.join(cache_dir(), f"engine-{digest}.marshal")
    try:
        with open(path, "rb") as f:
            data = marshal.loads(f.read())  # noqa: S302 - our own cache file, written below
        if data.get("version") == SNAPSHOT_VERSION:
            return Engine(data)
    except (OSError, ValueError, EOFError, TypeError):
        pass
    from knotwork.atlas.load import load_atlas

    data = compile_atlas(load_atlas())
    try:
        import tempfile

        os.makedirs(os.path.dirname(path), exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=os.path.dirname(path), delete=False) as tmp:
            tmp.write(marshal.dumps(data))
        os.replace(tmp.name, path)
    except OSError:
        pass
    return Engine(data)
