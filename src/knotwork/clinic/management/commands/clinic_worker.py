"""The clinic's background worker: queued emails (django-tasks-db) and reminders.

    knotwork manage clinic_worker [--reminders-every SECONDS] [--once]

Runs until stopped (SIGTERM/SIGINT). Each round sends the reminders that are due (at most
once per ``--reminders-every`` seconds) and then every queued task. ``knotwork demo`` starts
one; in production run it as a service beside ``knotwork serve``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from knotwork.clinic.reminders import reminders_send_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send queued emails and due reminders, until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reminders-every", type=float, default=60.0, help="seconds between reminder runs")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between looks at the task queue")
        parser.add_argument("--once", action="store_true", help="one round, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        use_queue = isinstance(task_backends["default"], DatabaseBackend)
        next_reminders = 0.0
        while True:
            close_old_connections()
            if time.monotonic() >= next_reminders:
                try:
                    counts = reminders_send_due()
                    if counts["sent"] or counts["failed"]:
                        self.stdout.write(f"reminders: {counts['sent']} sent, {counts['failed']} failed")
                except Exception:
                    logger.exception("reminder run failed; trying again next round")
                next_reminders = time.monotonic() + options["reminders_every"]
            if use_queue:
                Worker(
                    queue_names=["default"],
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id="clinic-worker",
                    excluded_queue_names=[],
                ).run()
            if options["once"]:
                return
            time.sleep(options["poll"])
