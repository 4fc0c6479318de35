"""Hostile input in every field, opened in real Chromium: no dialog, no script run."""

import pytest
from playwright.sync_api import Page

from tests.xss_payloads import HOSTILE_PAGES, build_hostile_content

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_payload_runs_in_a_browser(page: Page, live_report):
    build_hostile_content()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in [p for p in HOSTILE_PAGES if "feed" not in p] + [
        "/search/?q=%3Cscript%3Ealert(1)%3C/script%3E"
    ]:
        page.goto(live_report.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => window.__xss === undefined"), path
    assert dialogs == []
