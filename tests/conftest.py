from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article

SEED_FILE = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "000_5dfbc223bd5fa95a.txt"
)
REPORT_SLUG = "astrazeneca-continues-to-grow-footprint-in-china-with-landmark-expansion"


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
def empty_cache():
    """Each test starts with an empty cache (the page cache lives there)."""
    from django.core.cache import cache

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
