"""The assessment is the same in every process: nothing may depend on Python's hash seed (the
order in which a set of strings is iterated), which changes from one process to the next."""

from __future__ import annotations

from tests.assess_dump import assessments


def test_the_same_assessments_under_different_hash_seeds() -> None:
    first = assessments(PYTHONHASHSEED="1")
    assert len(first) > 1500
    for seed in ("2", "3"):
        assert assessments(PYTHONHASHSEED=seed) == first, f"hash seed {seed} changed an assessment"
