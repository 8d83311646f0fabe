"""The demo and the production server: real HTTP, the demo data, settings from the environment."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from knotwork.web.server import DEMO_PASSWORD, DEMO_USER
from knotwork.web.settings import database_from_url, env_bool


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[str], seconds: float = 60) -> bytes:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"server exited with {process.returncode}: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback server
                return bytes(response.read())
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_knotwork_demo_prepares_sqlite_and_serves_the_app_over_http(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "KNOTWORK_HOME": str(tmp_path / "home"), "KNOTWORK_CACHE": str(tmp_path / "cache")}
    env.pop("KNOTWORK_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "knotwork", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", process) == b"ok"
        where = wait_for(f"http://127.0.0.1:{port}/where/?r=temple:right", process).decode()
        assert "Upper trapezius" in where
        css = wait_for(f"http://127.0.0.1:{port}/static/knotwork/knotwork.css", process)
        assert b"--accent" in css or b"--accent" in css.lower()
        assert (tmp_path / "home" / "knotwork.sqlite3").exists()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out
    assert f"{DEMO_USER} / {DEMO_PASSWORD}" in out


@pytest.mark.django_db
def test_the_demo_data_gives_a_staff_login_and_loading_it_twice_changes_nothing(client: Client) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    assert connection.vendor == "postgresql"  # database tests run on the suite's PostgreSQL server
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    users = get_user_model().objects.filter(username=DEMO_USER)
    assert users.count() == 1 and users.get().is_staff
    assert client.login(username=DEMO_USER, password=DEMO_PASSWORD)
    page = client.get("/admin/")
    assert page.status_code == 200 and b"Site administration" in page.content
    assert "/admin/" in client.get("/").content.decode()  # staff see the admin link


def test_the_admin_needs_a_login() -> None:
    response = Client().get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_settings_parse_the_environment_strictly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOTWORK_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="KNOTWORK_DEBUG must be true or false, not 'maybe'"):
        env_bool("KNOTWORK_DEBUG", False)
    monkeypatch.setenv("KNOTWORK_DEBUG", "yes")
    assert env_bool("KNOTWORK_DEBUG", False) is True
    db = database_from_url("postgresql://kw:s%40cret@db.internal:5433/clinic")
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "clinic",
        "kw",
        "s@cret",
        "db.internal",
        "5433",
    )
    with pytest.raises(ImproperlyConfigured, match="must start with postgresql://"):
        database_from_url("mysql://x/y")
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        database_from_url("postgresql://host:5432/")


def test_knotwork_serve_runs_on_postgresql_from_the_database_url(
    tmp_path: Path, postgres_server: dict[str, object]
) -> None:
    import psycopg

    host, port_pg, user = postgres_server["host"], postgres_server["port"], postgres_server["user"]
    with psycopg.connect(f"host={host} port={port_pg} user={user} dbname=postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS knotwork_serve")
        conn.execute("CREATE DATABASE knotwork_serve")
    port = free_port()
    env = {
        **os.environ,
        "KNOTWORK_HOME": str(tmp_path / "home"),
        "KNOTWORK_CACHE": str(tmp_path / "cache"),
        "KNOTWORK_DATABASE_URL": f"postgresql://{user}@{host}:{port_pg}/knotwork_serve",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "knotwork", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        login = wait_for(f"http://127.0.0.1:{port}/admin/login/", process).decode()
        assert "Username" in login  # the admin reads its session tables from PostgreSQL
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.communicate(timeout=30)
    with psycopg.connect(f"host={host} port={port_pg} user={user} dbname=knotwork_serve") as conn:
        tables = {r[0] for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")}
    assert "django_migrations" in tables and "auth_user" in tables
    assert not (tmp_path / "home" / "knotwork.sqlite3").exists()
