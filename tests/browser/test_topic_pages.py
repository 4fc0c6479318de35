"""What a reader sees first on topic pages, the home page and the article, at desk and
phone widths, in real Chromium."""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import REPORT_SLUG

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 800}
TOPIC_PAGES = {
    "company": "/companies/astrazeneca/",
    "person": "/people/leon-wang/",
    "event": "/events/ciie-4/",
    "series": "/events/china-international-import-expo/",
    "tag": "/tags/china/",
}


@pytest.mark.parametrize("name, path", TOPIC_PAGES.items(), ids=list(TOPIC_PAGES))
def test_the_latest_coverage_is_above_the_fold(page: Page, live_report, name, path):
    page.set_viewport_size(DESK)
    page.goto(live_report.url + path)
    first = page.locator("#coverage-heading ~ .article-list a.headline").first
    expect(first).to_have_attribute("href", f"/articles/{REPORT_SLUG}/")
    box = first.bounding_box()
    assert box and box["y"] + box["height"] <= DESK["height"], f"{name}: first article at {box}"


def test_how_we_know_is_disclosed_on_demand(page: Page, live_report):
    page.set_viewport_size(DESK)
    page.goto(live_report.url + "/companies/astrazeneca/")
    notes = page.locator("details.how")
    assert notes.count() > 0
    # No derivation text is visible until the reader asks for it.
    for n in range(notes.count()):
        expect(notes.nth(n).locator(".derivation")).not_to_be_visible()
    notes.first.locator("summary").click()
    expect(notes.first.locator(".derivation")).to_be_visible()
    expect(notes.nth(1).locator(".derivation")).not_to_be_visible()


def test_the_home_page_names_each_entity_once(page: Page, live_report):
    page.set_viewport_size(DESK)
    page.goto(live_report.url + "/")
    hrefs = page.locator(".front-side a").evaluate_all("links => links.map(a => a.pathname)")
    assert hrefs and len(hrefs) == len(set(hrefs)), hrefs
    # The expo's editions roll up into the series.
    assert "/events/china-international-import-expo/" in hrefs
    assert not [h for h in hrefs if h.startswith("/events/ciie-")]
    expect(page.locator(".lead .tags li")).to_have_count(5)


def test_a_caption_without_its_photo_is_not_shown(page: Page, live_report):
    page.goto(live_report.url + f"/articles/{REPORT_SLUG}/")
    expect(page.get_by_text("Photo caption")).to_have_count(0)
    expect(page.locator("figure.hero")).to_have_count(0)
    # The quotes are in the body once, not repeated after it.
    expect(page.get_by_text("In their words")).to_have_count(0)


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["1280", "375"])
def test_the_header_is_compact_and_search_is_labelled(page: Page, live_report, viewport):
    page.set_viewport_size(viewport)
    page.goto(live_report.url + "/companies/astrazeneca/")
    header = page.locator(".site-header").bounding_box()
    assert header and header["height"] <= 100, header
    if viewport is DESK:
        expect(page.get_by_label("Search", exact=True)).to_be_visible()
    else:  # phones get a link to the search page instead of a squeezed box
        page.get_by_role("link", name="Search", exact=True).click()
        expect(
            page.get_by_label("Search articles, companies, people, events and tags")
        ).to_be_visible()


@pytest.mark.parametrize("name, path", TOPIC_PAGES.items(), ids=list(TOPIC_PAGES))
@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["1280", "375"])
def test_the_timeline_names_each_date_once_in_order(page: Page, live_report, name, path, viewport):
    """No repeated "date not stated" rows: each date heads one group, undated last."""
    page.set_viewport_size(viewport)
    page.goto(live_report.url + path)
    groups = page.locator("ol.timeline > li > .when")
    whens = [text.strip() for text in groups.all_inner_texts()]
    if name != "tag":  # a tag's page has no timeline
        assert whens, f"{name} shows no timeline"
    assert len(whens) == len(set(whens)), f"{name}: {whens}"
    isos = groups.evaluate_all(
        "spans => spans.map(s => s.querySelector('time')?.getAttribute('datetime') || '')"
    )
    dated = [iso for iso in isos if iso]
    assert dated == sorted(dated), f"{name}: {isos}"
    assert "" not in isos[: len(dated)], f"{name}: undated rows come last, once: {whens}"


def test_on_a_phone_the_company_page_opens_with_its_story(page: Page, live_report):
    page.set_viewport_size(PHONE)
    page.goto(live_report.url + "/companies/astrazeneca/")
    expect(page.locator("h1")).to_have_text("AstraZeneca")
    first = page.locator("#coverage-heading ~ .article-list a.headline").first
    box = first.bounding_box()
    # The headline, summary and the first article fit within the first two screens.
    assert box and box["y"] <= 2 * PHONE["height"], box
