"""The public surface against hostile requests: what one reader's request may leave
in the page cache for everyone else (issue 10, findings 5 to 12)."""

from pathlib import Path

import pytest

from .conftest import REPORT_SLUG
from .tools import run_with_the_database_down

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent

SITE = "http://news.example.com"
FORGED_HOST = "localhost:6666"  # allowed: Django strips the port before matching


# --- 6: cache poisoning through Host ---------------------------------------------------

HOST_PAGES = [
    "/sitemap.xml",
    "/robots.txt",
    "/feed/",
    "/feed/atom/",
    "/feed/company/astrazeneca/atom/",
    "/",
    f"/articles/{REPORT_SLUG}/",
    "/companies/astrazeneca/",
]


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE
    return SITE


@pytest.mark.parametrize("path", HOST_PAGES)
def test_absolute_urls_come_from_site_url_never_from_the_host(client, report, site_url, path):
    forged = client.get(path, HTTP_HOST=FORGED_HOST)
    assert forged.status_code == 200
    honest = client.get(path)
    for response in (forged, honest):
        body = response.content.decode()
        assert "6666" not in body and "localhost" not in body
        assert f"{SITE}/" in body


def test_canonical_og_url_and_json_ld_use_site_url(client, report, site_url):
    from .test_metadata import HeadReader

    head = HeadReader()
    head.feed(client.get("/companies/astrazeneca/", HTTP_HOST=FORGED_HOST).content.decode())
    assert head.links["canonical"] == f"{SITE}/companies/astrazeneca/"
    assert head.meta["og:url"] == f"{SITE}/companies/astrazeneca/"
    assert {data["url"] for data in head.json_ld if "url" in data} == {
        f"{SITE}/companies/astrazeneca/"
    }


@pytest.mark.parametrize("path", ["/", "/robots.txt", "/companies/astrazeneca/"])
def test_a_disallowed_host_is_refused_even_when_the_page_is_cached(client, report, path):
    assert client.get(path)["X-Page-Cache"] == "miss"
    assert client.get(path)["X-Page-Cache"] == "hit"
    assert client.get(path, HTTP_HOST="attacker.example").status_code == 400


# --- 12: pages that need no database answer with it down --------------------------------


def test_robots_txt_answers_200_with_the_database_down_in_a_real_process():
    result = run_with_the_database_down(
        "from django.test import Client; "
        "c = Client(raise_request_exception=False); "
        "r = c.get('/robots.txt'); print(r.status_code, r.content.decode().splitlines()[0]); "
        "r = c.get('/'); print(r.status_code)",
        PAGE_CACHE_SECONDS="300",
    )
    assert result.stdout.splitlines() == ["200 User-agent: *", "503"], result.stderr[-3000:]


# --- 9: an old slug's redirect reveals no draft ----------------------------------------


def test_an_old_slug_does_not_lead_readers_to_a_draft(client, admin_user):
    from articles import editorial
    from articles.models import ArticleStatus

    from .factories import make_article

    article = make_article("quiet-headline", status=ArticleStatus.DRAFT, published_at=None)
    article.slug = "secret-merger-announced"
    article.save()
    editorial.record_slug_change(article, "quiet-headline")

    reader = client.get("/articles/quiet-headline/")
    assert reader.status_code == 404
    assert "secret-merger" not in reader.get("Location", "") + reader.content.decode()
    client.force_login(admin_user)
    staff = client.get("/articles/quiet-headline/")
    assert staff.status_code == 301 and staff["Location"] == "/articles/secret-merger-announced/"


def test_an_old_slug_still_leads_readers_to_a_live_article(client):
    from articles import editorial

    from .factories import make_article

    article = make_article("first-headline")
    article.slug = "better-headline"
    article.save()
    editorial.record_slug_change(article, "first-headline")
    response = client.get("/articles/first-headline/")
    assert response.status_code == 301 and response["Location"] == "/articles/better-headline/"


# --- 10: feeds carry the standfirst as text --------------------------------------------

MARKUP = 'Profits <b>doubled</b> & <a href="https://phish.example/">more</a>'


def rendered(detail) -> tuple[str, list[str]]:
    """What a feed reader shows for a text construct: (its text, the elements in it)."""
    from html.parser import HTMLParser

    if detail.type == "text/plain":
        return detail.value, []

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.text, self.tags = "", []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.text += data

    reader = Reader()
    reader.feed(detail.value)
    reader.close()
    return reader.text, reader.tags


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/"])
def test_feeds_show_a_standfirst_as_the_text_it_is(client, path):
    import feedparser

    from .factories import make_article

    make_article("markup", standfirst=MARKUP)
    feed = feedparser.parse(client.get(path).content)
    assert not feed.bozo, feed.get("bozo_exception")
    [entry] = feed.entries
    assert rendered(entry.summary_detail) == (MARKUP, [])


# --- 11: a scheduled article's new tags and directory entries stay under embargo --------


def tag_counts(client) -> dict[str, str]:
    import re

    html = client.get("/tags/").content.decode()
    return dict(
        re.findall(r'<a href="/tags/[^"]+/">([^<]+) <span class="count">(\d+)</span>', html)
    )


def embargo_leaks(client) -> list[str]:
    """Where anything of the scheduled article shows to a reader."""
    leaks = []
    if "Nightjar" in client.get("/tags/").content.decode():
        leaks.append("tag list")
    sitemap = client.get("/sitemap.xml").content.decode()
    if "stealth-biotech" in sitemap or "nightjar" in sitemap:
        leaks.append("sitemap")
    for query, link in (
        ("Stealth", "/companies/stealth-biotech/"),
        ("Nightjar", "/tags/project-nightjar/"),
        ("Quill", "/people/ada-quill/"),
    ):
        if f'href="{link}"' in client.get(f"/search/?q={query}").content.decode():
            leaks.append(f"search {query}")
    if "Stealth Biotech" in client.get("/companies/").content.decode():
        leaks.append("company list")
    if client.get("/companies/stealth-biotech/").status_code != 404:
        leaks.append("company page")
    if client.get("/tags/project-nightjar/").status_code != 404:
        leaks.append("tag page")
    return leaks


def test_a_scheduled_articles_new_tags_and_entries_stay_hidden_until_it_is_live(
    client, report, admin_user
):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Tag

    from .factories import make_article, make_company, make_person

    counts_before = tag_counts(client)
    scheduled = make_article("takeover", published_at=timezone.now() + timedelta(days=1))
    scheduled.companies.add(make_company("stealth-biotech", name="Stealth Biotech"))
    scheduled.people.add(make_person("ada-quill", name="Ada Quill"))
    nightjar = Tag.objects.create(name="Project Nightjar", slug="project-nightjar")
    scheduled.tags.add(nightjar, Tag.objects.get(slug="china"))

    assert embargo_leaks(client) == []
    assert tag_counts(client) == counts_before  # China's count does not move either
    staff = type(client)()
    staff.force_login(admin_user)
    assert staff.get("/companies/stealth-biotech/").status_code == 200  # staff preview

    scheduled.published_at = timezone.now() - timedelta(minutes=1)
    scheduled.save()
    assert embargo_leaks(client) == [
        "tag list",
        "sitemap",
        "search Stealth",
        "search Nightjar",
        "search Quill",
        "company list",
        "company page",
        "tag page",
    ]
    counts_after = tag_counts(client)
    assert int(counts_after["China"]) == int(counts_before["China"]) + 1
    assert counts_after["Project Nightjar"] == "1"
