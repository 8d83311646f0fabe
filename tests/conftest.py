"""Shared test fixtures: a throwaway PostgreSQL cluster and Debian's Chromium.

Database tests run on a real PostgreSQL server that the suite starts itself (initdb and
pg_ctl, as the ``postgres`` user when running as root, on a free loopback port) and stops at
the end. Browser tests drive Debian's Chromium through Playwright; Playwright never downloads
a browser of its own.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the main thread; Django would otherwise refuse
# ORM calls from test bodies. Test-only, never set in production.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        pytest.fail("PostgreSQL is not installed: run `make test`, which installs Debian's postgresql")
    return Path(found[-1]).parent


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[dict[str, Any]]:
    """A PostgreSQL server of our own for this test session, on 127.0.0.1."""
    bindir = _pg_bindir()
    base = Path(tempfile.mkdtemp(prefix="knotwork-pg-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        base.chmod(0o755)
        shutil.chown(base, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, log, port = base / "data", base / "server.log", _free_port()

    def run(*cmd: str) -> None:
        subprocess.run([*as_postgres, *cmd], check=True, capture_output=True, cwd=base)

    run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    # Durability is not needed for a throwaway cluster; these make the suite faster.
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {base}"
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
    try:
        yield {"host": "127.0.0.1", "port": port, "user": "postgres"}
    finally:
        subprocess.run(
            [*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, postgres_server: dict[str, Any]
) -> None:
    """Run every database test on the real PostgreSQL server (production's database)."""
    from django.conf import settings
    from django.db import connections

    db = settings.DATABASES["default"]
    db.clear()  # in place: Django's connection handler holds this very dict
    db.update(
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "knotwork",
            "USER": postgres_server["user"],
            "PASSWORD": "",
            "HOST": postgres_server["host"],
            "PORT": str(postgres_server["port"]),
            "CONN_MAX_AGE": 0,
            "TEST": {"NAME": "test_knotwork"},
        }
    )
    # Forget any connection made before this point and fill in Django's defaults again.
    for alias in list(connections.settings):
        if hasattr(connections._connections, alias):
            connections[alias].close()
            del connections[alias]
    connections._settings = connections.configure_settings(settings.DATABASES)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> Iterator[None]:
    """pytest-django's, and before the test database is dropped, the connection that
    availability keeps listening on (knotwork.clinic.livecache) is closed."""
    yield
    from knotwork.clinic.livecache import LIVE

    LIVE.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture
def screenshot(page: Any) -> Any:
    """Save a full-page screenshot to test-artifacts/NAME.png (for people to look at)."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
