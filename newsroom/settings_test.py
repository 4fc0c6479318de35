"""Settings for the test suite: production settings with what tests cannot have.

pytest reads this module (pyproject.toml); subprocesses that a test starts to check
production behaviour name `newsroom.settings` themselves.
"""

import os
from urllib.parse import urlsplit

from .settings import *  # noqa: F403

# The test client and the live server speak plain HTTP; the production profile
# (HTTPS redirect, secure cookies, HSTS) is switched back on by the tests that check it.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# The manifest storage needs collectstatic first; tests render templates without it
# and the live server serves static files from static/ through the finders.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Not the project's staticfiles/: a `make run` collecting there while the suite runs
# must not change what whitenoise finds.
STATIC_ROOT = VAR_DIR / "test-staticfiles"  # noqa: F405

# Hashing cost belongs to production; here it only slows every login down.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The suite tests the benchmarks and the demo-content generator, which production
# settings leave out (NEWSROOM_DEVTOOLS).
if "newsroom.devtools" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "newsroom.devtools"]  # noqa: F405
DEVTOOLS = True

# Parallel workers (pytest-xdist, `make test`) must not share a Redis database: every
# test empties the cache, and Django's RedisCache.clear() is FLUSHDB, which no key
# prefix survives. Worker gwN uses database N above the one REDIS_URL names.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _WORKER.startswith("gw"):  # noqa: F405
    _url = urlsplit(REDIS_URL)  # noqa: F405
    _db = int(_url.path.strip("/") or 0) + int(_WORKER.removeprefix("gw"))
    REDIS_URL = _url._replace(path=f"/{_db}").geturl()
    CACHES = {"default": {**CACHES["default"], "LOCATION": REDIS_URL}}  # noqa: F405
