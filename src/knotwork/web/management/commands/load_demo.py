"""Demo data: a staff login for the admin and a booking-ready clinic. Idempotent: running it twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from knotwork.atlas.load import load_atlas
from knotwork.clinic.demo import load_demo_clinic
from knotwork.web.server import DEMO_PASSWORD, DEMO_USER


class Command(BaseCommand):
    help = "Load Knotwork's demo data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        atlas = load_atlas()
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEMO_USER,
            defaults={"first_name": "Demo", "last_name": "Therapist", "email": "demo@knotwork.invalid"},
        )
        if created:
            user.is_staff = user.is_superuser = True
            user.set_password(DEMO_PASSWORD)
            user.save()
        clinic, clinic_created = load_demo_clinic()
        self.stdout.write(
            f"demo clinic {clinic.name!r} {'created' if clinic_created else 'already there'}: "
            f"{clinic.therapists.count()} therapists, {clinic.services.count()} services, "
            f"{clinic.appointments.count()} appointments"
        )
        tps = sum(len(m.trigger_points) for m in atlas.muscles.values())
        self.stdout.write(
            f"demo data ready: atlas of {len(atlas.muscles)} muscles and {tps} trigger points; "
            f"staff user {DEMO_USER!r} {'created' if created else 'already there'}"
        )
