"""The booking pages and the staff calendar through Django's test client (PostgreSQL):
each step of the client's flow, refusals shown as pages, the cancellation policy, and who
may see the staff pages (nobody logged out, no non-staff user, no other clinic's staff)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from knotwork.clinic import services
from knotwork.clinic.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    TimeOff,
    WaitlistEntry,
    WorkingHours,
)
from knotwork.clinic.slots import wall_to_utc
from knotwork.clinic.testing import SmallClinic, small_clinic
from knotwork.clinic.tokens import manage_path

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
CAROL = services.ClientDetails("Carol Jones", "carol@example.com", consent_to_contact=True)


@pytest.fixture
def small(settings: Any) -> SmallClinic:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return small_clinic()


def next_weekday(days: int = 3) -> date:
    day = datetime.now(LONDON).date() + timedelta(days=days)
    while day.weekday() == 6:
        day += timedelta(days=1)
    return day


def staff_book(small: SmallClinic, start: datetime, **kwargs: Any) -> Appointment:
    options: dict[str, Any] = {"therapist": small.alice, "service": small.massage, "client": CAROL}
    options.update(kwargs)
    return services.appointment_book(
        clinic=small.clinic, start=start, source=AppointmentSource.STAFF, **options
    ).appointment


def test_the_booking_flow_goes_service_therapist_day_time_details_booked(client: Client, small: SmallClinic) -> None:
    page = client.get("/book/").content.decode()
    assert "Massage (60 min)" in page and f'href="?service={small.massage.pk}"' in page
    page = client.get(f"/book/?service={small.massage.pk}").content.decode()
    assert "Anyone available" in page and "Alice" in page and "Bob" in page
    day = next_weekday()
    page = client.get(f"/book/?service={small.massage.pk}&therapist=any&day={day}").content.decode()
    assert f"Times on {day:%A} {day.day} {day:%B}" in page and ">09:00<" in page
    start = wall_to_utc(day, time(9), LONDON).isoformat()
    details = client.get("/book/details/", {"service": small.massage.pk, "therapist": "any", "start": start})
    assert details.status_code == 200 and "Your name" in details.content.decode()
    form = {
        "service": small.massage.pk,
        "therapist": "any",
        "start": start,
        "name": "Carol Jones",
        "email": "carol@example.com",
        "consent_to_contact": "on",
        "attempt": "first-try",
    }
    booked = client.post("/book/details/", form)
    assert booked.status_code == 302 and booked["Location"].endswith("?booked=1")
    again = client.post("/book/details/", form)  # a double click: the same booking
    assert again["Location"] == booked["Location"]
    appointment = Appointment.objects.get()
    assert appointment.client.consent_to_contact and appointment.source == AppointmentSource.ONLINE
    page = client.get(booked["Location"]).content.decode()
    assert "booked" in page and "Cancel this appointment" in page and "appointment.ics" in page
    ics = client.get(manage_path(appointment.pk) + "appointment.ics")
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content


def test_the_times_partial_is_what_htmx_swaps_in(client: Client, small: SmallClinic) -> None:
    day = next_weekday()
    response = client.get(f"/book/times/?service={small.massage.pk}&therapist={small.bob.pk}&day={day}")
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment and ">09:00<" in fragment


def test_a_slot_taken_meanwhile_shows_the_nearest_free_times(client: Client, small: SmallClinic) -> None:
    start = wall_to_utc(next_weekday(), time(10), LONDON)
    staff_book(small, start)
    response = client.post(
        "/book/details/",
        {
            "service": small.massage.pk,
            "therapist": small.alice.pk,
            "start": start.isoformat(),
            "name": "Dave",
            "email": "dave@example.com",
            "attempt": "x",
        },
    )
    page = response.content.decode()
    assert response.status_code == 409 and "just been taken" in page and "11:15" in page


def test_bad_details_are_shown_beside_their_field(client: Client, small: SmallClinic) -> None:
    start = wall_to_utc(next_weekday(), time(10), LONDON).isoformat()
    response = client.post(
        "/book/details/",
        {"service": small.massage.pk, "therapist": "any", "start": start, "name": "", "email": "nope", "attempt": "x"},
    )
    page = response.content.decode()
    assert response.status_code == 422 and "Enter a valid email address." in page and "This field is required." in page
    assert not Appointment.objects.exists()


def test_within_the_policy_window_the_page_gives_the_phone_number_instead_of_cancelling(
    client: Client, small: SmallClinic
) -> None:
    small.clinic.cancellation_notice_hours = 24 * 30  # every appointment is "too close" now
    small.clinic.save()
    appointment = staff_book(small, wall_to_utc(next_weekday(), time(10), LONDON))
    page = client.get(manage_path(appointment.pk)).content.decode()
    assert "please call" in page and 'href="tel:01174960999"' in page and "Cancel this appointment" not in page
    refused = client.post(manage_path(appointment.pk) + "cancel/")
    assert refused.status_code == 409 and "0117 496 0999" in refused.content.decode()
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED


def test_a_client_cancels_and_moves_through_the_signed_link(client: Client, small: SmallClinic) -> None:
    day = next_weekday(5)
    appointment = staff_book(small, wall_to_utc(day, time(10), LONDON))
    moving = client.get(manage_path(appointment.pk) + f"?move=1&day={day}").content.decode()
    assert "Choose a new day" in moving and ">14:00<" in moving
    moved = client.post(
        manage_path(appointment.pk) + "move/", {"start": wall_to_utc(day, time(14), LONDON).isoformat()}
    )
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert timezone_hour(appointment.start) == "14:00"
    assert client.post(manage_path(appointment.pk) + "cancel/").status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert "Appointment cancelled" in client.get(manage_path(appointment.pk)).content.decode()


def timezone_hour(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%H:%M")


def test_a_link_with_a_wrong_token_is_not_found(client: Client, small: SmallClinic) -> None:
    appointment = staff_book(small, wall_to_utc(next_weekday(), time(10), LONDON))
    assert client.get(f"/book/appointment/{appointment.pk}/forged-token/").status_code == 404
    assert client.post(f"/book/appointment/{appointment.pk}/forged-token/cancel/").status_code == 404


# The staff pages.


def test_staff_pages_need_a_staff_login(client: Client, small: SmallClinic) -> None:
    for path in ("/clinic/", "/clinic/appointments/new/", "/clinic/waitlist/", "/clinic/messages/"):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    get_user_model().objects.create_user("mallory", password="not-a-staff-member-pw")
    client.login(username="mallory", password="not-a-staff-member-pw")
    assert client.get("/clinic/").status_code == 302


def test_another_clinics_therapist_cannot_see_our_appointments(client: Client, small: SmallClinic) -> None:
    ours = staff_book(small, wall_to_utc(next_weekday(), time(10), LONDON))
    other = small_clinic(slug="other")
    client.force_login(other.alice.user)
    assert client.get(f"/clinic/appointments/{ours.pk}/").status_code == 404
    assert client.post(f"/clinic/appointments/{ours.pk}/", {"action": "cancel"}).status_code == 404
    assert client.get(f"/clinic/therapists/{small.alice.pk}/hours/").status_code == 404
    assert "Carol Jones" not in client.get(f"/clinic/?date={next_weekday()}").content.decode()


def test_the_calendar_shows_day_and_week_per_therapist_and_for_the_clinic(client: Client, small: SmallClinic) -> None:
    day = next_weekday()
    staff_book(small, wall_to_utc(day, time(10), LONDON))
    staff_book(small, wall_to_utc(day, time(11), LONDON), therapist=small.bob)
    client.force_login(small.alice.user)
    clinic_day = client.get(f"/clinic/?date={day}").content.decode()
    assert clinic_day.count('class="cal-item') == 2
    alice_week = client.get(f"/clinic/?date={day}&view=week&therapist={small.alice.pk}").content.decode()
    assert alice_week.count('class="cal-item') == 1 and "week of" in alice_week


def test_staff_book_a_weekly_series_all_or_nothing(client: Client, small: SmallClinic) -> None:
    client.force_login(small.alice.user)
    day = next_weekday(7)
    form = {
        "name": "Carol Jones",
        "email": "carol@example.com",
        "service": small.massage.pk,
        "therapist": small.bob.pk,
        "day": day.isoformat(),
        "at": "15:00",
        "weeks": 6,
    }
    staff_book(small, wall_to_utc(day + timedelta(weeks=3), time(15, 30), LONDON), therapist=small.bob)
    refused = client.post("/clinic/appointments/new/", form)
    assert refused.status_code == 422 and "Nothing was booked" in refused.content.decode()
    assert Appointment.objects.count() == 1
    form["at"] = "09:00"
    assert client.post("/clinic/appointments/new/", form).status_code == 302
    assert Appointment.objects.filter(therapist=small.bob, series__isnull=False).count() == 6


def test_staff_mark_move_and_cancel_an_appointment(
    client: Client, small: SmallClinic, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(small.bob.user)
    past = staff_book(small, wall_to_utc(datetime.now(LONDON).date() - timedelta(days=1), time(7), LONDON))
    client.post(f"/clinic/appointments/{past.pk}/", {"action": "no_show"})
    past.refresh_from_db()
    assert past.status == AppointmentStatus.NO_SHOW
    day = next_weekday()
    future = staff_book(small, wall_to_utc(day, time(10), LONDON))
    client.post(
        f"/clinic/appointments/{future.pk}/",
        {"action": "move", "day": day.isoformat(), "at": "12:00", "therapist": small.bob.pk},
    )
    future.refresh_from_db()
    assert future.therapist == small.bob and timezone_hour(future.start) == "12:00"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/clinic/appointments/{future.pk}/", {"action": "cancel"})
    future.refresh_from_db()
    assert future.status == AppointmentStatus.CANCELLED
    page = client.get(f"/clinic/appointments/{future.pk}/").content.decode()
    assert "Cancellation" in page  # the email record is shown to the staff


def test_staff_edit_working_hours_and_add_time_off(client: Client, small: SmallClinic) -> None:
    client.force_login(small.alice.user)
    hours = list(WorkingHours.objects.filter(therapist=small.alice).order_by("weekday"))
    form: dict[str, Any] = {
        "hours-TOTAL_FORMS": len(hours) + 1,
        "hours-INITIAL_FORMS": len(hours),
        "hours-MIN_NUM_FORMS": 0,
        "hours-MAX_NUM_FORMS": 1000,
        "save_hours": "1",
    }
    for i, row in enumerate(hours):
        form.update({f"hours-{i}-id": row.pk, f"hours-{i}-weekday": row.weekday, f"hours-{i}-starts": "09:00"})
        form[f"hours-{i}-ends"] = "13:00" if row.weekday == 0 else "17:00"
    form.update(
        {f"hours-{len(hours)}-weekday": 6, f"hours-{len(hours)}-starts": "10:00", f"hours-{len(hours)}-ends": "12:00"}
    )
    assert client.post(f"/clinic/therapists/{small.alice.pk}/hours/", form).status_code == 302
    assert WorkingHours.objects.get(therapist=small.alice, weekday=0).ends == time(13)
    assert WorkingHours.objects.filter(therapist=small.alice, weekday=6).exists()
    day = next_weekday()
    off = {
        "off-first_day": day,
        "off-from_time": "00:00",
        "off-last_day": day,
        "off-to_time": "23:59",
        "off-reason": "Course",
        "add_time_off": "1",
    }
    assert client.post(f"/clinic/therapists/{small.alice.pk}/hours/", off).status_code == 302
    assert TimeOff.objects.get().therapist == small.alice


def test_staff_add_to_the_waitlist_and_see_the_emails_sent(client: Client, small: SmallClinic) -> None:
    client.force_login(small.alice.user)
    day = next_weekday()
    response = client.post(
        "/clinic/waitlist/",
        {
            "name": "Dave",
            "email": "dave@example.com",
            "service": small.massage.pk,
            "earliest": day,
            "latest": day + timedelta(days=7),
        },
    )
    assert response.status_code == 302 and WaitlistEntry.objects.get().client.email == "dave@example.com"
    assert "Dave" in client.get("/clinic/waitlist/").content.decode()
    assert "Emails sent" in client.get("/clinic/messages/").content.decode()


def test_the_admin_lists_every_clinic_model_and_refuses_an_overlap_with_a_message(
    client: Client, small: SmallClinic
) -> None:
    admin = get_user_model().objects.create_superuser("owner", "owner@example.com", "owner-password-123")
    client.force_login(admin)
    for model in ("clinic", "therapist", "room", "service", "workinghours", "timeoff", "client", "appointment"):
        assert client.get(f"/admin/clinic/{model}/").status_code == 200, model
    for model in ("delivery", "waitlistentry"):
        assert client.get(f"/admin/clinic/{model}/").status_code == 200, model
    existing = staff_book(small, wall_to_utc(next_weekday(), time(10), LONDON))
    local = existing.start.astimezone(LONDON)
    form = {
        "clinic": small.clinic.pk,
        "client": existing.client_id,
        "therapist": small.alice.pk,
        "service": small.massage.pk,
        "start_0": local.date().isoformat(),
        "start_1": "10:30:00",
        "end_0": local.date().isoformat(),
        "end_1": "11:30:00",
        "status": "booked",
        "source": "staff",
        "deliveries-TOTAL_FORMS": 0,
        "deliveries-INITIAL_FORMS": 0,
    }
    response = client.post("/admin/clinic/appointment/add/", form)
    assert response.status_code == 200 and "another appointment then" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_rows_added_in_an_admin_inline_take_the_clinic_of_their_parent(client: Client, small: SmallClinic) -> None:
    """Inline rows never ask for a clinic (it is excluded): the admin sets the parent's."""
    admin = get_user_model().objects.create_superuser("owner", "owner@example.com", "owner-password-123")
    client.force_login(admin)
    url = f"/admin/clinic/therapist/{small.alice.pk}/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    data: dict[str, Any] = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["active"] = "on" if small.alice.active else ""
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        rows = list(formset.initial_forms)
        for i, row in enumerate(rows):
            for name in row.fields:
                value = row[name].value()
                if value is not None and value is not False:
                    data[f"{formset.prefix}-{i}-{name}"] = value
        new = len(rows)
        data[f"{formset.prefix}-{new}-weekday"] = 6  # Sunday, a new window
        data[f"{formset.prefix}-{new}-starts"] = "10:00"
        data[f"{formset.prefix}-{new}-ends"] = "12:00"
        data[f"{formset.prefix}-TOTAL_FORMS"] = new + 1
        data[f"{formset.prefix}-INITIAL_FORMS"] = len(rows)
    before = WorkingHours.objects.filter(therapist=small.alice).count()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    added = WorkingHours.objects.get(therapist=small.alice, weekday=6)
    assert added.clinic_id == small.clinic.pk
    assert WorkingHours.objects.filter(therapist=small.alice).count() == before + 1
