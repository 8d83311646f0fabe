"""PostgreSQL tells listening processes when availability's service and clinic rows change
(pg_notify on the knotwork_availability channel), and a TRUNCATE of a versioned table bumps
every clinic's availability version. See knotwork.clinic.versioning and
knotwork.clinic.livecache. Nothing on SQLite.
"""

from django.db import migrations

from knotwork.clinic import versioning


class Migration(migrations.Migration):
    dependencies = [("clinic", "0003_availability_version")]

    operations = [
        migrations.RunPython(versioning.install_postgres_notify_triggers, versioning.remove_postgres_notify_triggers),
    ]
