"""The database's own refusal of double bookings, whatever the application code does.

PostgreSQL: two exclusion constraints (``btree_gist``): one therapist (``=``) cannot have two
live appointments whose blocked ranges overlap (``&&``), and likewise one room. The ranges are
half-open ``[blocked_start, blocked_end)``, so back-to-back appointments are allowed, and
cancelled appointments are left out, so cancelling frees the slot.

SQLite has no exclusion constraints; triggers refuse the same overlaps inside the inserting
or updating transaction (which is ``BEGIN IMMEDIATE``, holding the write lock, so the check
and the write cannot interleave with another writer). Django stores SQLite datetimes as UTC
text in one sortable format, so the comparisons below are comparisons of instants.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

THERAPIST_CONSTRAINT = "clinic_appt_therapist_no_overlap"
ROOM_CONSTRAINT = "clinic_appt_room_no_overlap"

POSTGRES_CONSTRAINTS = [
    f"""ALTER TABLE clinic_appointment ADD CONSTRAINT {THERAPIST_CONSTRAINT}
        EXCLUDE USING gist (therapist_id WITH =, tstzrange(blocked_start, blocked_end, '[)') WITH &&)
        WHERE (status <> 'cancelled')""",
    f"""ALTER TABLE clinic_appointment ADD CONSTRAINT {ROOM_CONSTRAINT}
        EXCLUDE USING gist (room_id WITH =, tstzrange(blocked_start, blocked_end, '[)') WITH &&)
        WHERE (status <> 'cancelled' AND room_id IS NOT NULL)""",
]
POSTGRES_DROP = [
    f"ALTER TABLE clinic_appointment DROP CONSTRAINT IF EXISTS {THERAPIST_CONSTRAINT}",
    f"ALTER TABLE clinic_appointment DROP CONSTRAINT IF EXISTS {ROOM_CONSTRAINT}",
]

_OVERLAP = """EXISTS (SELECT 1 FROM clinic_appointment AS other
    WHERE other.{column} = NEW.{column} AND other.status <> 'cancelled' {not_self}
      AND other.blocked_start < NEW.blocked_end AND other.blocked_end > NEW.blocked_start)"""


def _sqlite_trigger(event: str, column: str) -> str:
    not_self = "AND other.id <> NEW.id" if event == "UPDATE" else ""
    name = f"clinic_appt_{column.removesuffix('_id')}_no_overlap_{event.lower()}"
    condition = f"NEW.status <> 'cancelled' AND NEW.{column} IS NOT NULL AND " + _OVERLAP.format(
        column=column, not_self=not_self
    )
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON clinic_appointment "
        f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{name}: the time overlaps another appointment'); END"
    )


SQLITE_TRIGGERS = [
    _sqlite_trigger(event, column) for event in ("INSERT", "UPDATE") for column in ("therapist_id", "room_id")
]


def install_postgres_constraints(apps: Any, schema_editor: Any) -> None:
    """Migration step: add the exclusion constraints on PostgreSQL (other databases: nothing)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in POSTGRES_CONSTRAINTS:
        schema_editor.execute(statement)


def remove_postgres_constraints(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in POSTGRES_DROP:
        schema_editor.execute(statement)


def install_sqlite_triggers(sender: Any = None, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate: (re)create the overlap triggers on SQLite; idempotent."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'clinic_appointment'")
        if cursor.fetchone() is None:
            return
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)
