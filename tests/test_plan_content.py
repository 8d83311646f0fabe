"""What the plan contains: severity, target muscles, session techniques filtered by the safety screen,
therapist overrides, the home programme, and no treatment on an emergency or urgent referral."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knotwork.assess import assess, from_data
from knotwork.atlas.load import load_atlas
from knotwork.plan import Override, PlanError, make_plan, plan_document
from knotwork.plan.home import HYDRATION

START = date(2025, 3, 24)
BASE: dict[str, Any] = {
    "id": "alice",
    "age": 47,
    "sex": "F",
    "pain": [
        {"region": "temple", "side": "right", "intensity": 6},
        {"region": "neck-side", "side": "right", "intensity": 4},
    ],
    "history": "Headaches for three months since starting a new desk job.",
}
ATLAS_MUSCLES = sorted(load_atlas().muscles)
# Screening answers after which the safety screen says never to needle.
NO_NEEDLING = ["anticoagulants", "bleeding-disorder", "needle-phobia", "lymphoedema", "skin-infection-or-wound"]


def presentation(screening: dict[str, bool] | None = None, **changes: Any) -> Any:
    return from_data({**BASE, "screening": screening or {}, **changes})


def all_techniques(doc: dict[str, Any]) -> set[str]:
    found = {t["technique"] for s in doc["sessions"] for t in s["techniques"]}
    found |= {t["technique"] for tr in doc["treatment"] for t in tr["techniques"]}
    return found


# ---- severity -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("intensity", "severity"), [(0, "mild"), (1, "mild"), (3, "mild"), (3.5, "moderate"), (4, "moderate"),
                                (6, "moderate"), (7, "severe"), (10, "severe")]
)  # fmt: skip
def test_severity_follows_the_worst_pain(intensity: float, severity: str) -> None:
    pain = [{"region": "temple", "side": "right", "intensity": intensity}, {"region": "vertex", "side": "midline"}]
    plan = make_plan(presentation(pain=pain), start=START)
    assert plan.severity.severity == severity and plan.severity.worst_pain == intensity


def test_without_an_intensity_the_plan_assumes_moderate_and_says_so() -> None:
    plan = make_plan(presentation(pain=[{"region": "temple", "side": "right"}]), start=START)
    assert plan.severity.severity == "moderate" and plan.severity.worst_pain is None
    assert any("No pain intensity was given: assumed moderate" in n for n in plan.notes)


def test_a_therapist_overrides_the_severity_only_with_a_reason_which_is_recorded() -> None:
    with pytest.raises(PlanError) as caught:
        make_plan(presentation(), start=START, severity="severe")
    assert caught.value.problems == ["severity_reason: required when changing the severity from moderate to severe"]
    plan = make_plan(presentation(), start=START, severity="severe", severity_reason="Pain wakes her every night")
    doc = plan_document(plan)
    assert doc["severity"] == "severe"
    assert doc["severity_basis"] == {
        "derived": "moderate",
        "worst_pain": 6,
        "text": "Worst pain 6/10 (4-6: moderate).",
        "override_reason": "Pain wakes her every night",
    }
    same = make_plan(presentation(), start=START, severity="moderate")  # no change: no reason needed
    assert same.severity.override_reason is None


# ---- targets --------------------------------------------------------------------------------


def test_the_default_targets_are_the_top_candidates_within_reach_of_the_first() -> None:
    p = presentation()
    a = assess(p)
    plan = make_plan(a, start=START)
    top = a.candidates[0]
    assert plan.targets[0].muscle == top.muscle.id and plan.targets[0].side == top.side
    assert 1 <= len(plan.targets) <= 3
    assert all(t.score is not None and t.score >= 0.75 * top.score for t in plan.targets)
    assert all(t.chosen_by == "assessment" for t in plan.targets)
    assert [s.focus for s in plan.sessions] == [tuple(t.muscle for t in plan.targets)] * len(plan.sessions)


def test_when_no_single_muscle_explains_the_drawing_the_combination_is_the_default() -> None:
    # A headache and a heel: no single muscle's pattern reaches both.
    pain = [
        {"region": "temple", "side": "right"},
        {"region": "neck-side", "side": "right"},
        {"region": "heel", "side": "left"},
    ]
    a = assess(presentation(pain=pain))
    assert a.combination
    plan = make_plan(a, start=START)
    assert [t.muscle for t in plan.targets] == [c.muscle.id for c in a.combination][:3]


def test_the_therapist_chooses_muscles_and_sides_and_mistakes_name_the_entry() -> None:
    plan = make_plan(presentation(), start=START, muscles=["levator-scapulae:left", "temporalis"])
    assert [(t.muscle, t.side, t.chosen_by) for t in plan.targets] == [
        ("levator-scapulae", "left", "therapist"),
        ("temporalis", "right", "therapist"),
    ]
    with pytest.raises(PlanError) as caught:
        make_plan(presentation(), start=START, muscles=["temporalis", "trapezius-uper", "temporalis:up"])
    assert caught.value.problems == [
        'muscles[1]: unknown muscle id "trapezius-uper"',
        'muscles[2]: side "up" is not one of right, left, bilateral',
    ]


# ---- session techniques and the safety screen ------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    muscles=st.lists(st.sampled_from(ATLAS_MUSCLES), min_size=1, max_size=3, unique=True),
    code=st.sampled_from(NO_NEEDLING),
)
def test_a_dry_needling_precaution_removes_dry_needling_everywhere(muscles: list[str], code: str) -> None:
    plan = make_plan(presentation({code: True}), start=START, muscles=muscles)
    doc = plan_document(plan)
    assert "dry-needling" not in all_techniques(doc)
    assert "dry-needling" not in json.dumps(doc["sessions"])
    for tr in doc["treatment"]:
        if any(t.code == "dry-needling" for t in load_atlas().muscle(tr["muscle"]).techniques):
            assert any(lo["technique"] == "dry-needling" and lo["by"] == "precaution" for lo in tr["left_out"])
    # Needling sessions would be spaced 2 days apart; without needling, 3 a week may use any days.
    assert "dry-needling-spacing" not in [r["code"] for r in doc["rules"]]


def test_adding_dry_needling_back_needs_an_explicit_overrule_with_a_reason() -> None:
    p = presentation({"anticoagulants": True})
    add = Override("add", "dry-needling", reason="Cleared by her haematologist", muscle="trapezius-upper")
    with pytest.raises(PlanError) as caught:
        make_plan(p, start=START, muscles=["trapezius-upper"], overrides=[add])
    assert caught.value.problems[0].startswith("overrides[0]: Dry needling is to be avoided (Takes anticoagulants")
    overruled = Override(
        "add", "dry-needling", reason="Cleared by her haematologist", muscle="trapezius-upper", overrule_precaution=True
    )
    plan = make_plan(p, start=START, muscles=["trapezius-upper"], overrides=[overruled])
    needling = [t for t in plan.treatment[0].techniques if t.technique == "dry-needling"]
    assert len(needling) == 1
    assert needling[0].level == "avoid" and needling[0].added_by_therapist
    assert needling[0].overruled and needling[0].overruled.startswith("Takes anticoagulants")
    assert "Added by the therapist: Cleared by her haematologist" in needling[0].notes
    assert not any(lo.technique == "dry-needling" for lo in plan.treatment[0].left_out)
    assert plan_document(plan)["overrides"][0]["overrule_precaution"] is True
    # And with needling back in the plan, sessions are spaced for it.
    assert "dry-needling-spacing" in plan.rules_used


def test_caution_techniques_carry_the_screen_reason_and_the_atlas_note() -> None:
    plan = make_plan(presentation({"anticoagulants": True}), start=START, muscles=["trapezius-upper"])
    pressure = next(t for t in plan.treatment[0].techniques if t.technique == "manual-pressure-release")
    assert pressure.level == "caution"
    assert pressure.notes[0] == "Takes anticoagulants: gentle pressure only, bruising risk"
    assert "Pincer grip" in pressure.notes[1]
    # The atlas's own caution (the lung beneath the upper trapezius) travels with dry needling.
    plain = make_plan(presentation(), start=START, muscles=["trapezius-upper"])
    needling = next(t for t in plain.treatment[0].techniques if t.technique == "dry-needling")
    assert needling.level == "caution" and "lung" in needling.notes[0]


def test_therapist_overrides_are_recorded_and_impossible_ones_named() -> None:
    remove = Override("remove", "massage", reason="She dislikes deep massage")
    plan = make_plan(presentation(), start=START, muscles=["trapezius-upper", "temporalis"], overrides=[remove])
    for tr in plan.treatment:
        assert "massage" not in {t.technique for t in tr.techniques}
        assert any(
            lo.technique == "massage" and lo.by == "therapist" and lo.reason == remove.reason for lo in tr.left_out
        )
    bad = [
        Override("remove", "massage", reason=""),
        Override("add", "foam-rolling", reason="x"),
        Override("add", "stretching", reason="x", muscle="soleus"),
        Override("add", "cupping", reason="x"),
    ]
    with pytest.raises(PlanError) as caught:
        make_plan(presentation(), start=START, muscles=["trapezius-upper"], overrides=bad)
    problems = caught.value.problems
    assert "overrides[0].reason: required: say why the technique is removed" in problems
    assert any(p.startswith("overrides[1].technique: 'foam-rolling' is a home technique") for p in problems)
    assert any(p.startswith("overrides[2].muscle: 'soleus' is not one of the target muscles") for p in problems)
    assert "overrides[3].technique: unknown technique code 'cupping'" in problems
    with pytest.raises(PlanError, match=r"overrides\[0\]: Dry needling is not in any session: nothing to remove"):
        make_plan(
            presentation({"needle-phobia": True}),
            start=START,
            muscles=["temporalis"],
            overrides=[Override("remove", "dry-needling", reason="x")],
        )


def test_a_clinic_that_does_not_offer_a_technique_leaves_it_out_with_the_reason() -> None:
    plan = make_plan(presentation(), start=START, muscles=["temporalis"], offered=["manual-pressure-release"])
    assert [t.technique for t in plan.treatment[0].techniques] == ["manual-pressure-release"]
    assert {lo.by for lo in plan.treatment[0].left_out} == {"clinic"}


# ---- home programme ------------------------------------------------------------------------


def home(plan: Any, technique: str) -> list[Any]:
    return [h for h in plan.home_programme if h.technique == technique]


def test_the_home_programme_has_doses_instructions_and_one_general_entry() -> None:
    plan = make_plan(presentation(), start=START, muscles=["trapezius-upper"])
    kinds = [h.technique for h in plan.home_programme]
    assert kinds == ["stretching", "ball-self-pressure", "heat", "strengthening", "hydration-nutrition"]
    assert all(h.dose and h.instructions for h in plan.home_programme)
    assert plan.home_programme[-1] == HYDRATION


def test_the_hydration_advice_stays_within_the_evidence() -> None:
    text = (HYDRATION.instructions + " ".join(HYDRATION.cautions)).lower()
    assert "thirsty" in text and "regular, balanced meals" in text
    assert "there are no toxins" in text and "magnesium supplements have not been shown" in text
    assert "detox" not in text and "magnesium-rich" not in text
    assert set(HYDRATION.sources) == {"eatwell-2016", "wiltshire-2010", "garrison-2020"}


def test_reduced_sensation_leaves_heat_out_with_the_reason() -> None:
    plan = make_plan(presentation({"reduced-sensation": True}), start=START, muscles=["trapezius-upper", "temporalis"])
    assert home(plan, "heat") == []
    heat = [lo for lo in plan.home_left_out if lo.technique == "heat"]
    assert len(heat) == 2 and all("Reduced feeling in the skin" in lo.reason for lo in heat)
    pressure = home(plan, "ball-self-pressure")[0]
    assert pressure.modified and any("use less and check the skin" in c for c in pressure.cautions)


def test_a_wound_and_anticoagulants_change_self_pressure_and_show_why() -> None:
    wound = make_plan(presentation({"skin-infection-or-wound": True}), start=START, muscles=["trapezius-upper"])
    assert any("not over the area" in c for c in home(wound, "ball-self-pressure")[0].cautions)
    thin = make_plan(presentation({"anticoagulants": True}), start=START, muscles=["trapezius-upper"])
    assert (
        "Takes anticoagulants: light pressure only, stop if it bruises" in home(thin, "ball-self-pressure")[0].cautions
    )


def test_self_care_the_atlas_marks_unsafe_for_a_muscle_is_left_out_with_its_safer_alternative() -> None:
    plan = make_plan(presentation(), start=START, muscles=["sternocleidomastoid"])
    atlas_avoid = [s for s in load_atlas().muscle("sternocleidomastoid").self_care if s.level == "avoid"]
    assert atlas_avoid
    left = [lo for lo in plan.home_left_out if lo.by == "atlas"]
    assert [(lo.title, lo.reason) for lo in left] == [(s.title, s.caution) for s in atlas_avoid]
    assert not any(h.title in {s.title for s in atlas_avoid} for h in plan.home_programme)


# ---- referral ------------------------------------------------------------------------------


@pytest.mark.parametrize(("screening", "urgency"), [({"chest-pain-exertion": True}, "emergency"),
                                                    ({"unexplained-weight-loss": True}, "urgent")])  # fmt: skip
def test_no_treatment_is_scheduled_on_an_emergency_or_urgent_referral(screening: dict[str, bool], urgency: str) -> None:
    plan = make_plan(presentation(screening, age=60), start=START)
    assert plan.urgency == urgency and plan.status == "refer-first"
    assert plan.sessions == () and plan.reviews == () and plan.home_programme == () and plan.treatment == ()
    doc = plan_document(plan)
    assert doc["sessions"] == [] and doc["status"] == "refer-first"
    assert "refer first" in doc["referral"]["note"]


def test_a_routine_referral_plans_alongside_the_medical_review_and_says_so() -> None:
    # Temple pain only: fever with neck pain is a possible infection, an emergency.
    temple_only = [{"region": "temple", "side": "right", "intensity": 6}]
    plan = make_plan(presentation({"fever-or-unwell": True}, pain=temple_only), start=START)
    assert plan.urgency == "routine" and plan.status == "active" and plan.sessions
    assert plan.referral_note and "alongside" in plan.referral_note
    assert any("fever" in n.lower() for n in plan.notes)


def test_unanswered_screening_is_noted() -> None:
    plan = make_plan(presentation(), start=START)
    assert any("screening questions were not answered" in n for n in plan.notes)
    answered = make_plan(presentation({"anticoagulants": False}), start=START)
    assert not any("screening questions were not answered" in n for n in answered.notes)


def test_no_pain_and_no_muscles_is_an_error_naming_muscles() -> None:
    with pytest.raises(PlanError, match="muscles: the presentation marks no pain"):
        make_plan(presentation(pain=[]), start=START)
    plan = make_plan(presentation(pain=[]), start=START, muscles=["temporalis"])
    assert plan.targets[0].side == "bilateral" and plan.targets[0].score is None


def test_every_rule_is_documented_with_its_sources() -> None:
    from pathlib import Path

    from knotwork.plan.rules import RULES
    from knotwork.plan.sources import citation

    docs = (Path(__file__).resolve().parent.parent / "docs" / "plan.md").read_text()
    for rule in RULES:
        assert f"`{rule.code}`" in docs, rule.code
        assert rule.sources and all(citation(k) for k in rule.sources)
        assert rule.evidence in {"trial", "consensus", "expert-opinion", "inference"}
    assert next(r for r in RULES if r.code == "dry-needling-spacing").evidence == "inference"
