"""The public JSON API v1, through Django's test client on PostgreSQL: the paths and keys of
issue 5, 201/409/422, Idempotency-Key, cancel with the token, OpenAPI, /readyz."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from knotwork.clinic.models import Appointment, AppointmentStatus
from knotwork.clinic.testing import SmallClinic, small_clinic

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def small(settings: Any) -> SmallClinic:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return small_clinic()


def next_monday(weeks: int = 1) -> date:
    today = datetime.now(LONDON).date()
    return today + timedelta(days=7 * weeks - today.weekday())


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def booking(small: SmallClinic, start: str, **extra: Any) -> dict[str, Any]:
    return {
        "service": small.massage.pk,
        "therapist": small.alice.pk,
        "start": start,
        "client": {"name": "Carol Jones", "email": "carol@example.com", "phone": "07700 900001"},
        **extra,
    }


def test_services_lists_what_can_be_booked_online(client: Client, small: SmallClinic) -> None:
    response = client.get("/api/v1/services")
    assert response.status_code == 200
    massage = next(s for s in response.json() if s["id"] == small.massage.pk)
    assert {"id", "name", "duration_minutes", "price"} <= set(massage)
    assert massage["duration_minutes"] == 60 and massage["price"] == "50.00"
    assert massage["therapists"] == sorted([small.alice.pk, small.bob.pk])


def test_availability_gives_therapist_start_and_end_with_the_clinic_offset(client: Client, small: SmallClinic) -> None:
    day = next_monday()
    response = client.get(f"/api/v1/availability?service={small.massage.pk}&start={day}&end={day}")
    assert response.status_code == 200
    slots = response.json()
    assert slots and set(slots[0]) == {"therapist", "start", "end"}
    first = datetime.fromisoformat(slots[0]["start"])
    assert first.utcoffset() is not None and slots[0]["start"][-6:] in {"+00:00", "+01:00"}
    assert first.strftime("%H:%M") == "09:00"  # the wall-clock opening time
    assert {s["therapist"] for s in slots} == {small.alice.pk, small.bob.pk}
    only_bob = client.get(
        f"/api/v1/availability?service={small.massage.pk}&start={day}&end={day}&therapist={small.bob.pk}"
    ).json()
    assert only_bob and {s["therapist"] for s in only_bob} == {small.bob.pk}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("service=999999&start=2026-05-01&end=2026-05-02", "service"),
        ("service={service}&start=2026-05-03&end=2026-05-01", "end"),
        ("service={service}&start=2026-01-01&end=2026-12-31", "end"),
        ("service={service}&start=2026-13-01&end=2026-05-01", "start"),
        ("service={service}&start=2026-05-01", "end"),
        ("service={service}&start=2026-05-01&end=2026-05-01&therapist=999999", "therapist"),
    ],
)
def test_bad_availability_queries_get_422_naming_the_field(
    client: Client, small: SmallClinic, query: str, field: str
) -> None:
    response = client.get("/api/v1/availability?" + query.format(service=small.massage.pk))
    assert response.status_code == 422
    assert field in [error["loc"][-1] for error in response.json()["detail"]]


def test_booking_answers_201_with_the_appointment_and_its_cancel_link(client: Client, small: SmallClinic) -> None:
    day = next_monday()
    slot = client.get(f"/api/v1/availability?service={small.massage.pk}&start={day}&end={day}").json()[4]
    response = post(client, "/api/v1/appointments", booking(small, slot["start"], therapist=slot["therapist"]))
    assert response.status_code == 201
    body = response.json()
    assert body["start"] == slot["start"] and body["end"] == slot["end"] and body["status"] == "booked"
    assert body["cancel_url"].startswith("http://testserver/book/appointment/") and body["cancel_token"]
    assert client.get(body["cancel_url"]).status_code == 200
    # The slot is no longer offered.
    again = client.get(f"/api/v1/availability?service={small.massage.pk}&start={day}&end={day}").json()
    assert slot not in again


def test_a_taken_slot_answers_409_with_the_nearest_free_slots(client: Client, small: SmallClinic) -> None:
    day = next_monday()
    slots = client.get(f"/api/v1/availability?service={small.massage.pk}&start={day}&end={day}").json()
    ten = next(s for s in slots if s["therapist"] == small.alice.pk and "T10:00:00" in s["start"])
    assert post(client, "/api/v1/appointments", booking(small, ten["start"])).status_code == 201
    response = post(client, "/api/v1/appointments", booking(small, ten["start"]))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_unavailable" and body["nearest"]
    assert all(set(s) == {"therapist", "start", "end"} for s in body["nearest"])
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": "2026-05-04T10:00:00"}, "start"),  # no offset
        ({"start": "tomorrow"}, "start"),
        ({"client": {"name": "C", "email": "not-an-email"}}, "email"),
        ({"client": {"name": "", "email": "c@example.com"}}, "name"),
        ({"client": {"email": "c@example.com"}}, "name"),
        ({"service": 999999}, "service"),
        ({"therapist": 999999}, "therapist"),
        ({"buffer_after_minutes": 0}, "buffer_after_minutes"),  # buffers are never taken from the client
    ],
)
def test_bad_bookings_get_422_naming_the_field(
    client: Client, small: SmallClinic, change: dict[str, Any], field: str
) -> None:
    body = {**booking(small, f"{next_monday()}T10:00:00+00:00"), **change}
    response = post(client, "/api/v1/appointments", body)
    assert response.status_code == 422, response.content
    assert field in [error["loc"][-1] for error in response.json()["detail"]]
    assert Appointment.objects.count() == 0


def test_a_repeated_request_with_an_idempotency_key_returns_the_first_result(
    client: Client, small: SmallClinic
) -> None:
    day = next_monday()
    slot = client.get(f"/api/v1/availability?service={small.massage.pk}&start={day}&end={day}").json()[0]
    body = booking(small, slot["start"], therapist=slot["therapist"])
    first = post(client, "/api/v1/appointments", body, **{"Idempotency-Key": "abc-123"})
    second = post(client, "/api/v1/appointments", body, **{"Idempotency-Key": "abc-123"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second["Idempotent-Replayed"] == "true"
    assert Appointment.objects.count() == 1
    other = post(client, "/api/v1/appointments", {**body, "notes": "changed"}, **{"Idempotency-Key": "abc-123"})
    assert other.status_code == 422 and other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]


def test_cancel_needs_the_token_and_frees_the_slot(client: Client, small: SmallClinic) -> None:
    day = next_monday(2)
    slot = client.get(f"/api/v1/availability?service={small.massage.pk}&start={day}&end={day}").json()[0]
    made = post(client, "/api/v1/appointments", booking(small, slot["start"], therapist=slot["therapist"])).json()
    wrong = post(client, f"/api/v1/appointments/{made['id']}/cancel", {"token": "guess"})
    assert wrong.status_code == 403
    assert post(client, "/api/v1/appointments/999999/cancel", {"token": made["cancel_token"]}).status_code == 403
    done = post(client, f"/api/v1/appointments/{made['id']}/cancel", {"token": made["cancel_token"]})
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert Appointment.objects.get(pk=made["id"]).status == AppointmentStatus.CANCELLED
    assert slot in client.get(f"/api/v1/availability?service={small.massage.pk}&start={day}&end={day}").json()


def test_cancelling_inside_the_policy_window_answers_409_with_the_phone_number(
    client: Client, small: SmallClinic
) -> None:
    small.clinic.cancellation_notice_hours = 72  # whatever the time of day the test runs
    small.clinic.save()
    day = datetime.now(LONDON).date() + timedelta(days=1)
    while day.weekday() == 6:
        day += timedelta(days=1)
    slots = client.get(f"/api/v1/availability?service={small.massage.pk}&start={day}&end={day}").json()
    soon = next(
        s for s in slots if datetime.fromisoformat(s["start"]) - datetime.now().astimezone() < timedelta(hours=72)
    )
    made = post(client, "/api/v1/appointments", booking(small, soon["start"], therapist=soon["therapist"])).json()
    response = post(client, f"/api/v1/appointments/{made['id']}/cancel", {"token": made["cancel_token"]})
    assert response.status_code == 409
    assert response.json()["code"] == "too_late_to_change" and response.json()["phone"] == "0117 496 0999"


def test_the_openapi_schema_describes_the_v1_paths(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/services",
        "/api/v1/availability",
        "/api/v1/appointments",
        "/api/v1/appointments/{appointment_id}/cancel",
    } <= set(schema["paths"])
    parameters = schema["paths"]["/api/v1/appointments"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in parameters)


def test_staff_endpoints_need_a_staff_login(client: Client, small: SmallClinic) -> None:
    day = next_monday()
    assert client.get(f"/api/v1/staff/appointments?start={day}&end={day}").status_code == 401
    client.force_login(small.alice.user)
    response = client.get(f"/api/v1/staff/appointments?start={day}&end={day}")
    assert response.status_code == 200 and response.json() == []


def test_readyz_checks_the_database_and_healthz_does_not(client: Client) -> None:
    assert client.get("/readyz").content == b"ok"
    assert client.get("/healthz").status_code == 200


def test_knotwork_clinic_chooses_which_clinic_the_api_serves(client: Client, small: SmallClinic, settings: Any) -> None:
    other = small_clinic(slug="other")
    first = {s["id"] for s in client.get("/api/v1/services").json()}
    settings.KNOTWORK_CLINIC = "other"
    chosen = {s["id"] for s in client.get("/api/v1/services").json()}
    assert first == {small.massage.pk, small.needling.pk}
    assert chosen == {other.massage.pk, other.needling.pk}
    day = next_monday()
    response = client.get(f"/api/v1/availability?service={small.massage.pk}&start={day}&end={day}")
    assert response.status_code == 422  # another clinic's service is not offered here


def test_every_bad_field_of_a_booking_is_named_in_one_answer(client: Client, small: SmallClinic) -> None:
    body = {"service": small.massage.pk, "start": "tomorrow", "client": {"name": "", "email": "nope"}}
    response = post(client, "/api/v1/appointments", body)
    assert response.status_code == 422
    fields = {tuple(e["loc"][1:]) for e in response.json()["detail"]}
    assert {("start",), ("client", "name"), ("client", "email")} <= fields
