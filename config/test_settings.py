"""Settings for the test suite: the real settings, read from the same environment, with the
few changes tests need. DATABASE_URL and REDIS_URL select PostgreSQL and Redis as in production."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# The tests' OpenID providers listen on loopback without TLS (tests/sso/).
os.environ.setdefault("SSO_ALLOW_HTTP", "true")
# Creating and dropping the test database waits for a checkpoint, which on a busy shared
# server (CI) can take longer than a page's 20 s; the limit itself is tested in test_health.py.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "300")

from config.settings import *  # noqa: F403
from config.settings import REDIS_URL

# Fast hashing: password strength is not what the tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The manifest needs collectstatic; tests render templates without it.
STORAGES = {
    # Uploaded files live in memory: a test never leaves files behind, even when killed.
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Throttle counters in this process's memory, emptied before each test (tests/conftest.py);
# tests/test_throttle.py runs the counter on Redis as well when REDIS_URL is set.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Unit tests never leave messages behind on the embedded broker; with REDIS_URL set the
# integration tests use Redis and a real worker.
if not REDIS_URL:
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
# No beat runs under the test suite, so the heartbeat checks of /healthz would turn it into a
# clock of the suite's own run time; tests/test_health.py switches them on with set limits.
HEALTH_HEARTBEATS = {}
