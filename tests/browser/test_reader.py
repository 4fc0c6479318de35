"""A reader in real headless Chromium: walking the links, accessibility, small screens."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import REPORT_SLUG
from tests.tools import AXE_JS, require

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_TYPES = {
    "home": "/",
    "article list": "/articles/",
    "article": f"/articles/{REPORT_SLUG}/",
    "company list": "/companies/",
    "company": "/companies/astrazeneca/",
    "person list": "/people/",
    "person": "/people/leon-wang/",
    "event list": "/events/",
    "event": "/events/ciie-4/",
    "tag list": "/tags/",
    "tag": "/tags/china/",
    "tag group": "/tags/china/companies/",
    "intersection": "/together/company/astrazeneca/event/ciie-4/",
    "search": "/search/?q=AstraZeneca",
    "empty search": "/search/?q=",
    "not found": "/companies/no-such-company/",
}


def test_a_reader_walks_the_site_by_clicking_links(page: Page, live_report):
    base = live_report.url
    page.goto(base + "/")
    page.locator(".lead h2 a").click()
    expect(page).to_have_url(f"{base}/articles/{REPORT_SLUG}/")
    expect(page.locator("h1")).to_have_text(re.compile("AstraZeneca continues to grow"))

    page.locator(".rail").get_by_role("link", name="AstraZeneca", exact=True).click()
    expect(page).to_have_url(f"{base}/companies/astrazeneca/")

    page.locator("#tags-heading + ul").get_by_role("link", name="China", exact=True).click()
    expect(page).to_have_url(f"{base}/tags/china/")

    page.get_by_role("link", name="China International Import Expo", exact=True).click()
    expect(page).to_have_url(f"{base}/events/china-international-import-expo/")
    expect(page.locator("h1")).to_have_text("China International Import Expo")

    page.go_back()
    expect(page).to_have_url(f"{base}/tags/china/")
    page.get_by_role("link", name="Leon Wang", exact=True).first.click()
    expect(page).to_have_url(f"{base}/people/leon-wang/")
    expect(page.locator("blockquote")).to_have_count(4)

    page.get_by_role("link", name="Leon Wang × AstraZeneca").click()
    expect(page).to_have_url(f"{base}/together/company/astrazeneca/person/leon-wang/")
    expect(page.locator("h1")).to_have_text("AstraZeneca × Leon Wang")

    page.get_by_label("Search", exact=True).fill("Roxadustat")
    page.get_by_role("button", name="Go").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=Roxadustat$"))
    expect(page.locator("mark").first).to_have_text("Roxadustat")
    page.locator("#r-tags + ul").get_by_role("link").first.click()
    expect(page).to_have_url(f"{base}/tags/roxadustat/")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/search/\?q=Roxadustat$"))


def test_citation_links_open_the_exact_passage(page: Page, live_report):
    page.goto(live_report.url + "/companies/healthcare-industry-fund/")
    page.get_by_role("link", name=re.compile("It has completed the first phase")).first.click()
    expect(page).to_have_url(re.compile(rf"/articles/{REPORT_SLUG}/#p-16"))
    target = page.locator("#p-16")
    expect(target).to_contain_text("2.2 billion yuan (US$338 million)")
    expect(target).to_be_in_viewport()


DARK_PAGES = ["home", "article", "company", "event", "search"]


@pytest.mark.parametrize(
    "name, path, scheme",
    [(name, path, "light") for name, path in PAGE_TYPES.items()]
    + [(name, PAGE_TYPES[name], "dark") for name in DARK_PAGES],
    ids=[*PAGE_TYPES, *(f"{name} dark" for name in DARK_PAGES)],
)
def test_axe_finds_no_accessibility_violations(browser, live_report, name, path, scheme):
    require(AXE_JS.exists(), f"{AXE_JS} is missing: run `npm ci`")
    # Our CSP forbids inline scripts, axe's included: this context lets axe in. Dark
    # mode has colours of its own, so its contrast is checked too.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_report.url + path)
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
    )
    violations = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in result["violations"]
    ]
    context.close()
    assert violations == [], f"{name} ({path})"


@pytest.mark.parametrize("name, path", PAGE_TYPES.items(), ids=list(PAGE_TYPES))
def test_narrow_screens_never_scroll_sideways(page: Page, live_report, name, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_report.url + path)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} ({path}) is {overflow}px wider than the screen"
