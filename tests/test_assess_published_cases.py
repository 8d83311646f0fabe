"""The safety screen on Knotwork's published cases (bench/cases-*.jsonl).

A regression guard, not a score: every case the literature says needs urgent medical care is
referred urgently, no case to treat is sent away urgently, and every expected precaution is
raised. The ranking is measured in bench/accuracy.py, not here. Known misses are listed with
their reason and marked strict xfail, so that fixing one is noticed too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from knotwork.assess import assess, document, from_data

BENCH = Path(__file__).resolve().parent.parent / "bench"
CASE_FILES = (
    "cases-literature.jsonl",
    "cases-holdout.jsonl",
    "cases-holdout2.jsonl",
    "cases-holdout3.jsonl",
    "cases-holdout4.jsonl",
    "cases-holdout5.jsonl",
    "cases-holdout6.jsonl",
    "cases-holdout7.jsonl",
    "cases-holdout8.jsonl",
    "cases-holdout9.jsonl",
    "cases-holdout10.jsonl",
)
KNOWN_MISSES = {
    "hold-020": "an aortic aneurysm told only as three weeks of one-sided low back pain at 58: "
    "no rule sees it yet; age and new back pain alone would refer most older clients with back pain",
    "h2-026": "multiple myeloma told as two months of low back pain at 48 that crept up, feeling well otherwise, "
    "no cancer history or weight loss: nothing in the intake marks it out from ordinary back pain",
    "h2-029": "axial spondyloarthritis in a 20-year-old with a year of buttock pain: the intake shows two of the "
    "NICE NG65 features (onset before 35, buttock pain); the screen asks for three, where NICE starts testing",
    "h3-005": "crushing pain across the upper breastbone after a chiropractic session at 67 is sent to A&E as "
    "possible cardiac pain; the source found a rhomboid problem (a false alarm, the safer mistake)",
    "h3-009": "calf pain with long immobility answered yes (three months in bed, years ago) is checked for a clot "
    "urgently; the source found piriformis syndrome (a false alarm, the safer mistake)",
    "h3-020": "shoulder pain and stiffness at 46 after breast cancer gets a routine, not urgent, referral: history "
    "of cancer is urgent here only with night pain, weight loss, spinal pain or age over 50",
    "h3-022": "a hand and wrist put in a cast abroad after a night's drinking: nothing in the intake points to the "
    "serious cause",
    "h3-025": "recurrent low back pain at 48 that now runs down the leg, told with no other detail",
    "h3-027": "fever and hip pain three weeks after a fall gets a routine referral (fall; fever); infection of the "
    "hip would need an urgent one, but fever with a cold and joint pain is common",
    "h4-016": "a spinal epidural abscess told as a week of constant shoulder and neck ache with a numb arm at 33, "
    "no fever: a numb arm with neck pain is usually a nerve root, and no rule sends that away urgently",
    "h4-017": "an osteoid osteoma told as shoulder pain in a wheelchair basketball player: nothing in the intake "
    "marks it out",
    "h4-018": "an aortic dissection told as shoulder pain that moves about with a weak upper arm at 46: 'moves "
    "around' and a weak arm are too common in shoulder pain for a rule",
    "h4-029": "peripheral arterial disease told as three months of low back and calf pain in a runner of 65, "
    "without saying that walking brings the calf pain on and rest eases it",
    "h5-017": "cervical myelopathy at 79 told only as eight weeks of neck pain: older age is a studied red flag "
    "for back pain (fracture), not for neck pain, and nothing else in the intake points to the cord",
    "h5-018": "clots in the veins of the arm told as twelve days of neck pain after a two-hour flight in a fit "
    "soldier: a flight is a clot risk for the legs, and no rule reads neck pain after travel as a clot",
    "h5-024": "a sacral stress fracture told as low back and buttock pain two days after a caesarean section: "
    "new pain after childbirth is common, and no rule sends it to a doctor without other signs",
    "h6-026": "testicular cancer told as low back pain after a slip on the stairs, painkillers not helping, "
    "with weight loss the client puts down to exercise: the fall explains the pain, and explained weight loss "
    "is not unexplained; it gets a routine referral for the fall",
    "h8-011": "a limp with buttock, thigh and calf pain built up over months, no injury, at 48: sent urgently for "
    "an X-ray (the NHS sarcoma guidance for a new limp with building pain) although an MRI had shown a bulging "
    "disc; the safer mistake",
    "h8-018": "Lyme disease told as tennis shoulder pain that is not improving and then appeared in the other "
    "shoulder, uninjured: pain spreading to other joints is not yet a rule",
    "h9-004": "a plasmacytoma of the second neck vertebra told only as recent, quite painful neck pain at 63 in a "
    "runner: new neck pain over 50 alone would refer most older clients",
    "h9-007": "an acetabular stress fracture told as three months of pain on the outside of the hip after more "
    "running and jumping, called bursitis: lateral hip pain in a runner is usually the tendons there",
    "h9-010": "diverticulitis told as groin pain with painful intercourse that physiotherapy has not helped: "
    "referred routinely (period-related pain, NICE NG73), not urgently",
    "h9-011": "a thigh sarcoma told as a lump noticed after a long walk, thought a pulled muscle: a new lump "
    "after exertion is usually a strain or a bruise; NICE asks for a scan when a lump grows",
    "h9-016": "a thigh sarcoma told as a 'strain' worse at rest after six weeks of therapy: referred routinely "
    "(not improving, worse), not urgently",
    "h10-004": "myeloma or another serious cause told as seven months of low back pain, much worse this month, "
    "painkillers no longer working, age not given: referred routinely, not urgently",
    "h10-006": "gout told as sudden pain at the back of the ankle that physiotherapy has not helped",
    "h10-007": "a teratoma found during treatment for a long-standing mild low back ache at 25",
    "h10-008": "osteomalacia told as low back pain at 18 with a slipped vertebra, braced, now hard to walk",
    "h10-009": "osteomalacia told as hip and foot pain getting worse, diagnosed as restless legs",
    "h10-014": "breast cancer spread to the spine told as a kickball strain not better after two weeks at 27",
    "h2-028": "a perianal abscess told as pain in and around the back passage, no fever: pain there alone "
    "does not justify an urgent referral; an examination does",
}


def cases() -> list[Any]:
    found = []
    for name in CASE_FILES:
        for line in (BENCH / name).read_text().splitlines():
            if line.strip():
                case = json.loads(line)
                reason = KNOWN_MISSES.get(case["id"])
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                found.append(pytest.param(case, id=case["id"], marks=marks))
    return found


@pytest.mark.parametrize("case", cases())
def test_the_screen_acts_as_the_published_case_says(case: dict[str, Any]) -> None:
    answer = document(assess(from_data(case["presentation"])))
    urgency = answer["referral"]["urgency"]
    expected = case["expected_action"]
    if expected == "refer_urgent":
        assert urgency in ("emergency", "urgent"), answer["referral"]
    elif expected == "refer_routine":
        assert urgency != "none", answer["referral"]
    else:  # treat, or treat with precautions: never sent away urgently
        assert urgency not in ("emergency", "urgent"), answer["referral"]
        raised = {p["technique"] for p in answer["precautions"]}
        assert set(case.get("precaution_techniques") or ()) <= raised, answer["precautions"]


def test_the_case_files_are_not_empty() -> None:
    counts = {name: sum(1 for line in (BENCH / name).read_text().splitlines() if line.strip()) for name in CASE_FILES}
    assert all(n >= 20 for n in counts.values()), counts  # holdout 8 has 20, the others 30 or more
