"""`knotwork atlas ...` from the command line, as a user runs it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from knotwork import vocab
from knotwork.cli import main
from tests.cli_runner import knotwork

SVG = "{http://www.w3.org/2000/svg}"


def test_atlas_list_prints_one_line_per_muscle(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["atlas", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(vocab.muscles())


def test_atlas_show_prints_a_readable_page_for_an_id_a_name_or_a_synonym(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["atlas", "show", "trapezius-upper"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("UPPER TRAPEZIUS\n")
    for heading in ("TRIGGER POINTS", "Essential zone:", "COMMONLY MIMICS", "SELF-CARE AT HOME", "SOURCES"):
        assert heading in out
    assert "temple" in out
    assert main(["atlas", "show", "SCM"]) == 0
    assert capsys.readouterr().out.startswith("STERNOCLEIDOMASTOID\n")
    assert main(["atlas", "show", "Levator Scapulae"]) == 0
    assert capsys.readouterr().out.startswith("LEVATOR SCAPULAE\n")


def test_an_unknown_muscle_is_a_clear_error_with_exit_status_2() -> None:
    result = knotwork("atlas", "show", "trapezoid")
    assert result.returncode == 2
    assert result.stdout == ""
    assert 'unknown muscle "trapezoid"' in result.stderr and "knotwork atlas list" in result.stderr
    assert knotwork("atlas", "svg", "trapezoid", "-o", "-").returncode == 2


def test_atlas_export_json_is_the_whole_atlas_in_the_documented_shape() -> None:
    result = knotwork("atlas", "export", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    muscles = doc["muscles"]
    assert [m["id"] for m in muscles] == list(vocab.muscles())
    regions = vocab.regions()
    for m in muscles:
        assert {"id", "name", "trigger_points", "sources", "self_care", "techniques", "mimics"} <= set(m)
        assert m["sources"] and all(s["citation"] for s in m["sources"])
        for tp in m["trigger_points"]:
            assert tp["id"].startswith(m["id"] + ".")
            assert tp["location"]
            assert tp["referral"]["essential"], tp["id"]
            assert set(tp["referral"]["essential"] + tp["referral"]["spillover"]) <= set(regions)
    upper = muscles[[m["id"] for m in muscles].index("trapezius-upper")]
    assert "temple" in upper["trigger_points"][0]["referral"]["essential"]


def test_atlas_svg_writes_the_referral_picture(tmp_path: Path) -> None:
    out = tmp_path / "trap.svg"
    result = knotwork("atlas", "svg", "trapezius-upper", "-o", str(out))
    assert result.returncode == 0, result.stderr
    root = ET.parse(out).getroot()
    assert root.tag == f"{SVG}svg"
    shaded = {
        (p.get("data-region"), p.get("data-side")): p.get("class", "")
        for p in root.iter(f"{SVG}path")
        if p.get("data-region")
    }
    assert "essential" in shaded[("temple", "right")]
    assert "spillover" in shaded[("jaw", "right")]
    assert "essential" not in shaded[("temple", "left")] and "spillover" not in shaded[("temple", "left")]
    assert any("marker" in (el.get("class") or "") for el in root.iter())


def test_atlas_svg_can_draw_the_left_side_to_stdout() -> None:
    result = knotwork("atlas", "svg", "infraspinatus", "--side", "left", "-o", "-")
    assert result.returncode == 0
    root = ET.fromstring(result.stdout)
    left = [p for p in root.iter(f"{SVG}path") if p.get("data-side") == "left" and "essential" in p.get("class", "")]
    right = [p for p in root.iter(f"{SVG}path") if p.get("data-side") == "right" and "essential" in p.get("class", "")]
    assert left and not right


def test_atlas_check_accepts_the_packaged_atlas_and_names_problems_in_a_file(tmp_path: Path) -> None:
    ok = knotwork("atlas", "check")
    assert ok.returncode == 0 and ok.stdout.startswith(f"ok: {len(vocab.muscles())} muscles")
    bad = tmp_path / "masseter.toml"
    bad.write_text('id = "masseter"\nname = "Masseter"\n', encoding="utf-8")
    result = knotwork("atlas", "check", str(bad))
    assert result.returncode == 1
    assert "masseter.toml: (top level): Object missing required field `group`" in result.stderr
