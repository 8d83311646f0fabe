"""Running the web app: ``knotwork serve`` (gunicorn), ``knotwork demo``, ``knotwork manage``.

gunicorn with sync workers: measured on these 2-core machines, Django's ASGI path was 3-10x
slower for this kind of app (reference/stack-probe.md), and sync workers blocked on the
database leave the CPU to the others, hence 2 x cores workers by default.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

DEMO_USER = "demo"
DEMO_PASSWORD = "knotwork-demo"  # noqa: S105 - a published demo login, never used outside the demo


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knotwork.web.settings")
    import django

    django.setup()


def manage(args: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knotwork.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["knotwork manage", *args])
    return 0


def prepare() -> None:
    """Create or update the database schema and collect the static files."""
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    # gunicorn forks its workers from this process: a database connection opened here would be
    # shared by all of them (PostgreSQL answers then get mixed up between workers).
    from django.db import connections

    connections.close_all()


def run_gunicorn(*, host: str, port: int, workers: int | None) -> int:
    from gunicorn.app.base import BaseApplication

    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers or 2 * (os.cpu_count() or 1),
        "worker_class": "sync",
        "accesslog": "-",
        "timeout": 30,
        "graceful_timeout": 10,
    }

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from knotwork.web.wsgi import application

            return application

    Server().run()
    return 0


def serve(*, host: str, port: int, workers: int | None = None) -> int:
    prepare()
    print(f"Knotwork is serving on http://{host}:{port}/", flush=True)
    return run_gunicorn(host=host, port=port, workers=workers)


def demo(*, port: int) -> int:
    """A ready-to-try Knotwork on SQLite under $KNOTWORK_HOME (default ./var), with demo data."""
    # The demo always runs on the embedded database, whatever production settings say.
    os.environ.pop("KNOTWORK_DATABASE_URL", None)
    home = Path(os.environ.setdefault("KNOTWORK_HOME", "var")).resolve()
    os.environ["KNOTWORK_HOME"] = str(home)
    # Demo emails (booking confirmations, reminders) are printed by the worker unless an SMTP
    # server is configured; their links point at this demo.
    os.environ.setdefault("KNOTWORK_EMAIL_URL", "console:")
    os.environ.setdefault("KNOTWORK_SITE_URL", f"http://127.0.0.1:{port}")
    prepare()
    from django.core.management import call_command

    call_command("load_demo", verbosity=1)
    from django.db import connections

    connections.close_all()  # not to be inherited by gunicorn's forked workers (see prepare)
    print(
        f"\nKnotwork demo: http://127.0.0.1:{port}/\n"
        f"  data in {home} (SQLite)\n"
        f"  staff login at http://127.0.0.1:{port}/admin/ as {DEMO_USER} / {DEMO_PASSWORD} (demo only)\n"
        f"  book at http://127.0.0.1:{port}/book/, staff calendar at http://127.0.0.1:{port}/clinic/\n"
        "  emails are printed here (KNOTWORK_EMAIL_URL to send them); reminders run every minute\n",
        flush=True,
    )
    worker = start_clinic_worker()
    try:
        return run_gunicorn(host="127.0.0.1", port=port, workers=2)
    finally:
        worker.terminate()
        worker.wait(timeout=10)


def start_clinic_worker() -> subprocess.Popen[bytes]:
    """The clinic's background worker (queued emails, reminders) beside the web server."""
    return subprocess.Popen([sys.executable, "-m", "knotwork", "manage", "clinic_worker"])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(demo(port=8000))
