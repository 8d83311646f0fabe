"""Knotwork's copy of the interchange contract matches the shared spec folder."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from knotwork import vocab

SHARED_SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec"
FILES = ["body-regions.csv", "muscles.csv", "techniques.csv", "screening.csv", "presentation.schema.json", "README.md"]


@pytest.mark.parametrize("name", FILES)
def test_our_copy_of_the_contract_matches_the_shared_spec(name: str) -> None:
    if not SHARED_SPEC.is_dir():
        pytest.skip(f"{SHARED_SPEC} is not present beside the repository")
    ours = resources.files("knotwork.spec").joinpath(name).read_text(encoding="utf-8")
    assert ours == (SHARED_SPEC / name).read_text(encoding="utf-8"), f"spec/{name} differs: copy it again"


def test_the_vocabularies_have_the_contracts_sizes() -> None:
    assert len(vocab.regions()) == 94
    assert len(vocab.muscles()) == 99
    assert set(vocab.techniques()) >= {"dry-needling", "manual-pressure-release", "ball-self-pressure"}
    assert {q.kind for q in vocab.screening_questions().values()} == {"red-flag", "precaution", "context"}


def test_sided_regions_have_left_and_right_and_midline_regions_one_side() -> None:
    sides = vocab.region_sides()
    assert ("temple", "right") in sides and ("temple", "left") in sides
    assert ("sternum", "midline") in sides and ("sternum", "right") not in sides
    unsided = [r for r in vocab.regions().values() if not r.sided]
    assert len(sides) == 2 * (94 - len(unsided)) + len(unsided)


def test_muscle_synonyms_are_split_on_semicolons() -> None:
    assert vocab.muscles()["scalenes"].also_known_as[:2] == ("scalenus anterior", "scalenus medius")
