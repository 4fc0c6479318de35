"""Headless Chromium (the system's, never a downloaded one) for browser tests."""

import os

import pytest
from django.core.management import call_command

from tests.tools import CHROMIUM_FLAGS, chromium_path, require

# Playwright runs an event loop in the test thread; the ORM calls made by
# fixtures in that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def fixed_clock():
    """The real clock here: Chromium keeps its own, and would drop a session cookie
    that a moved server clock dated to expire before the browser's today."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    require(path is not None, "no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_FLAGS}


@pytest.fixture
def live_report(transactional_db, live_server):
    """The report, loaded into the database the live server reads."""
    call_command("load_report", verbosity=0)
    return live_server
