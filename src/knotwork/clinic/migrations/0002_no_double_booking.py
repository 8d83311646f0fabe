"""The database refuses double bookings: exclusion constraints on PostgreSQL (btree_gist).

SQLite gets triggers instead, created after every migrate (see knotwork.clinic.guards).
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

from knotwork.clinic import guards


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [
        BtreeGistExtension(),  # lets a plain column take part in a gist index with `=`; skipped off PostgreSQL
        migrations.RunPython(guards.install_postgres_constraints, guards.remove_postgres_constraints),
    ]
