"""Clinic.availability_version, bumped by triggers on every write that can change free time.

PostgreSQL gets its trigger function and triggers here; SQLite gets its triggers after every
migrate (see knotwork.clinic.versioning).
"""

from django.db import migrations, models

from knotwork.clinic import versioning


class Migration(migrations.Migration):
    dependencies = [("clinic", "0002_no_double_booking")]

    operations = [
        migrations.AddField(
            model_name="clinic",
            name="availability_version",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(versioning.install_postgres_triggers, versioning.remove_postgres_triggers),
    ]
