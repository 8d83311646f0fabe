"""`knotwork assess` from the command line: JSON and readable modes, batches, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from knotwork import vocab
from tests.cli_runner import knotwork

CASE = {
    "id": "case-7",
    "age": 47,
    "sex": "F",
    "pain": [
        {"region": "temple", "side": "right", "intensity": 6},
        {"region": "neck-side", "side": "right", "intensity": 4},
    ],
    "screening": {"anticoagulants": True},
    "history": "Headaches for three months since starting a new desk job.",
}


def test_json_mode_prints_the_assessment_document_of_the_contract(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE))
    result = knotwork("assess", str(path), "--json", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["id"] == "case-7"
    assert doc["referral"] == {"urgency": "none", "reasons": []}
    assert {"technique": "dry-needling", "level": "avoid"}.items() <= doc["precautions"][0].items()
    candidates = doc["candidates"]
    assert len(candidates) >= 10
    assert candidates[0]["muscle"] == "trapezius-upper" and candidates[0]["side"] == "right"
    assert all(c["muscle"] in vocab.muscles() and 0 <= c["score"] <= 1 and c["explanation"] for c in candidates)
    assert (tmp_path / "cache").is_dir()  # the compiled atlas was cached for the next start


def test_readable_mode_puts_red_flags_first_then_precautions_then_the_table(tmp_path: Path) -> None:
    case = {**CASE, "screening": {"anticoagulants": True, "chest-pain-exertion": True}}
    result = knotwork("assess", "-", stdin=json.dumps(case), tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("1. SAFETY SCREEN") < out.index("EMERGENCY") < out.index("2. PRECAUTIONS")
    assert out.index("AVOID   Dry needling") < out.index("3. MUSCLES TO EXAMINE") < out.index("Upper trapezius")


def test_a_jsonl_file_is_answered_line_by_line_in_order(tmp_path: Path) -> None:
    lines = []
    for i, region in enumerate(["heel", "temple", "elbow-outer"]):
        lines.append(json.dumps({"id": f"c{i}", "pain": [{"region": region, "side": "left"}]}))
    lines.insert(2, '{"id": "bad", "pain": [{"region": "tempel", "side": "left"}]}')
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n")
    result = knotwork("assess", str(batch), "--json", tmp=tmp_path)
    assert result.returncode == 1  # one line was invalid
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["c0", "c1", None, "c2"]
    assert out[2] == {"error": {"line": 3, "problems": ['pain[0].region: unknown region code "tempel"']}}
    assert 'line 3: pain[0].region: unknown region code "tempel"' in result.stderr
    assert out[0]["candidates"][0]["side"] == "left"


def test_standard_input_can_be_a_batch_too(tmp_path: Path) -> None:
    stdin = "\n".join(json.dumps({"pain": [{"region": "calf", "side": "right"}]}) for _ in range(3))
    result = knotwork("assess", "-", "--jsonl", "--json", stdin=stdin, tmp=tmp_path)
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 3


def test_bad_input_names_the_field_and_exits_with_status_1(tmp_path: Path) -> None:
    bad = {"pain": [{"region": "calf", "side": "left", "intensity": 14}], "screening": {"pregnat": True}}
    result = knotwork("assess", "-", "--json", stdin=json.dumps(bad), tmp=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert "-: pain[0].intensity: 14 is outside 0-10" in result.stderr
    assert '-: screening.pregnat: unknown screening code "pregnat"' in result.stderr


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = knotwork("assess", str(tmp_path / "nope.json"), tmp=tmp_path)
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_the_assess_path_imports_no_django_and_no_atlas_loader(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE))
    knotwork("assess", str(path), tmp=tmp_path)  # warm the cache
    code = (
        "import sys; from knotwork.cli import main; main(['assess', sys.argv[1]]); "
        "bad = [m for m in sys.modules if m.startswith(('django', 'msgspec', 'knotwork.atlas.load', 'tomllib'))]; "
        "sys.stderr.write(repr(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "KNOTWORK_CACHE": str(tmp_path / "cache")},
    )
    assert result.stderr == "[]"


def test_the_batch_reads_each_line_exactly_as_the_one_case_reader_does() -> None:
    """The batch parses JSON with msgspec; whatever it accepts must give what ``read`` gives, and
    what it refuses goes to ``read`` (the same presentation, or the same error)."""
    import json

    from knotwork.assess import PresentationError, read
    from knotwork.assess.batch import decode

    bench = Path(__file__).resolve().parent.parent / "bench"
    lines = [
        json.dumps(json.loads(line)["presentation"])
        for path in sorted(bench.glob("cases-*.jsonl"))
        for line in path.read_text().splitlines()
        if line.strip()
    ]
    odd = [
        '{"pain": [{"region": "temple", "side": "right", "intensity": NaN}]}',
        '{"pain": [], "age": 40, "age": 41}',
        '{"pain": [], "age": 123456789012345678901234567890}',
        '{"pain": [], "history": "\\ud800 alone"}',
        '{"pain": [{"region": "temple", "side": "right", "intensity": 7.0}], "history": "Kelvin \\u212a"}',
        '{"pain": [',
        "[1, 2]",
        "",
    ]
    for line in lines + odd:
        try:
            expected: object = read(line)
        except PresentationError as exc:
            expected = exc.problems
        try:
            got: object = decode(line)
        except PresentationError as exc:
            got = exc.problems
        assert got == expected, line
