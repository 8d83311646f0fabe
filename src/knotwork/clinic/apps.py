from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class ClinicConfig(AppConfig):
    name = "knotwork.clinic"
    label = "clinic"
    verbose_name = "Clinic"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from knotwork.clinic import guards, livecache, versioning

        # SQLite rebuilds a table for most schema changes and drops its triggers with it, so
        # the overlap and version triggers are (re)created after every migrate rather than once.
        post_migrate.connect(guards.install_sqlite_triggers, sender=self)
        post_migrate.connect(versioning.install_sqlite_triggers, sender=self)
        # Availability's in-memory rows (PostgreSQL) must hear of every write this process commits.
        connection_created.connect(livecache.watch_writes, dispatch_uid="knotwork.clinic.livecache")
