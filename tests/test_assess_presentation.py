"""Reading a presentation: every error names its field; nothing is guessed or dropped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knotwork import vocab
from knotwork.assess import Presentation, PresentationError, from_data, read

EXAMPLE = {
    "id": "case-1",
    "age": 47,
    "sex": "F",
    "pain": [
        {"region": "temple", "side": "right", "intensity": 6},
        {"region": "neck-side", "side": "right", "intensity": 4},
        {"region": "vertex", "side": "midline", "intensity": 2},
    ],
    "screening": {"anticoagulants": True, "night-pain": False},
    "aggravating": ["long hours at a laptop"],
    "history": "Headaches for three months since starting a new desk job.",
}


def problems(data: Any) -> list[str]:
    with pytest.raises(PresentationError) as caught:
        from_data(data)
    return caught.value.problems


def test_the_contracts_example_reads_into_a_presentation() -> None:
    p = from_data(EXAMPLE)
    assert isinstance(p, Presentation)
    assert p.id == "case-1" and p.age == 47 and p.sex == "F"
    assert (p.pain[0].region, p.pain[0].side, p.pain[0].intensity) == ("temple", "right", 6.0)
    assert p.screening == {"anticoagulants": True, "night-pain": False}
    assert p.answered("anticoagulants") and not p.answered("night-pain")


def test_an_empty_drawing_is_allowed_but_a_missing_one_is_not() -> None:
    assert from_data({"pain": []}).pain == ()
    assert problems({}) == ["pain: required (an empty array when nothing hurts)"]


def test_an_unknown_region_code_is_reported_with_its_path() -> None:
    data = {
        "pain": [
            {"region": "temple", "side": "right"},
            {"region": "neck", "side": "left"},
            {"region": "tempel", "side": "right"},
        ]
    }
    assert problems(data) == [
        'pain[1].region: unknown region code "neck"',
        'pain[2].region: unknown region code "tempel"',
    ]


def test_sides_must_fit_the_region() -> None:
    data = {
        "pain": [
            {"region": "sternum", "side": "left"},
            {"region": "temple", "side": "midline"},
            {"region": "calf", "side": "up"},
        ]
    }
    assert problems(data) == [
        'pain[0].side: "sternum" is a midline region: use midline, not "left"',
        'pain[1].side: "temple" has a left and a right: use left, right or bilateral',
        'pain[2].side: "up" is not one of left, right, bilateral, midline',
    ]


def test_intensity_must_be_a_number_from_0_to_10() -> None:
    data = {
        "pain": [
            {"region": "calf", "side": "left", "intensity": 11},
            {"region": "calf", "side": "right", "intensity": "7"},
        ]
    }
    assert problems(data) == [
        "pain[0].intensity: 11 is outside 0-10",
        "pain[1].intensity: expected a number from 0 to 10, got a string",
    ]


def test_unknown_screening_codes_and_non_boolean_answers_are_errors() -> None:
    data = {"pain": [], "screening": {"anticoagulant": True, "pregnant": "yes"}}
    assert problems(data) == [
        'screening.anticoagulant: unknown screening code "anticoagulant"',
        'screening.pregnant: expected true or false, got "yes"',
    ]


def test_every_other_field_is_checked_and_all_problems_are_reported_together() -> None:
    data = {"pain": [], "age": 130, "sex": "female", "aggravating": "stairs", "history": 5, "colour": "red"}
    assert problems(data) == [
        "colour: unknown field "
        "(expected one of id, age, sex, pain, screening, aggravating, relieving, history, findings)",
        "age: 130 is outside 0-120",
        'sex: "female" is not one of F, M, X',
        "aggravating: expected an array of strings, got a string",
        "history: expected a string, got a number",
    ]


def test_malformed_json_is_a_clear_error() -> None:
    with pytest.raises(PresentationError) as caught:
        read('{"pain": [')
    assert caught.value.problems[0].startswith("(document): not valid JSON: ")
    with pytest.raises(PresentationError, match="expected an object"):
        read("[]")


def test_bilateral_pain_stands_for_both_sides() -> None:
    p = from_data({"pain": [{"region": "calf", "side": "bilateral"}]})
    assert p.pain[0].region_sides() == (("calf", "right"), ("calf", "left"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
region_codes = st.sampled_from([*vocab.regions(), "tempel", ""])
pain_entries = st.fixed_dictionaries(
    {"region": region_codes, "side": st.sampled_from(["left", "right", "bilateral", "midline", "middle"])},
    optional={"intensity": st.one_of(st.integers(-2, 12), st.floats(allow_nan=False), st.text(max_size=3))},
)
near_valid = st.fixed_dictionaries(
    {"pain": st.lists(pain_entries, max_size=6)},
    optional={
        "age": st.integers(-3, 130),
        "sex": st.sampled_from(["F", "M", "X", "f", ""]),
        "screening": st.dictionaries(st.sampled_from([*vocab.screening_questions(), "nope"]), json_values, max_size=4),
        "history": json_values,
        "aggravating": st.lists(json_values, max_size=3),
    },
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, near_valid))
def test_any_json_either_reads_or_fails_with_named_fields_never_crashes(data: Any) -> None:
    try:
        p = from_data(data)
    except PresentationError as exc:
        problems = exc.problems
        assert problems
        assert all(": " in problem for problem in problems)
        return
    # What was read is exactly what was given: nothing dropped.
    assert len(p.pain) == len(data["pain"])
    assert p.screening == data.get("screening", {})


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_either_reads_or_fails_cleanly(text: str) -> None:
    try:
        read(text)
    except PresentationError as exc:
        problems = exc.problems
        assert problems
    else:
        assert "pain" in json.loads(text)
