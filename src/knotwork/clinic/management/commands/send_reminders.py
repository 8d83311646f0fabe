"""Send the reminder emails that are due: run it from cron every few minutes, or let
``clinic_worker`` do it. Safe to run as often as you like, even twice at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from knotwork.clinic.reminders import reminders_send_due


class Command(BaseCommand):
    help = "Send due appointment reminders (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reminders_send_due()
        self.stdout.write(f"reminders: {counts['sent']} sent, {counts['failed']} failed")
