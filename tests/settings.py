"""Test settings: production settings with a throwaway home and plain static files.

The database is switched to the suite's own PostgreSQL server by the
``django_db_modify_db_settings`` fixture in conftest.py.
"""

import os
import tempfile

os.environ["KNOTWORK_HOME"] = tempfile.mkdtemp(prefix="knotwork-test-home-")
os.environ.setdefault("KNOTWORK_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.pop("KNOTWORK_DATABASE_URL", None)

from knotwork.web.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
