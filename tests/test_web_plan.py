"""Treatment plans in the web app: from an assessment to a plan, adjusted, printed, in a calendar."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import icalendar
from django.test import Client
from pypdf import PdfReader

PRESENTATION = {
    "pain": [
        {"region": "temple", "side": "right", "intensity": 7},
        {"region": "neck-side", "side": "right", "intensity": 5},
    ],
    "screening": {"anticoagulants": True, "reduced-sensation": True},
}
START = (datetime.now(ZoneInfo("Europe/London")).date() + timedelta(days=7)).isoformat()


def post(client: Client, url: str, **fields: object) -> object:
    data = {"presentation": json.dumps(PRESENTATION), "start": START, **fields}
    return client.post(url, data)


def test_the_assessment_offers_a_plan_unless_a_doctor_comes_first(client: Client) -> None:
    html = client.get("/where/", {"r": ["temple:right", "neck-side:right"]}).content.decode()
    assert "Make a treatment plan" in html and 'form="plan-form"' in html
    html = client.post("/where/", {"r": ["low-back:right"], "s-saddle-numbness": "yes"}).content.decode()
    assert "Make a treatment plan" not in html


def test_the_plan_page_shows_sessions_precautions_and_the_home_programme(client: Client) -> None:
    response = post(client, "/plan/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Severe pain" in html and "Worst pain 7/10" in html
    assert html.count("<tr><td>") + html.count('<tr class="review-row">') >= 10
    assert "Dry needling" not in html.split("In the sessions")[1].split("Home programme")[0]  # anticoagulants: avoid
    assert "Left out for safety" in html and "heat can burn" in html  # reduced sensation: no heat
    assert "Upper trapezius" in html


def test_changing_the_severity_needs_a_reason_and_is_recorded(client: Client) -> None:
    html = post(client, "/plan/", severity="mild").content.decode()
    assert "severity_reason: required when changing the severity from severe to mild" in html
    html = post(client, "/plan/", severity="mild", severity_reason="pain settling quickly").content.decode()
    assert "Mild pain" in html and "Changed by the therapist: pain settling quickly" in html


def test_leaving_out_a_technique_needs_a_reason_and_removes_it_from_every_session(client: Client) -> None:
    html = post(client, "/plan/", remove="stretching").content.decode()
    assert "removal_reason: say why" in html
    html = post(client, "/plan/", remove="stretching", removal_reason="client prefers not").content.decode()
    sessions = html.split("In the sessions")[1].split("Home programme")[0]
    assert "<strong>Stretching</strong>" not in sessions
    assert "remove stretching (client prefers not)" in html


def test_bad_choices_are_named_and_the_page_still_answers(client: Client) -> None:
    html = post(client, "/plan/", start="next week", muscles_chosen="1", muscle="trapezius-uper").content.decode()
    assert "start: &quot;next week&quot; is not a date (YYYY-MM-DD)" in html
    assert client.post("/plan/", {"presentation": "{oops"}).status_code == 200
    assert (
        "presentation: missing or not valid JSON" in client.post("/plan/", {"presentation": "{oops"}).content.decode()
    )
    assert client.get("/plan/").status_code == 405


def test_the_handout_prints_as_html_and_pdf_with_the_schedule(client: Client) -> None:
    html = post(client, "/plan/handout/").content.decode()
    assert "<svg" in html and "@media print" in html
    pdf = post(client, "/plan/handout.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "Upper trapezius" in text


def test_the_sessions_download_as_a_calendar_with_the_right_times(client: Client) -> None:
    response = post(client, "/plan/sessions.ics")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) >= 10
    first = events[0].decoded("DTSTART")
    assert first.hour == 10 and str(first.tzinfo) in ("Europe/London", "GMT", "BST")
    assert response["Content-Disposition"].startswith("attachment")


def test_an_invalid_plan_request_for_a_file_answers_422_with_the_reasons(client: Client) -> None:
    response = post(client, "/plan/handout.pdf", start="someday")
    assert response.status_code == 422
    assert "start: &quot;someday&quot; is not a date" in response.content.decode()
