"""Feeds through a real feed parser; the sitemap as XML; robots.txt."""

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import jsonschema
import pytest
from django.conf import settings
from django.utils.html import escape

from articles.models import ArticleStatus
from articles.timestamps import to_the_second

from .conftest import REPORT_SLUG
from .factories import make_article
from .html import parse as parse_html

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
JSON_FEEDS = [path.removesuffix("atom/") + "json/" for path in FEEDS if path.endswith("atom/")]
JSON_FEED_SCHEMA = json.loads((Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text())


def parse(response):
    """As a feed reader does: by the bytes, and the type the server says."""
    return feedparser.parse(
        response.content, response_headers={"content-type": response["Content-Type"]}
    )


def json_feed(response) -> dict:
    """A JSON Feed, checked against the 1.1 spec (feedparser 6.0 reads none)."""
    assert response["Content-Type"].startswith("application/feed+json")
    document = json.loads(response.content)
    jsonschema.validate(document, JSON_FEED_SCHEMA, format_checker=jsonschema.FormatChecker())
    return document


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_parse_and_carry_the_report(client, report, path):
    response = client.get(path)
    assert response.status_code == 200
    feed = parse(response)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == ("atom10" if path.endswith("atom/") else "rss20")
    assert feed.feed.title
    [entry] = feed.entries
    assert entry.title == report.title
    assert entry.link == f"{settings.SITE_URL}/articles/{REPORT_SLUG}/"
    assert entry.summary == report.standfirst
    assert entry.published_parsed is not None
    assert {tag.term for tag in entry.tags} >= {"Shanghai", "China"}


@pytest.mark.parametrize("path", JSON_FEEDS)
def test_json_feeds_follow_the_spec_and_carry_the_report(client, report, path):
    feed = json_feed(client.get(path))
    assert feed["feed_url"] == f"{settings.SITE_URL}{path}" and feed["title"]
    [item] = feed["items"]
    assert item["title"] == report.title
    assert item["url"] == item["id"] == f"{settings.SITE_URL}/articles/{REPORT_SLUG}/"
    assert item["content_html"] == escape(report.standfirst)
    assert datetime.fromisoformat(item["date_published"]) == to_the_second(report.published_at)
    assert {"Shanghai", "China"} <= set(item["tags"])


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
        entries = parse(client.get(path)).entries
        assert [entry.title for entry in entries] == [report.title], path
    for path in ("/feed/json/", "/feed/company/astrazeneca/json/"):
        items = json_feed(client.get(path))["items"]
        assert [item["title"] for item in items] == [report.title], path


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


def test_every_page_advertises_its_feeds_in_each_format_and_each_answers(client, report):
    for page in ("/", "/companies/astrazeneca/", "/together/company/astrazeneca/event/ciie-4/"):
        html = client.get(page).content.decode()
        for mime in ("application/rss+xml", "application/atom+xml", "application/feed+json"):
            [link] = parse_html(html).xpath(f'//head/link[@rel="alternate"][@type="{mime}"]')
            response = client.get(link.get("href"))
            assert response.status_code == 200, link.get("href")
            if mime.endswith("json"):
                assert json_feed(response)["items"]
            else:
                assert parse(response).entries
