"""A clinic's availability version: bumped by the database on every write that can change free time.

Availability is the hottest read of the booking pages and the API. Its answer depends on the
clinic's appointments, working hours, time off, therapists, rooms and which of them offer a
service. Triggers on those tables add one to ``clinic_clinic.availability_version`` in the
same transaction as the write, whoever makes it (the booking services, the staff pages, the
Django admin, a data fix in SQL). A cached availability answer keyed by the version is
therefore never served after a change has committed: the next read sees the new version.

The clinic's own settings and the service's timing are part of the cache key instead (they
are read in the same query as the version), so they need no version trigger.

On PostgreSQL the database also *tells* every listening process (migration 0004):
``pg_notify('knotwork_availability', clinic_id)`` when a clinic row changes (its settings, or
its version, bumped by the triggers above, so every write that changes free time notifies
through it) and when a service is inserted, updated or deleted; ``'*'`` when a clinic is added
or removed, its slug or id changes, or one of these tables is truncated (a TRUNCATE of a
versioned table also bumps every clinic's version, since row triggers do not fire for it).
Notifications are delivered only once the transaction has committed. Availability keeps the
service and clinic rows in memory until told (:mod:`knotwork.clinic.livecache`).
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

TABLES = (
    "clinic_appointment",
    "clinic_workinghours",
    "clinic_timeoff",
    "clinic_therapist",
    "clinic_room",
    "clinic_servicetherapist",
    "clinic_serviceroom",
)
FUNCTION = "clinic_bump_availability_version"

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION clinic_bump_availability_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE clinic_clinic SET availability_version = availability_version + 1 WHERE id = OLD.clinic_id;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.clinic_id IS DISTINCT FROM OLD.clinic_id) THEN
        UPDATE clinic_clinic SET availability_version = availability_version + 1 WHERE id = NEW.clinic_id;
    END IF;
    RETURN NULL;
END
$$"""


CHANNEL = "knotwork_availability"
NOTIFY_FUNCTION = "clinic_notify_availability"
BUMP_ALL_FUNCTION = "clinic_bump_all_availability_versions"
NOTIFY_TABLES = ("clinic_clinic", "clinic_service")

POSTGRES_NOTIFY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {NOTIFY_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN  -- TRUNCATE
        PERFORM pg_notify('{CHANNEL}', '*');
    ELSIF TG_TABLE_NAME = 'clinic_clinic' THEN
        IF TG_OP <> 'UPDATE' THEN
            PERFORM pg_notify('{CHANNEL}', '*');  -- which clinic is the current one may change
        ELSIF NEW.id IS DISTINCT FROM OLD.id OR NEW.slug IS DISTINCT FROM OLD.slug THEN
            PERFORM pg_notify('{CHANNEL}', '*');
        ELSE
            PERFORM pg_notify('{CHANNEL}', NEW.id::text);
        END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN
            PERFORM pg_notify('{CHANNEL}', OLD.clinic_id::text);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM pg_notify('{CHANNEL}', NEW.clinic_id::text);
        END IF;
    END IF;
    RETURN NULL;
END
$$"""

POSTGRES_BUMP_ALL_FUNCTION = """
CREATE OR REPLACE FUNCTION clinic_bump_all_availability_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE clinic_clinic SET availability_version = availability_version + 1;
    RETURN NULL;
END
$$"""


def _trigger_name(table: str, event: str = "") -> str:
    return f"{table}_bumps_version{'_' + event.lower() if event else ''}"


def install_postgres_triggers(apps: Any, schema_editor: Any) -> None:
    """Migration step on PostgreSQL (other databases: nothing; SQLite is done after migrate)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(POSTGRES_FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {_trigger_name(table)} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
        )


def remove_postgres_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {_trigger_name(table)} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def install_postgres_notify_triggers(apps: Any, schema_editor: Any) -> None:
    """Migration 0004 on PostgreSQL: notifications for the rows availability keeps in memory."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(POSTGRES_NOTIFY_FUNCTION)
    schema_editor.execute(POSTGRES_BUMP_ALL_FUNCTION)
    for table in NOTIFY_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_notifies_availability AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {NOTIFY_FUNCTION}()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_notifies_availability_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {NOTIFY_FUNCTION}()"
        )
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {_trigger_name(table, 'truncate')} AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {BUMP_ALL_FUNCTION}()"
        )


def remove_postgres_notify_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in NOTIFY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_notifies_availability ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_notifies_availability_truncate ON {table}")
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {_trigger_name(table, 'truncate')} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {NOTIFY_FUNCTION}()")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {BUMP_ALL_FUNCTION}()")


def _sqlite_triggers() -> list[str]:
    bump = "UPDATE clinic_clinic SET availability_version = availability_version + 1 WHERE id = {row}.clinic_id;"
    statements = []
    for table in TABLES:
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            body = " ".join(bump.format(row=row) for row in rows)
            if event == "UPDATE":
                # Bump once when the row stays in its clinic, each clinic when it moves.
                body = (
                    bump.format(row="OLD")  # noqa: S608 - constants only
                    + " UPDATE clinic_clinic SET availability_version = availability_version + 1"
                    " WHERE id = NEW.clinic_id AND NEW.clinic_id IS NOT OLD.clinic_id;"
                )
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {_trigger_name(table, event)} AFTER {event} ON {table} BEGIN {body} END"
            )
    return statements


def install_sqlite_triggers(sender: Any = None, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate on SQLite (which rebuilds tables, and drops their triggers, on most schema
    changes): (re)create the version triggers; idempotent."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA table_info(clinic_clinic)")
        if "availability_version" not in {row[1] for row in cursor.fetchall()}:
            return
        for statement in _sqlite_triggers():
            cursor.execute(statement)
