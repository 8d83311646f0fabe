"""The demo clinic: booking-ready, the issue's services, and loading it twice changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from knotwork.clinic import selectors
from knotwork.clinic.models import Appointment, Clinic, Service, Therapist

pytestmark = pytest.mark.django_db


def test_the_demo_clinic_is_booking_ready_and_loads_once() -> None:
    call_command("load_demo", verbosity=0)
    appointments = Appointment.objects.count()
    call_command("load_demo", verbosity=0)
    assert Clinic.objects.count() == 1 and Appointment.objects.count() == appointments > 50
    clinic = Clinic.objects.get()
    assert clinic.time_zone == "Europe/London" and Therapist.objects.filter(clinic=clinic).count() == 2
    assert set(Service.objects.values_list("name", flat=True)) == {
        "Trigger point therapy (60 min)",
        "Trigger point therapy (30 min)",
        "Dry needling (30 min)",
        "Sports massage (60 min)",
    }
    today = timezone.localdate()
    assert Appointment.objects.filter(start__date__lt=today).exists()  # some history
    assert Appointment.objects.filter(start__date__gt=today).exists()  # and some ahead
    service = Service.objects.get(name="Trigger point therapy (60 min)")
    free = selectors.availability(
        clinic=clinic, service=service, first_day=today + timedelta(days=7), last_day=today + timedelta(days=13)
    )
    assert len(free) > 20
