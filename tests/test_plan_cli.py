"""`knotwork plan` from the command line: JSON and readable modes, calendar and handout files, bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

from icalendar import Calendar
from pypdf import PdfReader

from tests.cli_runner import knotwork

CASE = {
    "id": "charlie",
    "age": 39,
    "sex": "X",
    "pain": [
        {"region": "temple", "side": "left", "intensity": 8},
        {"region": "neck-side", "side": "left", "intensity": 5},
    ],
    "screening": {"anticoagulants": True},
}


def case_file(tmp_path: Path, case: dict[str, object] = CASE) -> str:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    return str(path)


def test_json_mode_prints_the_plan_document(tmp_path: Path) -> None:
    result = knotwork("plan", case_file(tmp_path), "--start", "2025-03-24", "--json", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["severity"] == "severe" and doc["id"] == "charlie"
    assert doc["sessions"][0]["date"] == "2025-03-24"
    assert [s["date"] for s in doc["sessions"][:3]] == ["2025-03-24", "2025-03-26", "2025-03-28"]
    assert all(t["technique"] != "dry-needling" for s in doc["sessions"] for t in s["techniques"])
    assert doc["reviews"] and doc["home_programme"]


def test_readable_mode_puts_safety_first_then_the_schedule_and_the_home_programme(tmp_path: Path) -> None:
    result = knotwork("plan", "-", "--start", "2025-03-24", stdin=json.dumps(CASE), tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("1. SAFETY") < out.index("2. SEVERITY: SEVERE") < out.index("3. SCHEDULE")
    assert out.index("3. SCHEDULE") < out.index("4. REVIEWS") < out.index("5. IN EACH SESSION")
    assert out.index("5. IN EACH SESSION") < out.index("6. HOME PROGRAMME")
    assert "Mon 24 Mar 2025  10:00" in out and "REVIEW 1" in out
    assert "left out (precaution): Dry needling: Takes anticoagulants" in out


def test_the_calendar_and_handout_files_are_written(tmp_path: Path) -> None:
    ics, pdf, html = tmp_path / "plan.ics", tmp_path / "plan.pdf", tmp_path / "plan.html"
    result = knotwork(
        "plan", case_file(tmp_path), "--start", "2025-10-20", "--severity", "moderate", "--reason",
        "Pain is easing already", "--ics", str(ics), "--pdf", str(pdf), "--html", str(html), "--json", tmp=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["severity"] == "moderate" and doc["severity_basis"]["override_reason"] == "Pain is easing already"
    assert f"wrote {ics}" in result.stderr and f"wrote {pdf}" in result.stderr
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert [e.decoded("dtstart").date().isoformat() for e in events] == [s["date"] for s in doc["sessions"]]
    assert [e.decoded("dtstart").utcoffset().total_seconds() for e in events[:2]] == [3600, 0]  # 20 and 27 October
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "Monday 20 October 2025" in text and "Temporalis (left side)" in text
    assert "<svg" in html.read_text()


def test_the_therapist_can_choose_muscles_days_time_and_techniques(tmp_path: Path) -> None:
    outcomes = tmp_path / "pain.csv"
    outcomes.write_text("date,pain\n2025-04-04,4\n")
    result = knotwork(
        "plan", case_file(tmp_path), "--start", "2025-03-24", "--json", "--muscles", "temporalis:left",
        "--days", "tue,thu", "--time", "14:30", "--remove", "massage", "--reason", "Prefers gentle work",
        "--outcomes", str(outcomes), "--closed", "2025-03-27", tmp=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    target = doc["targets"][0]
    assert (target["muscle"], target["side"], target["chosen_by"]) == ("temporalis", "left", "therapist")
    assert doc["sessions"][0]["start"] == "2025-03-25T14:30:00+00:00"
    assert all(s["start"][11:16] == "14:30" for s in doc["sessions"])
    assert {s["date"] for s in doc["sessions"]}.isdisjoint({"2025-03-27"})  # closed that day
    assert doc["sessions"][1]["date"] == "2025-04-01"
    assert not any(t["technique"] == "massage" for t in doc["sessions"][0]["techniques"])
    assert doc["overrides"][0]["reason"] == "Prefers gentle work"
    assert doc["outcomes"] == [{"date": "2025-04-04", "pain": 4.0}]


def test_invalid_data_exits_with_1_naming_the_field(tmp_path: Path) -> None:
    bad = {**CASE, "pain": [{"region": "tempel", "side": "left", "intensity": 8}]}
    result = knotwork("plan", case_file(tmp_path, bad), tmp=tmp_path)
    assert result.returncode == 1
    assert 'pain[0].region: unknown region code "tempel"' in result.stderr
    log = tmp_path / "pain.csv"
    log.write_text("date,pain\n2025-04-04,14\n")
    result = knotwork("plan", case_file(tmp_path), "--outcomes", str(log), tmp=tmp_path)
    assert result.returncode == 1
    assert f"{log}: line 2: pain: 14.0 is outside 0-10" in result.stderr


def test_usage_errors_exit_with_2_naming_the_option(tmp_path: Path) -> None:
    path = case_file(tmp_path)
    cases = [
        (["--start", "24/03/2025"], "--start: '24/03/2025' is not a date YYYY-MM-DD"),
        (["--muscles", "trapezius-uper"], '--muscles: muscles[0]: unknown muscle id "trapezius-uper"'),
        (["--add", "dry-needling"], "--add and --remove need --reason"),
        (["--add", "dry-needling", "--reason", "x"], "Dry needling is to be avoided (Takes anticoagulants"),
        (["--days", "mon,funday"], "--days: 'mon,funday'"),
        (["--severity", "extreme"], "invalid choice: 'extreme'"),
    ]
    for args, message in cases:
        result = knotwork("plan", path, *args, tmp=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
    missing = knotwork("plan", str(tmp_path / "nope.json"), tmp=tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_overruling_a_precaution_from_the_command_line_is_recorded(tmp_path: Path) -> None:
    result = knotwork(
        "plan", case_file(tmp_path), "--json", "--muscles", "temporalis", "--add", "dry-needling",
        "--reason", "Anticoagulant stopped by her GP last month", "--overrule-precaution", tmp=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    needling = [t for t in json.loads(result.stdout)["treatment"][0]["techniques"] if t["technique"] == "dry-needling"]
    assert needling[0]["overruled_precaution"].startswith("Takes anticoagulants")


def test_a_severity_change_without_a_reason_is_recorded_as_such_with_a_warning(tmp_path: Path) -> None:
    result = knotwork("plan", case_file(tmp_path), "--json", "--severity", "mild", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "without --reason" in result.stderr
    assert json.loads(result.stdout)["severity_basis"]["override_reason"].startswith("no reason given")


def test_an_emergency_plans_no_sessions_and_says_refer_first(tmp_path: Path) -> None:
    case = {**CASE, "screening": {"sudden-severe-headache": True}}
    ics = tmp_path / "plan.ics"
    result = knotwork("plan", case_file(tmp_path, case), "--json", "--ics", str(ics), tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["status"] == "refer-first" and doc["sessions"] == [] and doc["referral"]["urgency"] == "emergency"
    assert "refer first" in result.stderr
    assert Calendar.from_ical(ics.read_bytes()).walk("VEVENT") == []
    readable = knotwork("plan", case_file(tmp_path, case), tmp=tmp_path)
    assert "No sessions and no home programme until a doctor has seen the client." in readable.stdout
