"""The differential ranking: properties that must hold for every muscle of the atlas."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knotwork import vocab
from knotwork.assess import assess, document, from_data
from knotwork.assess.rank import Engine, engine
from knotwork.atlas.load import load_atlas
from knotwork.atlas.model import TriggerPoint

MIRROR = {"right": "left", "left": "right", "midline": "midline", "bilateral": "bilateral"}


def drawing_of(tp: TriggerPoint, side: str) -> list[dict[str, Any]]:
    """The textbook pattern: the trigger point's own region (local pain) and all its zones."""
    regions = vocab.regions()
    out: list[dict[str, Any]] = [{"region": tp.region, "side": side if regions[tp.region].sided else "midline"}]
    for zone in tp.zones:
        for s in zone.sides_for(side, sided=regions[zone.region].sided):
            entry = {"region": zone.region, "side": s}
            if entry not in out:
                out.append(entry)
    return out


ALL_TRIGGER_POINTS = [(m.id, tp) for m in load_atlas().muscles.values() for tp in m.trigger_points]


@pytest.mark.parametrize(("muscle_id", "tp"), ALL_TRIGGER_POINTS, ids=[tp.id for _, tp in ALL_TRIGGER_POINTS])
def test_a_textbook_pattern_drawn_exactly_ranks_its_muscle_first(muscle_id: str, tp: TriggerPoint) -> None:
    candidates = engine().rank(from_data({"pain": drawing_of(tp, "right")}))
    mine = next(c for c in candidates if c.muscle.id == muscle_id)
    assert mine.score == 1.0 == candidates[0].score  # first, or tied for first with a perfect score
    assert mine.side in ("right", "bilateral")  # bilateral where the pattern itself crosses the midline
    assert not mine.unexplained


def test_mirroring_the_drawing_mirrors_the_ranking() -> None:
    p = {"pain": [{"region": "temple", "side": "right"}, {"region": "neck-side", "side": "right"}]}
    mirrored = {"pain": [{"region": x["region"], "side": MIRROR[x["side"]]} for x in p["pain"]]}
    right = engine().rank(from_data(p))
    left = engine().rank(from_data(mirrored))
    assert [(c.muscle.id, c.score) for c in right] == [(c.muscle.id, c.score) for c in left]
    assert [MIRROR[c.side] for c in right] == [c.side for c in left]


regions_sided = [r.code for r in vocab.regions().values() if r.sided]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(regions_sided), st.sampled_from(["right", "left", "bilateral"])),
        min_size=1,
        max_size=6,
        unique=True,
    )
)
def test_mirroring_any_drawing_mirrors_the_scores(pain: list[tuple[str, str]]) -> None:
    p = from_data({"pain": [{"region": r, "side": s} for r, s in pain]})
    q = from_data({"pain": [{"region": r, "side": MIRROR[s]} for r, s in pain]})
    a = {c.muscle.id: (c.score, c.side) for c in engine().rank(p)}
    b = {c.muscle.id: (c.score, MIRROR[c.side]) for c in engine().rank(q)}
    assert a == b


def test_an_unrelated_painful_region_does_not_promote_unrelated_muscles_above_a_perfect_match() -> None:
    atlas = load_atlas()
    tp = atlas.muscle("infraspinatus").trigger_points[0]
    base = drawing_of(tp, "right")
    before = engine().rank(from_data({"pain": base}))
    after = engine().rank(from_data({"pain": [*base, {"region": "big-toe", "side": "left"}]}))
    assert before[0].score == 1.0
    assert "infraspinatus" in [c.muscle.id for c in after[:2]]  # the toe's muscles may come second, not above
    toe_muscles = {c.muscle.id for c in after if ("big-toe", "left") in c.essential + c.spillover}
    infra = next(c for c in after if c.muscle.id == "infraspinatus")
    assert all(c.score < infra.score for c in after if c.muscle.id in toe_muscles)


def test_essential_zones_weigh_more_than_spillover() -> None:
    # Temple: essential for temporalis, spillover for (among others) masseter.
    candidates = engine().rank(from_data({"pain": [{"region": "temple", "side": "right"}]}))
    names = [c.muscle.id for c in candidates]
    assert names.index("temporalis") < names.index("masseter")
    top = candidates[0]
    assert top.essential == (("temple", "right"),)


