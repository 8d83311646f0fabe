"""The trigger point prevalence table: the packaged file is valid and uses only spec vocabulary,
every kind of mistake is reported with the study key and the field, and ``for_groups`` weights
studies by their sample size."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from knotwork import vocab
from knotwork.atlas import prevalence
from knotwork.atlas.prevalence import PrevalenceError, for_groups, load_prevalence

VALID = """
[[study]]
key = "alpha-2001"
citation = "Alpha A. A study of neck pain. J Test. 2001;1:1-2."
url = "https://example.org/alpha"
population = "adults with neck pain"
groups = ["neck"]
design = "cross-sectional, n=10"
n = 10
evidence = "low"
checked = true

[[study.finding]]
muscle = "trapezius-upper"
active_percent = 80.0

[[study.finding]]
muscle = "levator-scapulae"
active_percent = 50

[[study]]
key = "beta-2002"
citation = "Beta B. A study of neck and shoulder pain. J Test. 2002;2:3-4."
pmid = "12345"
population = "adults with neck and shoulder pain"
groups = ["neck", "shoulder"]
design = "cross-sectional, n=30"
n = 30
evidence = "very-low"
checked = false
notes = "hand-made"

[[study.finding]]
muscle = "trapezius-upper"
active_percent = 40.0

[[study.finding]]
muscle = "infraspinatus"
active_percent = 20.0

[[study]]
key = "gamma-2003"
citation = "Gamma C. A study of knee pain. J Test. 2003;3:5-6."
doi = "10.0000/gamma"
population = "adults with knee pain"
groups = ["knee"]
design = "cross-sectional, n=100"
n = 100
evidence = "moderate"
checked = true

[[study.finding]]
muscle = "trapezius-upper"
active_percent = 0.0

[[study.finding]]
muscle = "popliteus"
active_percent = 10.0
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prevalence.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(PrevalenceError) as info:
        load_prevalence(write(tmp_path, text))
    return str(info.value)


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


# The packaged table ----------------------------------------------------------------------


def test_the_packaged_table_loads_and_has_studies_with_findings() -> None:
    table = load_prevalence()
    assert len(table.studies) >= 8
    assert all(s.findings for s in table.studies)
    keys = [s.key for s in table.studies]
    assert len(keys) == len(set(keys))


def test_every_muscle_and_group_of_the_packaged_table_is_in_the_spec() -> None:
    muscles = set(vocab.muscles())
    groups = {r.group for r in vocab.regions().values()}
    for s in load_prevalence().studies:
        assert set(s.groups) <= groups, s.key
        for f in s.findings:
            assert f.muscle in muscles, (s.key, f.muscle)
            assert 0.0 <= f.active_percent <= 100.0, (s.key, f.muscle)


def test_every_packaged_study_has_a_locator_and_an_allowed_evidence_level() -> None:
    for s in load_prevalence().studies:
        assert s.doi or s.url or s.pmid, s.key
        assert s.evidence in prevalence.EVIDENCE_LEVELS, s.key
        assert s.n > 0, s.key


def test_the_packaged_table_is_what_the_module_level_helper_reads() -> None:
    neck = for_groups({"neck"})
    assert neck, "the packaged table should cover neck pain"
    assert all(0.0 <= v <= 100.0 for v in neck.values())
    assert "trapezius-upper" in neck
    assert for_groups(set()) == {}


