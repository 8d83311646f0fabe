"""The screen's rule guards (``safety.NEEDS``) change nothing: a property test.

Each red-flag rule names what it cannot fire without (screening answers or alarm words); the
screen skips a rule whose needs are all absent. Here hypothesis builds presentations from every
region, every screening answer, ages on both sides of each threshold and free text made of
phrases that set off every alarm (alone, negated, mixed), and the guarded screen must equal the
screen that runs every rule.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knotwork import vocab
from knotwork.assess import from_data
from knotwork.assess.safety import NEEDS, RED_FLAGS, SAID, screen

# One phrase per alarm that its expression matches (checked below), so that every alarm, and
# every combination the rules test, can be drawn.
SAMPLES: dict[str, str] = {
    "saddle": "saddle numbness",
    "bladder-bowel": "I wet myself",
    "exertion": "pain on exertion",
    "sweating": "short of breath",
    "no-better": "no better",
    "new-pain": "it started two weeks ago",
    "scalp-tender": "my scalp is tender",
    "morning-stiffness": "morning stiffness",
    "endurance": "a marathon runner",
    "moving-chest-pain": "it moved to the other shoulder",
    "swollen-arm": "my arm is swollen",
    "swollen-calf": "swollen calf",
    "long-travel": "after a long-haul flight",
    "clot-risk": "gave birth in May",
    "thunderclap": "worst headache of my life",
    "sudden-onset": "it came on suddenly",
    "mechanical-onset": "I was lifting a box",
    "better-with-movement": "exercise helps",
    "spondyloarthritis-history": "I have psoriasis",
    "growing-lump": "a lump that keeps growing",
    "sport": "I play football",
    "fresh-injury": "I sprained it",
    "limp": "I limp",
    "young": "a teenager",
    "weeks-long": "for six weeks",
    "exertional-leg-pain": "it aches when I walk",
    "eases-on-stopping": "it eases when I stop",
    "chronic": "for many years",
    "limb-neuro": "tingling in the hand",
    "neuro": "double vision",
    "dizziness": "dizzy spells",
    "jaw-claudication": "jaw ache when chewing",
    "fever": "a fever",
    "hot-joint": "a hot swollen knee",
    "weakness": "foot drop",
    "cancer": "breast cancer",
    "weight-loss": "weight loss",
    "night-pain": "it wakes me up",
    "unremitting": "unremitting",
    "worsening": "getting worse",
    "night-sweats": "night sweats",
    "tuberculosis": "tuberculosis",
    "smoking": "heavy smoker",
    "head-injury": "a head injury",
    "fragility": "osteoporosis",
    "bilateral": "both legs",
    "steroid-injection": "a steroid injection",
    "anticoagulant": "warfarin",
    "bleeding": "haemophilia",
    "pregnant": "pregnant",
    "needle-fear": "afraid of needles",
    "lymphoedema": "lymphoedema",
    "epilepsy": "epilepsy",
    "implant": "pacemaker",
    "immunocompromised": "chemotherapy",
    "metal-allergy": "nickel allergy",
    "varicose": "varicose veins",
    "aneurysm": "aneurysm",
    "headache": "headaches",
    "exertional-pain": "worse when I run",
    "cannot-bear-weight": "I can't walk",
    "kidney-stone": "I passed a kidney stone",
    "systemic": "I feel tired",
    "period-related": "worse with my periods",
    "walking-tolerance": "pain after walking for five minutes",
    "injecting-drugs": "I inject drugs",
    "recent-infection": "a urine infection last month",
    "peak-within-minutes": "at its worst within two minutes",
    "dark-urine": "my urine has turned brown",
    "nausea": "I feel sick",
    "valsalva": "worse when I cough",
    "changed-headache": "a new kind of headache",
    "abdominal-pain": "stomach cramps",
    "limb-weakness": "my legs feel weak",
}
OTHER_WORDS = ["no", "not", "and", "but", "lying on that side at night", "for three years", "."]
AGGRAVATING = [
    "running",
    "walking uphill",
    "lifting",
    "sitting",
    "climbing stairs",
    "cycling",
    "walking for 10 minutes",
]
RELIEVING = ["rest", "exercise", "ibuprofen", "heat"]

REGIONS = sorted(vocab.regions().values(), key=lambda r: r.code)
SCREENING = sorted(vocab.screening_questions())


def test_every_alarm_has_a_sample_that_it_matches() -> None:
    assert set(SAMPLES) == set(SAID)
    for name, phrase in SAMPLES.items():
        assert SAID[name].compiled().search(phrase), name
        assert any(k in phrase.lower() for k in SAID[name].keywords), name


def test_every_rule_names_its_needs_and_they_are_answers_or_alarms() -> None:
    assert set(NEEDS) == {r.rule for r in RED_FLAGS}
    known = set(SAID) | set(SCREENING)
    for rule, needs in NEEDS.items():
        assert needs is None or (needs and needs <= known), rule


@st.composite
def presentations(draw: st.DrawFn) -> dict[str, Any]:
    pain = []
    for region in draw(st.lists(st.sampled_from(REGIONS), min_size=1, max_size=5, unique_by=lambda r: r.code)):
        side = draw(st.sampled_from(["left", "right", "bilateral"])) if region.sided else "midline"
        pain.append({"region": region.code, "side": side})
    words = draw(st.lists(st.sampled_from([*SAMPLES.values(), *OTHER_WORDS]), max_size=8))
    data: dict[str, Any] = {
        "pain": pain,
        "screening": draw(st.dictionaries(st.sampled_from(SCREENING), st.booleans(), max_size=6)),
        "history": " ".join(words),
        "aggravating": draw(st.lists(st.sampled_from(AGGRAVATING), max_size=2, unique=True)),
        "relieving": draw(st.lists(st.sampled_from(RELIEVING), max_size=2, unique=True)),
    }
    age = draw(st.one_of(st.none(), st.sampled_from([14, 18, 19, 24, 29, 30, 34, 35, 44, 45, 50, 51, 64, 69, 70, 80])))
    if age is not None:
        data["age"] = age
    sex = draw(st.sampled_from([None, "F", "M"]))
    if sex is not None:
        data["sex"] = sex
    return data


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(presentations())
def test_the_guards_change_no_answer(data: dict[str, Any]) -> None:
    p = from_data(data)
    assert screen(p) == screen(p, guarded=False)
