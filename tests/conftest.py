from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article

SEED_FILE = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "000_5dfbc223bd5fa95a.txt"
)
REPORT_SLUG = "astrazeneca-continues-to-grow-footprint-in-china-with-landmark-expansion"


@pytest.fixture(autouse=True, scope="session")
def plain_http():
    """The test client and the live server speak plain HTTP; the production profile
    (HTTPS redirect, secure cookies, HSTS) has tests of its own in test_security.

    Session-scoped so that it applies before the live server starts: Django's
    SecurityMiddleware reads these settings once, when it is created.
    """
    from django.test import override_settings

    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        SECURE_HSTS_SECONDS=0,
    ):
        yield


@pytest.fixture(autouse=True, scope="session")
def signed_in_marker_on_force_login():
    """force_login() skips the response a real sign-in gets, which carries the page
    cache's signed-in marker; give the test client that cookie too."""
    from django.test.client import ClientMixin

    from articles.page_cache import SIGNED_IN_COOKIE

    original = ClientMixin._set_login_cookies

    def set_login_cookies(self, request):
        original(self, request)
        self.cookies[SIGNED_IN_COOKIE] = "1"

    ClientMixin._set_login_cookies = set_login_cookies
    yield
    ClientMixin._set_login_cookies = original


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a temporary directory, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def plain_static_storage(settings, tmp_path):
    # The manifest storage needs collectstatic first; tests render templates without it.
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STATIC_ROOT.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache(settings, tmp_path):
    """Each test starts with an empty cache (the page cache lives there)."""
    from django.core.cache import cache

    settings.PAGE_CACHE_VERSION_FILE = tmp_path / "content-version"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def report(db) -> Article:
    """The report's fixtures, loaded through the same command `make run` uses."""
    call_command("load_report", verbosity=0)
    return Article.objects.get(slug=REPORT_SLUG)


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED_FILE.exists():
        pytest.skip(f"the seed report is not at {SEED_FILE}")
    return SEED_FILE.read_text(encoding="utf-8")


@pytest.fixture
def writer(db):
    from articles.roles import WRITER

    from .admin_helpers import make_user

    return make_user("writer", group=WRITER)


@pytest.fixture
def editor(db):
    from articles.roles import EDITOR

    from .admin_helpers import make_user

    return make_user("editor", group=EDITOR)
