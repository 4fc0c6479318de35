"""Lighthouse 12 (npm) on every kind of page: accessibility, best practices and SEO at
100. Performance is recorded for docs/performance.md, not asserted: on a 2-core
machine it is noise as much as signal."""

import json
import os
import subprocess

import pytest
from django.db import connection

from tests.conftest import REPORT_SLUG
from tests.tools import CHROMIUM_FLAGS, NODE_MODULES, ROOT, chromium_path, require

pytestmark = pytest.mark.django_db(transaction=True)

LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
GATED = ("accessibility", "best-practices", "seo")
# Search results are kept out of search engines on purpose (robots.txt disallows
# /search/), which Lighthouse's SEO category counts against the page.
NOT_FOR_SEARCH_ENGINES = {"search"}
PAGES = {
    "home": "/",
    "article": f"/articles/{REPORT_SLUG}/",
    "company": "/companies/astrazeneca/",
    "person": "/people/leon-wang/",
    "event": "/events/ciie-4/",
    "tag": "/tags/china/",
    "intersection": "/together/company/astrazeneca/event/ciie-4/",
    "company list": "/companies/",
    "search": "/search/?q=AstraZeneca",
}
# Where each run's scores are kept, for docs/performance.md.
RESULTS = ROOT / "var" / "lighthouse"


@pytest.mark.parametrize("name, path", PAGES.items(), ids=list(PAGES))
def test_lighthouse_scores_every_page_type(live_report, tmp_path, name, path):
    if connection.vendor != "sqlite":
        pytest.skip("Lighthouse scores pages, not databases: it runs once, on SQLite")
    require(LIGHTHOUSE.exists(), f"{LIGHTHOUSE} is missing: run `npm ci`")
    chromium = chromium_path()
    require(chromium is not None, "no Chromium found (apt-get install chromium)")
    report = tmp_path / "report.json"
    command = [
        str(LIGHTHOUSE),
        live_report.url + path,
        "--quiet",
        "--chrome-flags=--headless=new " + " ".join(CHROMIUM_FLAGS),
        "--only-categories=accessibility,best-practices,seo,performance",
        "--output=json",
        f"--output-path={report}",
    ]
    for _attempt in range(2):  # a browser that fails to start is retried once, not a score
        result = subprocess.run(
            command,
            env={**os.environ, "CHROME_PATH": chromium},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if result.returncode == 0:
            break
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(report.read_text())
    scores = {key: data["categories"][key]["score"] for key in (*GATED, "performance")}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name.replace(' ', '-')}.json").write_text(json.dumps(scores))
    failing = {
        key: [
            ref["id"]
            for ref in data["categories"][key]["auditRefs"]
            if ref["weight"] and (data["audits"][ref["id"]]["score"] or 0) < 1
        ]
        for key in GATED
        if scores[key] < 1 and not (key == "seo" and name in NOT_FOR_SEARCH_ENGINES)
    }
    assert not failing, f"{name} ({path}): {scores}; failing audits {failing}"
