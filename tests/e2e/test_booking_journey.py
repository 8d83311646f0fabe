"""A client books from a phone in Chromium, gets the confirmation on a real SMTP server on
loopback, and cancels through the link in that email."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from knotwork.clinic.models import Appointment, AppointmentStatus
from knotwork.clinic.testing import LoopbackSMTP, SmallClinic, small_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp(settings: Any, live_server: Any) -> Iterator[LoopbackSMTP]:
    with LoopbackSMTP() as server:
        settings.MAILERS = {"default": server.mailer()}
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
        settings.KNOTWORK_SITE_URL = live_server.url
        yield server


def wait_for_mail(smtp: LoopbackSMTP, count: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while len(smtp.messages) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(smtp.messages) >= count, [str(m["Subject"]) for m in smtp.messages]


def test_book_on_a_phone_get_the_email_and_cancel_through_its_link(
    live_server: Any, page: Page, smtp: LoopbackSMTP, screenshot: Any
) -> None:
    small: SmallClinic = small_clinic()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Book", exact=True).click()
    page.get_by_role("link", name=re.compile("Massage \\(60 min\\)")).click()
    page.get_by_role("link", name=re.compile("Anyone available")).click()

    # Another day's times arrive through htmx, without a page load. (The fourth bookable day
    # is more than 24 hours away, whatever the time of the run, so it can be cancelled online.)
    days = page.locator(".days a.day")
    expect(days.first).to_have_attribute("aria-current", "date")
    later_day = days.nth(3)
    label = later_day.get_attribute("aria-label") or ""
    later_day.click()
    expect(page.locator("#times h2")).to_contain_text(label.split(",")[0].split(" ", 1)[1])
    expect(later_day).to_have_attribute("aria-current", "date")
    screenshot("booking-times-phone")

    page.locator("#times a.time").first.click()
    page.get_by_label("Your name").fill("Carol Jones")
    page.get_by_label("Email", exact=True).fill("carol@example.com")
    page.get_by_label(re.compile("Email me a reminder")).check()
    page.get_by_role("button", name=re.compile("^Book ")).click()
    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    screenshot("booking-confirmed-phone")
    appointment = Appointment.objects.get()
    assert appointment.client.email == "carol@example.com" and appointment.clinic == small.clinic

    wait_for_mail(smtp, 1)
    confirmation = smtp.messages[0]
    assert confirmation["To"] == "carol@example.com" and str(confirmation["Subject"]).strip().startswith("Booked:")
    assert [a.get_filename() for a in confirmation.iter_attachments()] == ["appointment.ics"]
    body = confirmation.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"To cancel or move it: (\S+)", body)
    assert link and link.group(1).startswith(live_server.url)

    page.goto(link.group(1))
    page.get_by_role("button", name="Cancel this appointment").click()
    expect(page.get_by_role("heading", name="Appointment cancelled")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    wait_for_mail(smtp, 2)
    assert str(smtp.messages[1]["Subject"]).strip().startswith("Cancelled:")