def test_intensity_weights_the_regions() -> None:
    heel_strong = from_data(
        {
            "pain": [
                {"region": "heel", "side": "right", "intensity": 9},
                {"region": "shin", "side": "right", "intensity": 1},
            ]
        }
    )
    shin_strong = from_data(
        {
            "pain": [
                {"region": "heel", "side": "right", "intensity": 1},
                {"region": "shin", "side": "right", "intensity": 9},
            ]
        }
    )
    heel_first = [c.muscle.id for c in engine().rank(heel_strong)]
    shin_first = [c.muscle.id for c in engine().rank(shin_strong)]
    assert heel_first[0] != shin_first[0]
    assert heel_first.index("soleus") < shin_first.index("soleus")


def test_bilateral_pain_is_explained_by_a_pattern_on_both_sides() -> None:
    c = engine().rank(
        from_data({"pain": [{"region": "temple", "side": "bilateral"}, {"region": "neck-side", "side": "bilateral"}]})
    )
    assert c[0].side == "bilateral"
    assert c[0].muscle.id == "trapezius-upper"


def test_scores_are_in_0_1_ranked_with_at_least_ten_candidates_and_explanations() -> None:
    for p in (
        {"pain": [{"region": "little-finger", "side": "left"}]},
        {"pain": [{"region": "coccyx", "side": "midline"}]},
    ):
        candidates = engine().rank(from_data(p))
        assert len(candidates) >= 10
        scores = [c.score for c in candidates]
        assert scores == sorted(scores, reverse=True)
        assert all(0 <= s <= 1 for s in scores)
        assert all(c.explanation for c in candidates)
    assert engine().rank(from_data({"pain": []})) == []


def test_the_explanation_names_regions_and_counts_a_therapist_can_check() -> None:
    c = engine().rank(
        from_data(
            {
                "pain": [
                    {"region": "temple", "side": "right"},
                    {"region": "neck-side", "side": "right"},
                    {"region": "heel", "side": "left"},
                ]
            }
        )
    )
    trap = next(x for x in c if x.muscle.id == "trapezius-upper")
    assert "temple (right)" in trap.explanation and "side of neck (right)" in trap.explanation
    assert "2 of 3 painful regions" in trap.explanation


def test_history_naming_a_mimicked_complaint_moves_that_muscle_up() -> None:
    pain = [{"region": "elbow-outer", "side": "right"}]
    plain = [c.muscle.id for c in engine().rank(from_data({"pain": pain}))]
    told = engine().rank(from_data({"pain": pain, "history": "Diagnosed with tennis elbow after a season of squash."}))
    supinator = next(c for c in told if c.muscle.id == "supinator")
    assert supinator.text_score > 0 and "tennis elbow" in supinator.explanation.lower()
    assert [c.muscle.id for c in told].index("supinator") <= plain.index("supinator")


def test_when_no_muscle_explains_everything_the_smallest_combination_is_offered() -> None:
    a = assess(from_data({"pain": [{"region": "temple", "side": "right"}, {"region": "heel", "side": "left"}]}))
    assert a.candidates[0].unexplained
    covered = {rs for c in a.combination for rs in c.essential + c.spillover}
    assert covered == {("temple", "right"), ("heel", "left")}
    assert len(a.combination) == 2
    doc = document(a)
    assert [c["muscle"] for c in doc["combination"]] == [c.muscle.id for c in a.combination]


def test_the_ranking_is_deterministic_and_the_compiled_cache_changes_nothing() -> None:
    p = from_data({"pain": [{"region": "low-back", "side": "bilateral"}, {"region": "buttock-upper", "side": "right"}]})
    fresh = Engine.from_atlas(load_atlas()).rank(p)
    cached = engine().rank(p)
    assert [(c.muscle.id, c.score, c.side) for c in fresh] == [(c.muscle.id, c.score, c.side) for c in cached]


regions_all = [r.code for r in vocab.regions().values()]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(regions_all),
            st.sampled_from(["right", "left"]),
            st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_skipping_dominated_patterns_on_one_sided_drawings_changes_nothing(
    pain: list[tuple[str, str, int | None]],
) -> None:
    """The shortcuts of ``compile_atlas`` (``dominated``, trigger points that only touch the drawing)
    against scoring every pattern, on one-sided drawings."""
    full = Engine.from_atlas(load_atlas())
    # and no trigger point's pattern left out of the postings of the patterns that only touch a zone
    full.near = [
        tuple(pi for pi, pattern in enumerate(full.patterns) if pattern.adjacent >> i & 1)
        for i in range(len(full.region_sides))
    ]
    full.one_sided = {side: {"direct": full.direct, "near": full.near} for side in ("right", "left")}
    side = pain[0][1]
    drawing = []
    for region, _, intensity in pain:
        entry: dict[str, Any] = {"region": region, "side": side if vocab.regions()[region].sided else "midline"}
        if intensity is not None:
            entry["intensity"] = intensity
        drawing.append(entry)
    p = from_data({"pain": drawing})
    fast = engine()
    assert fast.rank(p) == full.rank(p)
    assert fast.explain_all(p, fast.rank(p)) == full.explain_all(p, full.rank(p))


