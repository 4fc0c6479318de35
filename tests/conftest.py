import fcntl
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from articles.models import Article

from .tools import require

SEED_FILE = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "000_5dfbc223bd5fa95a.txt"
)
REPORT_SLUG = "astrazeneca-continues-to-grow-footprint-in-china-with-landmark-expansion"
# The suite's "now": after everything the report's fixtures date, so the report is live
# and has been edited since (an "Updated" line shows once anything saves it).
FIXED_NOW = datetime(2027, 3, 9, 14, 30, 15, tzinfo=UTC)


def pytest_configure(config):
    # pytest-playwright empties --output as each session starts; under xdist every
    # worker is a session, and a late one would delete the failure screenshots another
    # had saved. Emptied here once instead, before any worker starts (not in workers).
    if not hasattr(config, "workerinput") and config.pluginmanager.hasplugin("playwright"):
        shutil.rmtree(config.getoption("--output"), ignore_errors=True)


# Test modules whose servers share something the checkout has once, so that no two may
# run at the same time: each collects static files on production settings, rewriting
# staticfiles/ (the manifest, the hashed copies) while the other's gunicorn serves it.
ONE_AT_A_TIME = {"tests/test_proxy.py", "tests/test_cluster.py"}
ONE_AT_A_TIME_LOCK = Path(__file__).resolve().parent.parent / "var" / "tests-one-at-a-time.lock"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """--dist loadgroup: each test on its own, but each ONE_AT_A_TIME module whole on
    one worker (its servers started once), and all in collection order: pytest-django
    puts transactional tests, which flush the migrations' data, after the others, and
    each worker must keep that order. (Not xdist_group marks: pytest-xdist 3.8 drops
    them on pytest 9.2, pytest-xdist#1386.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class Scheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid):
            module = nodeid.split("::", 1)[0]
            return module if module in ONE_AT_A_TIME else super()._split_scope(nodeid)

    config.option.loadscopereorder = False  # biggest units first would break that order
    return Scheduling(config, log)


@pytest.fixture(autouse=True, scope="module")
def one_at_a_time(request):
    """A ONE_AT_A_TIME module waits for any other to finish, on another worker or in
    another run of the suite in this checkout."""
    if request.node.nodeid not in ONE_AT_A_TIME:
        yield
        return
    ONE_AT_A_TIME_LOCK.parent.mkdir(exist_ok=True)
    with ONE_AT_A_TIME_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


@pytest.fixture(scope="session", autouse=True)
def delete_output_dir():
    """pytest-playwright's own, replaced by the one emptying in pytest_configure."""


@pytest.fixture(autouse=True)
def fixed_clock():
    """Every test runs at FIXED_NOW, whatever the machine's date (the clock ticks on
    from there, so code that measures durations still sees time pass).

    Browser tests override this with the real clock (tests/browser/conftest.py).
    """
    with time_machine.travel(FIXED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True, scope="session")
def urlconf_read_at_start():
    """newsroom/urls.py reads settings (the media route) once, at the first request;
    read it at start, as a server does, so that the test a worker happens to start
    with cannot leave its overridden settings in the routes of every test after it."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf)


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
    settings.PENDING_UPLOADS_ROOT = tmp_path / "pending-uploads"


@pytest.fixture(autouse=True)
def empty_cache(settings, tmp_path):
    """Each test starts with an empty cache and page store, its journal its own."""
    from django.core.cache import cache

    from articles import page_store

    settings.PAGE_CACHE_JOURNAL = tmp_path / "page-invalidations"
    cache.clear()
    page_store.reset()
    page_store.store().clear()
    yield
    page_store.store().clear()
    page_store.reset()
    cache.clear()


@pytest.fixture
def report(db) -> Article:
    """The report's fixtures, loaded through the same command `make run` uses."""
    call_command("load_report", verbosity=0)
    return Article.objects.get(slug=REPORT_SLUG)


@pytest.fixture(scope="session")
def seed_text() -> str:
    # The seed lives beside the repository (../shared), not in it: a plain clone
    # skips loudly, and CI, which has it, fails instead of skipping.
    require(SEED_FILE.exists(), f"the seed report is not at {SEED_FILE}", missing="SEED")
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