def test_the_records_are_frozen() -> None:
    study = load_prevalence().studies[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        study.n = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        study.findings[0].active_percent = 1.0  # type: ignore[misc]


# for_groups weighting --------------------------------------------------------------------


def test_for_groups_weights_by_sample_size_over_matching_studies(tmp_path: Path) -> None:
    table = load_prevalence(write(tmp_path, VALID))
    neck = table.for_groups({"neck"})
    # alpha (n=10, 80%) and beta (n=30, 40%) match; gamma (knee) does not: (10*80 + 30*40) / 40 = 50
    assert neck["trapezius-upper"] == pytest.approx(50.0)
    assert neck["levator-scapulae"] == pytest.approx(50.0)  # only alpha reports it
    assert neck["infraspinatus"] == pytest.approx(20.0)  # only beta reports it
    assert "popliteus" not in neck  # reported only by the knee study
    assert set(neck) == {"trapezius-upper", "levator-scapulae", "infraspinatus"}


def test_for_groups_uses_any_shared_group(tmp_path: Path) -> None:
    table = load_prevalence(write(tmp_path, VALID))
    assert table.for_groups({"shoulder"}) == pytest.approx({"trapezius-upper": 40.0, "infraspinatus": 20.0})
    both = table.for_groups({"knee", "neck"})
    # all three studies: (10*80 + 30*40 + 100*0) / 140
    assert both["trapezius-upper"] == pytest.approx(2000 / 140)
    assert both["popliteus"] == pytest.approx(10.0)
    assert table.for_groups({"foot"}) == {}


def test_for_groups_rejects_an_unknown_group(tmp_path: Path) -> None:
    table = load_prevalence(write(tmp_path, VALID))
    with pytest.raises(ValueError, match="nek"):
        table.for_groups({"nek"})


# Validation: each mistake names the study key and the field -------------------------------


def test_the_hand_made_file_is_valid(tmp_path: Path) -> None:
    table = load_prevalence(write(tmp_path, VALID))
    assert [s.key for s in table.studies] == ["alpha-2001", "beta-2002", "gamma-2003"]
    assert table.study("beta-2002").checked is False
    assert table.study("alpha-2001").percent("levator-scapulae") == 50.0


def test_unknown_muscle_id(tmp_path: Path) -> None:
    text = replace_once(VALID, 'muscle = "infraspinatus"', 'muscle = "infraspinatis"')
    message = error_of(tmp_path, text)
    assert "beta-2002" in message
    assert "finding[1].muscle" in message
    assert "infraspinatis" in message


def test_unknown_group(tmp_path: Path) -> None:
    text = replace_once(VALID, 'groups = ["neck", "shoulder"]', 'groups = ["neck", "sholder"]')
    message = error_of(tmp_path, text)
    assert "beta-2002" in message and "groups[1]" in message and "sholder" in message


@pytest.mark.parametrize("value", ["100.5", "-1.0", "nan"])
def test_percent_outside_0_to_100(tmp_path: Path, value: str) -> None:
    text = replace_once(VALID, "active_percent = 80.0", f"active_percent = {value}")
    message = error_of(tmp_path, text)
    assert "alpha-2001" in message and "finding[0].active_percent" in message


def test_percent_that_is_not_a_number(tmp_path: Path) -> None:
    text = replace_once(VALID, "active_percent = 80.0", 'active_percent = "80%"')
    message = error_of(tmp_path, text)
    assert "alpha-2001" in message and "finding[0].active_percent" in message


def test_missing_citation(tmp_path: Path) -> None:
    text = replace_once(VALID, 'citation = "Gamma C. A study of knee pain. J Test. 2003;3:5-6."\n', "")
    message = error_of(tmp_path, text)
    assert "gamma-2003" in message and "citation" in message and "missing" in message


def test_empty_citation(tmp_path: Path) -> None:
    text = replace_once(VALID, 'citation = "Gamma C. A study of knee pain. J Test. 2003;3:5-6."', 'citation = "  "')
    message = error_of(tmp_path, text)
    assert "gamma-2003" in message and "citation" in message


def test_evidence_not_in_the_allowed_set(tmp_path: Path) -> None:
    text = replace_once(VALID, 'evidence = "moderate"', 'evidence = "high"')
    message = error_of(tmp_path, text)
    assert "gamma-2003" in message and "evidence" in message and "high" in message


def test_duplicate_key(tmp_path: Path) -> None:
    text = replace_once(VALID, 'key = "gamma-2003"', 'key = "alpha-2001"')
    message = error_of(tmp_path, text)
    assert "alpha-2001" in message and "key" in message and "duplicate" in message


def test_duplicate_muscle_within_a_study(tmp_path: Path) -> None:
    text = replace_once(VALID, 'muscle = "popliteus"', 'muscle = "trapezius-upper"')
    message = error_of(tmp_path, text)
    assert "gamma-2003" in message and "finding[1].muscle" in message and "duplicate" in message


def test_the_same_muscle_in_two_studies_is_fine(tmp_path: Path) -> None:
    # trapezius-upper appears in all three studies of VALID; only repeats inside one study are errors
    assert len(load_prevalence(write(tmp_path, VALID)).studies) == 3


@pytest.mark.parametrize("value", ["0", "-5", "2.5", "true"])
def test_n_must_be_a_positive_whole_number(tmp_path: Path, value: str) -> None:
    text = replace_once(VALID, "n = 30", f"n = {value}")
    message = error_of(tmp_path, text)
    assert "beta-2002" in message and ": n:" in message


def test_checked_must_be_a_boolean(tmp_path: Path) -> None:
    text = replace_once(VALID, "checked = false", 'checked = "no"')
    message = error_of(tmp_path, text)
    assert "beta-2002" in message and "checked" in message


def test_a_study_needs_a_doi_url_or_pmid(tmp_path: Path) -> None:
    text = replace_once(VALID, 'pmid = "12345"\n', "")
    message = error_of(tmp_path, text)
    assert "beta-2002" in message and "doi" in message


def test_unknown_fields_are_reported(tmp_path: Path) -> None:
    text = replace_once(VALID, 'notes = "hand-made"', 'notes = "hand-made"\nlatent_percent = 3')
    message = error_of(tmp_path, text)
    assert "beta-2002" in message and "latent_percent" in message


def test_a_study_without_findings(tmp_path: Path) -> None:
    text = VALID + '\n[[study]]\nkey = "delta-2004"\ncitation = "D"\nurl = "u"\npopulation = "p"\n'
    text += 'groups = ["knee"]\ndesign = "d"\nn = 5\nevidence = "low"\nchecked = true\n'
    message = error_of(tmp_path, text)
    assert "delta-2004" in message and "finding" in message


def test_a_study_without_a_key_is_named_by_position(tmp_path: Path) -> None:
    text = replace_once(VALID, 'key = "beta-2002"\n', "")
    message = error_of(tmp_path, text)
    assert "study[1]" in message and "key" in message


def test_a_key_that_is_not_lowercase_author_year(tmp_path: Path) -> None:
    text = replace_once(VALID, 'key = "beta-2002"', 'key = "Beta 2002"')
    message = error_of(tmp_path, text)
    assert "Beta 2002" in message and "key" in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = replace_once(VALID, 'evidence = "moderate"', 'evidence = "high"')
    text = replace_once(text, 'muscle = "infraspinatus"', 'muscle = "infraspinatis"')
    with pytest.raises(PrevalenceError) as info:
        load_prevalence(write(tmp_path, text))
    assert len(info.value.problems) == 2


def test_invalid_toml_is_reported_with_the_file_name(tmp_path: Path) -> None:
    message = error_of(tmp_path, VALID + "\n[[study]\n")
    assert "prevalence.toml" in message and "TOML" in message
