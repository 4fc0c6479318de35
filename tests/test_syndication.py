"""Feeds through a real feed parser; the sitemap as XML; robots.txt."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import feedparser
import pytest
from django.conf import settings

from articles.models import ArticleStatus

from .conftest import REPORT_SLUG
from .factories import make_article

pytestmark = pytest.mark.django_db

FEEDS = [
    "/feed/",
    "/feed/atom/",
    "/feed/company/astrazeneca/",
    "/feed/company/astrazeneca/atom/",
    "/feed/person/leon-wang/",
    "/feed/event/ciie-4/atom/",
    "/feed/tag/shanghai/",
    "/together/company/astrazeneca/event/ciie-4/feed/",
    "/together/company/astrazeneca/event/ciie-4/feed/atom/",
]


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_parse_and_carry_the_report(client, report, path):
    response = client.get(path)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == ("atom10" if path.endswith("atom/") else "rss20")
    assert feed.feed.title
    [entry] = feed.entries
    assert entry.title == report.title
    assert entry.link == f"{settings.SITE_URL}/articles/{REPORT_SLUG}/"
    assert entry.summary == report.standfirst
    assert entry.published_parsed is not None
    assert {tag.term for tag in entry.tags} >= {"Shanghai", "China"}


def test_feeds_leave_out_drafts_and_scheduled_articles(client, report):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Company

    astrazeneca = Company.objects.get(slug="astrazeneca")
    draft = make_article("draft", status=ArticleStatus.DRAFT, published_at=None)
    later = make_article("later", published_at=timezone.now() + timedelta(hours=1))
    for article in (draft, later):
        article.companies.add(astrazeneca)
    for path in ("/feed/", "/feed/atom/", "/feed/company/astrazeneca/"):
        entries = feedparser.parse(client.get(path).content).entries
        assert [entry.title for entry in entries] == [report.title], path


@pytest.mark.parametrize(
    "path",
    ["/feed/company/nope/", "/feed/tag/nope/atom/", "/together/company/nope/tag/china/feed/"],
)
def test_feeds_of_unknown_things_are_404(client, report, path):
    assert client.get(path).status_code == 404


def test_sitemap_lists_every_page_and_each_answers_200(client, report):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(response.content)
    urls = {
        url.find("s:loc", namespace).text: url.find("s:lastmod", namespace)
        for url in root.findall("s:url", namespace)
    }
    paths = {urlsplit(loc).path for loc in urls}
    assert f"/articles/{REPORT_SLUG}/" in paths
    assert {
        "/",
        "/companies/astrazeneca/",
        "/people/leon-wang/",
        "/events/ciie-4/",
        "/tags/shanghai/",
    } <= paths
    for loc, lastmod in urls.items():
        if "/tags/" not in loc or loc.endswith("/tags/"):
            assert lastmod is not None and lastmod.text, loc
        assert client.get(urlsplit(loc).path).status_code == 200, loc


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