def _engine_with_prevalence(studies: list[tuple[list[str], int, dict[str, float]]]) -> Engine:
    from knotwork.assess.rank import compile_atlas

    data = compile_atlas(load_atlas())
    index = {m[0]: i for i, m in enumerate(data["muscles"])}
    data["prevalence"] = [(groups, n, {index[m]: pct for m, pct in found.items()}) for groups, n, found in studies]
    return Engine(data)


def test_prevalence_orders_muscles_that_explain_the_drawing_equally_well() -> None:
    p = from_data({"pain": [{"region": "elbow-outer", "side": "right"}]})
    plain = _engine_with_prevalence([]).rank(p)
    tied = next((a, b) for a, b in pairwise(plain) if a.score == b.score and a.score > 0)  # indistinguishable
    second = tied[1].muscle.id
    boosted = _engine_with_prevalence([(["elbow"], 40, {second: 60.0})]).rank(p)
    ids = [c.muscle.id for c in boosted]
    assert ids.index(second) < ids.index(tied[0].muscle.id)
    mine = next(c for c in boosted if c.muscle.id == second)
    assert mine.prevalence == 60.0
    assert "60% of patients" in mine.explanation
    assert mine.score == round(tied[1].score + (1 - tied[1].score) * 0.1 * 0.6, 4)


def test_prevalence_from_another_body_area_or_for_an_unmatched_muscle_changes_nothing() -> None:
    p = from_data({"pain": [{"region": "elbow-outer", "side": "right"}]})
    plain = _engine_with_prevalence([]).rank(p)
    # a study of knee pain, and one of elbow pain naming a muscle that no zone or word reaches
    listed = {c.muscle.id for c in plain}
    far = next(m.id for m in load_atlas().muscles.values() if m.id not in listed)
    other = _engine_with_prevalence([(["knee"], 100, {plain[-1].muscle.id: 90.0}), (["elbow"], 50, {far: 90.0})])
    assert other.rank(p) == plain


def test_the_prior_weighs_studies_by_their_size() -> None:
    e = _engine_with_prevalence(
        [(["low-back"], 30, {"quadratus-lumborum": 20.0}), (["low-back", "pelvis"], 10, {"quadratus-lumborum": 60.0})]
    )
    ql = e.muscle_index["quadratus-lumborum"]
    assert e.prior({"low-back"})[ql] == (30 * 20.0 + 10 * 60.0) / 40
    assert e.prior({"pelvis"})[ql] == 60.0
    assert ql not in e.prior({"head"})


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(regions_all), st.sampled_from(["right", "left", "bilateral"])),
        min_size=1,
        max_size=6,
    ),
)
def test_skipping_trigger_point_patterns_that_only_touch_the_drawing_changes_nothing(
    pain: list[tuple[str, str]],
) -> None:
    """Drawings on either or both sides: the postings of the patterns that only touch a zone, with
    every trigger point's pattern in them (``compile_atlas`` leaves out those whose muscle's whole
    pattern is scored), give the same ranking."""
    full = Engine.from_atlas(load_atlas())
    full.near = [
        tuple(pi for pi, pattern in enumerate(full.patterns) if pattern.adjacent >> i & 1)
        for i in range(len(full.region_sides))
    ]
    assert full.near != engine().near  # the shortcut does leave patterns out
    p = from_data({"pain": [{"region": r, "side": s if vocab.regions()[r].sided else "midline"} for r, s in pain]})
    assert engine().rank(p) == full.rank(p)


def test_the_engines_prior_is_the_prevalence_tables_own_weighting() -> None:
    """The engine keeps its own copy of the weighting (the table's loader is too heavy for
    `knotwork assess`'s start); it must give what ``Prevalence.for_groups`` gives."""
    from itertools import combinations

    from knotwork.atlas.prevalence import load_prevalence

    table = load_prevalence()
    e = engine()
    groups = sorted({r.group for r in vocab.regions().values()})
    for chosen in [*combinations(groups, 1), *combinations(groups, 2)]:
        expected = table.for_groups(set(chosen))
        got = {e.muscles[mi].id: pct for mi, pct in e.prior(set(chosen)).items()}
        assert got.keys() == expected.keys(), chosen
        assert all(abs(got[m] - expected[m]) < 1e-9 for m in got), chosen
