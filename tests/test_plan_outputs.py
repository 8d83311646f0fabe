"""The plan's outputs: the JSON document, the iCalendar file read back, the handout as HTML and as PDF."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from knotwork.assess import from_data
from knotwork.plan import Outcome, Plan, handout_html, handout_pdf, make_plan, plan_document, plan_ics

CASE = {
    "id": "bob",
    "age": 52,
    "sex": "M",
    "pain": [
        {"region": "temple", "side": "right", "intensity": 6},
        {"region": "neck-side", "side": "right", "intensity": 4},
    ],
    "screening": {"anticoagulants": True, "reduced-sensation": True},
}
STAMP = datetime(2025, 10, 1, 8, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def autumn_plan() -> Plan:
    # Weekly from Monday 13 October 2025: the clocks go back on Sunday 26 October.
    return make_plan(from_data(CASE), start=date(2025, 10, 13), muscles=["trapezius-upper", "temporalis"])


def test_the_json_document_has_the_keys_of_issue_4_and_round_trips(autumn_plan: Plan) -> None:
    doc = json.loads(json.dumps(plan_document(autumn_plan)))
    assert list(doc)[:4] == ["severity", "sessions", "reviews", "home_programme"]
    assert doc["severity"] == "moderate" and doc["id"] == "bob"
    first = doc["sessions"][0]
    assert first["date"] == "2025-10-13" and first["focus"] == ["trapezius-upper", "temporalis"]
    assert first["start"] == "2025-10-13T10:00:00+01:00"
    assert doc["sessions"][2]["start"] == "2025-10-27T10:00:00+00:00"
    assert {t["technique"] for t in first["techniques"]} >= {"manual-pressure-release", "stretching"}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", s["date"]) for s in doc["sessions"])
    review = doc["reviews"][0]
    assert review["after_session"] == 4 and review["status"] == "due"
    assert {m["code"] for m in review["measure"]} == {"pain-nrs", "psfs", "ndi", "hit-6", "ppt"}
    assert doc["schedule"] == {
        "start": "2025-10-13",
        "time": "10:00",
        "timezone": "Europe/London",
        "session_minutes": 60,
        "working_days": ["mon", "tue", "wed", "thu", "fri"],
        "closed": [],
        "bank_holidays": "england-and-wales",
        "ends_with": "maintenance",
    }
    assert doc["maintenance"]["suggestion"].startswith("Keep up the home programme")
    home = doc["home_programme"]
    assert {h["technique"] for h in home} == {
        "stretching",
        "ball-self-pressure",
        "strengthening",
        "hydration-nutrition",
    }
    assert all(h["dose"] and h["instructions"] for h in home)
    assert {lo["technique"] for lo in doc["home_left_out"]} == {"heat"}
    codes = {r["code"] for r in doc["rules"]}
    assert {"severity", "frequency", "precautions", "hydration-nutrition"} <= codes
    cited = {k for r in doc["rules"] for k in r["sources"]}
    assert cited <= set(doc["sources"]) and "farrar-2001" in doc["sources"] and "sherman-2014" in doc["sources"]


def test_the_calendar_reads_back_with_the_right_times_across_the_clock_change(autumn_plan: Plan) -> None:
    cal = Calendar.from_ical(plan_ics(autumn_plan, stamp=STAMP))
    assert [tz.tz_name for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    events = cal.walk("VEVENT")
    assert len(events) == len(autumn_plan.sessions)
    starts = [e.decoded("dtstart") for e in events]
    assert [s.date() for s in starts] == [s.date for s in autumn_plan.sessions]
    assert all((s.hour, s.minute) == (10, 0) and str(s.tzinfo) == "Europe/London" for s in starts)
    utc = [s.astimezone(UTC) for s in starts[:4]]
    assert [(u.date(), u.hour) for u in utc] == [
        (date(2025, 10, 13), 9),
        (date(2025, 10, 20), 9),
        (date(2025, 10, 27), 10),
        (date(2025, 11, 3), 10),
    ]
    assert all(e.decoded("dtend") - e.decoded("dtstart") == timedelta(minutes=60) for e in events)
    # The times survive a calendar that reads the VTIMEZONE rather than its own zone database.
    raw = plan_ics(autumn_plan, stamp=STAMP).decode()
    assert "DTSTART;TZID=Europe/London:20251027T100000" in raw
    assert "BEGIN:DAYLIGHT" in raw and "TZOFFSETTO:+0100" in raw


def test_calendar_uids_are_unique_and_stable_and_provisional_sessions_tentative(autumn_plan: Plan) -> None:
    first = Calendar.from_ical(plan_ics(autumn_plan, stamp=STAMP)).walk("VEVENT")
    again = make_plan(from_data(CASE), start=date(2025, 10, 13), muscles=["trapezius-upper", "temporalis"])
    second = Calendar.from_ical(plan_ics(again, stamp=STAMP)).walk("VEVENT")
    uids = [str(e["uid"]) for e in first]
    assert len(set(uids)) == len(uids) and uids == [str(e["uid"]) for e in second]
    assert plan_ics(autumn_plan, stamp=STAMP) == plan_ics(again, stamp=STAMP)
    statuses = [str(e["status"]) for e, s in zip(first, autumn_plan.sessions, strict=True) if s.provisional]
    assert statuses and set(statuses) == {"TENTATIVE"}
    assert str(first[0]["status"]) == "CONFIRMED"
    assert all("Treatment session" in str(e["summary"]) or "treatment session" in str(e["summary"]) for e in first)
    other = make_plan(from_data(CASE), start=date(2025, 11, 3))
    assert not set(uids) & {str(e["uid"]) for e in Calendar.from_ical(plan_ics(other)).walk("VEVENT")}


def test_a_spring_course_reads_back_in_summer_time() -> None:
    plan = make_plan(from_data(CASE), start=date(2025, 3, 24), severity="severe", severity_reason="test")
    events = Calendar.from_ical(plan_ics(plan)).walk("VEVENT")
    for e, s in zip(events, plan.sessions, strict=True):
        start = e.decoded("dtstart")
        assert start == s.start and start.astimezone(ZoneInfo("UTC")).hour == (9 if s.date >= date(2025, 3, 30) else 10)


def test_a_refer_first_plan_has_an_empty_calendar() -> None:
    plan = make_plan(from_data({**CASE, "screening": {"chest-pain-exertion": True}}), start=date(2025, 3, 24))
    cal = Calendar.from_ical(plan_ics(plan))
    assert cal.walk("VEVENT") == [] and str(cal["version"]) == "2.0"


def test_the_handout_is_standalone_html_with_each_muscle_picture_inline(autumn_plan: Plan) -> None:
    html = handout_html(autumn_plan)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert "@media print" in html and "@page" in html
    assert html.count("<svg") == len(autumn_plan.targets) == 2
    assert not re.search(r"<(link|script|img)\b", html)  # nothing fetched from elsewhere
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # two pictures on one page must not share ids
    for text in ("Monday 13 October 2025", "Monday 27 October 2025", "Upper trapezius (right side)",
                 "Takes anticoagulants: light pressure only", "Not for you at the moment", "Drinking and eating",
                 "Call 999"):  # fmt: skip
        assert text in html, text
    assert "Warmth across the neck and shoulder" not in html.split("Not for you at the moment")[0]


def test_the_pdf_renders_and_its_text_has_the_schedule_and_the_home_programme(autumn_plan: Plan) -> None:
    pdf = handout_pdf(autumn_plan)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert len(reader.pages) >= 2
    for expected in (
        "Your treatment plan and home programme",
        "Monday 13 October 2025",
        "10:00",
        "Upper trapezius (right side)",
        "Temporalis (right side)",
        "Hold 30 seconds, 3 times, twice a day",
        "Ball against a wall",
        "Takes anticoagulants: light pressure only",
        "Reduced feeling in the skin",
        "Your pain diary",
    ):
        assert expected in text, expected
    assert reader.metadata is not None and "treatment plan" in (reader.metadata.title or "")


def test_a_refer_first_handout_says_see_a_doctor_and_offers_no_exercises() -> None:
    plan = make_plan(
        from_data({**CASE, "age": 60, "screening": {"unexplained-weight-loss": True}}), start=date(2025, 3, 24)
    )
    html = handout_html(plan)
    assert "Please see a doctor first" in html and "within the next few days" in html
    assert "Your home programme" not in html and "<svg" not in html
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(handout_pdf(plan))).pages)
    assert "Please see a doctor first" in text


def test_logged_outcomes_appear_in_the_document(autumn_plan: Plan) -> None:
    review = autumn_plan.reviews[0]
    plan = make_plan(
        from_data(CASE),
        start=date(2025, 10, 13),
        muscles=["trapezius-upper", "temporalis"],
        outcomes=[Outcome(review.date, 3, "much better")],
    )
    doc = plan_document(plan)
    assert doc["outcomes"] == [{"date": review.date.isoformat(), "pain": 3, "note": "much better"}]
    assert doc["reviews"][0]["verdict"] == "improved" and doc["reviews"][0]["readings"][0]["pain"] == 3
    assert {"improvement", "no-improvement"} <= {r["code"] for r in doc["rules"]}
