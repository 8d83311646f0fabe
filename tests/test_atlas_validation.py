"""The atlas loader: the packaged atlas is complete and valid, and every kind of mistake in a
muscle file is reported with the file and the field."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from knotwork import vocab
from knotwork.atlas.load import AtlasError, default_dir, load_atlas, load_dir, parse_muscle

# A frozen copy of an early atlas file: the failure tests edit it line by line, so it must not change
# when the packaged atlas is revised.
EXAMPLE = (Path(__file__).parent / "data" / "trapezius-upper.toml").read_text(encoding="utf-8")


def problems_of(text: str, name: str = "trapezius-upper.toml") -> list[str]:
    muscle, problems = parse_muscle(name, text)
    assert (muscle is None) == bool(problems)
    return problems


# The packaged atlas ---------------------------------------------------------------------


def test_the_packaged_atlas_has_a_valid_file_for_every_muscle_of_the_contract() -> None:
    atlas = load_atlas()
    assert list(atlas.muscles) == list(vocab.muscles())


def test_every_muscle_has_trigger_points_sources_and_self_care() -> None:
    for m in load_atlas().muscles.values():
        assert m.trigger_points, m.id
        assert m.sources, m.id
        assert m.description, m.id
        assert any(c.technique == "stretching" for c in m.self_care) or m.id in {
            # Facial muscles without a practical stretch are treated with pressure and massage.
            "orbicularis-oculi",
            "zygomaticus-major",
        }, f"{m.id} has no stretch"


def test_every_trigger_point_has_an_essential_zone_and_ids_are_unique() -> None:
    ids = [tp.id for m in load_atlas().muscles.values() for tp in m.trigger_points]
    assert len(ids) == len(set(ids))
    for m in load_atlas().muscles.values():
        for tp in m.trigger_points:
            assert tp.essential, tp.id


def test_no_atlas_text_makes_claims_the_evidence_does_not_support() -> None:
    banned = re.compile(r"toxin|flush|detox|lactic acid build|cure[sd]?\b|guarantee", re.IGNORECASE)
    for path in default_dir().glob("*.toml"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.lstrip().startswith(("citation", "url", "#")):
                assert not banned.search(line), f"{path.name}:{number}: {line.strip()}"


def test_the_example_file_parses() -> None:
    assert problems_of(EXAMPLE) == []


# Each failure, named by file and field ---------------------------------------------------


def test_an_unknown_region_code_is_reported_with_its_field() -> None:
    text = EXAMPLE.replace(
        'essential = ["neck-side", "neck-back-upper", "mastoid", "temple"]', 'essential = ["neck-side", "tempel"]'
    )
    assert problems_of(text) == ['trapezius-upper.toml: trigger_points[0].essential[1]: unknown region code "tempel"']


def test_an_unknown_region_for_the_trigger_point_itself_is_reported() -> None:
    text = EXAMPLE.replace('region = "shoulder-top"', 'region = "shoulder-tip"', 1)
    assert problems_of(text) == ['trapezius-upper.toml: trigger_points[0].region: unknown region code "shoulder-tip"']


def test_an_unknown_muscle_id_is_reported() -> None:
    text = EXAMPLE.replace('id = "trapezius-upper"', 'id = "trapezius-top"')
    assert problems_of(text, "trapezius-top.toml") == [
        'trapezius-top.toml: id: unknown muscle id "trapezius-top" (not in muscles.csv)'
    ]


def test_a_file_named_after_another_muscle_is_reported() -> None:
    assert problems_of(EXAMPLE, "masseter.toml") == [
        'masseter.toml: id: "trapezius-upper" does not match the file name "masseter.toml"'
    ]


def test_a_trigger_point_without_an_essential_zone_is_reported() -> None:
    text = EXAMPLE.replace('essential = ["neck-side", "neck-back-lower"]', "essential = []")
    assert problems_of(text) == [
        "trapezius-upper.toml: trigger_points[1].essential: a trigger point needs at least one essential zone"
    ]


def test_a_trigger_point_missing_the_essential_field_is_reported() -> None:
    text = EXAMPLE.replace('essential = ["neck-side", "neck-back-lower"]\n', "")
    assert problems_of(text) == ["trapezius-upper.toml: trigger_points[1]: Object missing required field `essential`"]


def test_a_muscle_without_a_source_is_reported() -> None:
    head = EXAMPLE.split("[[sources]]")[0]
    head = re.sub(r"\[\[evidence\]\].*", "", head, flags=re.DOTALL)
    assert problems_of("sources = []\n" + head) == ["trapezius-upper.toml: sources: a muscle needs at least one source"]


def test_evidence_citing_a_missing_source_key_is_reported() -> None:
    text = EXAMPLE.replace('sources = ["fdlp-2007"]', 'sources = ["nobody-2020"]')
    assert problems_of(text) == [
        'trapezius-upper.toml: evidence[0].sources[0]: "nobody-2020" is not a key of this file\'s sources'
    ]


def test_a_malformed_file_is_reported_as_invalid_toml() -> None:
    [problem] = problems_of(EXAMPLE.replace('name = "Upper trapezius"', 'name = "Upper trapezius'))
    assert problem.startswith("trapezius-upper.toml: not valid TOML: ")


def test_a_wrongly_typed_field_is_reported_with_its_path() -> None:
    text = EXAMPLE.replace('region = "shoulder-top"', "region = 7", 1)
    assert problems_of(text) == ["trapezius-upper.toml: trigger_points[0].region: Expected `str`, got `int`"]


def test_an_unknown_field_is_reported_rather_than_ignored() -> None:
    text = EXAMPLE.replace('group = "head-neck"', 'group = "head-neck"\ncolour = "red"')
    [problem] = problems_of(text)
    assert problem.startswith("trapezius-upper.toml: ") and "colour" in problem


def test_an_unknown_technique_and_a_home_technique_listed_for_the_clinic_are_reported() -> None:
    text = EXAMPLE.replace('code = "massage"', 'code = "cupping"').replace(
        'code = "myofascial-release"', 'code = "heat"'
    )
    assert problems_of(text) == [
        'trapezius-upper.toml: techniques[1].code: unknown technique "cupping" (not in techniques.csv)',
        'trapezius-upper.toml: techniques[3].code: "heat" is a home technique: list it under self_care',
    ]


def test_self_care_marked_avoid_needs_a_reason_and_other_self_care_a_dose() -> None:
    text = EXAMPLE.replace('dose = "Hold 30 seconds, 3 times, twice a day"\n', "").replace(
        'level = "caution"\ncaution = "Keep the ball on the muscle: '
        'stay off the front of the neck and the collarbone."',
        'level = "avoid"',
    )
    assert problems_of(text) == [
        "trapezius-upper.toml: self_care[0].dose: say how much and how often",
        'trapezius-upper.toml: self_care[1].caution: self-care marked "avoid" needs a caution saying why',
    ]


def test_a_region_listed_twice_in_one_pattern_and_a_bad_prefix_are_reported() -> None:
    text = EXAMPLE.replace('spillover = ["occiput", "jaw", "eye", "ear"]', 'spillover = ["temple", "sideways:jaw"]')
    assert problems_of(text) == [
        'trapezius-upper.toml: trigger_points[0].spillover[0]: region "temple" is listed twice',
        'trapezius-upper.toml: trigger_points[0].spillover[1]: unknown prefix "sideways:" (use both: or opposite:)',
    ]


def test_laterality_prefixes_are_read() -> None:
    text = EXAMPLE.replace(
        'spillover = ["occiput", "jaw", "eye", "ear"]', 'spillover = ["both:forehead", "opposite:jaw"]'
    )
    muscle, problems = parse_muscle("trapezius-upper.toml", text)
    assert problems == [] and muscle is not None
    zones = {z.region: z.laterality for z in muscle.trigger_points[0].spillover}
    assert zones == {"forehead": "both", "jaw": "opposite"}


def test_a_folder_missing_muscles_names_them_and_all_file_problems_are_collected(tmp_path: Path) -> None:
    (tmp_path / "trapezius-upper.toml").write_text(EXAMPLE, encoding="utf-8")
    with pytest.raises(AtlasError) as caught:
        load_dir(tmp_path)
    [problem] = caught.value.problems
    assert problem.startswith(f"atlas: no file for {len(vocab.muscles()) - 1} muscle(s): temporalis, masseter")

    (tmp_path / "masseter.toml").write_text("id = 'masseter'", encoding="utf-8")
    (tmp_path / "temporalis.toml").write_bytes(b"\xff\xfe")
    with pytest.raises(AtlasError) as caught:
        load_dir(tmp_path)
    assert caught.value.problems == [
        "masseter.toml: (top level): Object missing required field `name`",
        "temporalis.toml: not UTF-8 text",
    ]


def test_each_file_is_plain_toml_a_clinician_can_read() -> None:
    for path in default_dir().glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert data["id"] == path.stem
