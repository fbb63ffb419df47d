"""A minimal Django project for JobKit's cross-language tests: django-db-mutex on the
throwaway PostgreSQL that scripts/test starts.

- The database is JOBKIT_TEST_DATABASE_URL (postgres://user:password@host:port/db).
- DB_MUTEX_TTL_SECONDS is read from the environment variable of the same name, as JobKit
  does: a number of seconds, or "none" for locks that never expire; unset, django-db-mutex's
  own default (30 minutes) applies.
- A test that needs a table of its own sets PGOPTIONS="-c search_path=SCHEMA" (libpq reads it,
  on the Swift side too).
"""
import os
from urllib.parse import unquote, urlsplit

_url = urlsplit(os.environ["JOBKIT_TEST_DATABASE_URL"])

SECRET_KEY = "jobkit-tests-only"
INSTALLED_APPS = ["db_mutex"]
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _url.path.lstrip("/"),
        "USER": unquote(_url.username or ""),
        "PASSWORD": unquote(_url.password or ""),
        "HOST": _url.hostname or "",
        "PORT": str(_url.port or ""),
    }
}

_ttl = os.environ.get("DB_MUTEX_TTL_SECONDS")
if _ttl is not None:
    DB_MUTEX_TTL_SECONDS = None if _ttl.strip().lower() == "none" else float(_ttl)
