"""Titles, descriptions, canonical URLs, OpenGraph, Twitter cards and JSON-LD."""

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from .browser.test_reader import PAGE_TYPES
from .conftest import REPORT_SLUG

pytestmark = pytest.mark.django_db


class HeadReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.links, self.json_ld, self.title = {}, {}, [], ""
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.meta[attrs.get("name") or attrs.get("property")] = attrs.get("content")
        elif tag == "link":
            self.links.setdefault(attrs.get("rel"), attrs.get("href"))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json"
        elif tag == "title":
            self._in = "title"

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "json":
            self.json_ld.append(json.loads(data))
        elif self._in == "title":
            self.title += data


def read_head(client, path) -> HeadReader:
    reader = HeadReader()
    reader.feed(client.get(path).content.decode())
    return reader


@pytest.mark.parametrize("name, path", PAGE_TYPES.items(), ids=list(PAGE_TYPES))
def test_every_page_has_title_description_canonical_and_cards(client, report, name, path):
    head = read_head(client, path)
    assert head.title.strip().endswith("Newsroom")
    assert head.meta["description"]
    assert head.links["canonical"].startswith(f"{settings.SITE_URL}/")
    assert "?" not in head.links["canonical"]
    for key in ("og:title", "og:description", "og:type", "og:url", "twitter:card"):
        assert head.meta.get(key), key


def by_type(head: HeadReader) -> dict[str, dict]:
    return {data["@type"]: data for data in head.json_ld}


def test_article_json_ld(client, report):
    data = by_type(read_head(client, f"/articles/{REPORT_SLUG}/"))
    article = data["NewsArticle"]
    assert article["headline"] == report.title
    assert article["datePublished"].startswith("2026-11-26T09:00:00")
    assert article["dateModified"]
    assert article["author"][0]["name"] == "Newsroom"
    assert article["publisher"]["@type"] == "NewsMediaOrganization"
    assert article["image"][0].startswith(f"{settings.SITE_URL}/")
    about = {thing["url"] for thing in article["about"]}
    assert f"{settings.SITE_URL}/companies/astrazeneca/" in about
    assert f"{settings.SITE_URL}/people/leon-wang/" in about
    assert f"{settings.SITE_URL}/events/ciie-4/" in about
    for url in about | {thing["url"] for thing in article["mentions"]}:
        assert client.get(urlsplit(url).path).status_code == 200, url
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == ["Newsroom", "Articles", report.title]


def test_entity_json_ld(client, report):
    company = by_type(read_head(client, "/companies/astrazeneca/"))["Organization"]
    assert company["name"] == "AstraZeneca" and company["url"].endswith("/companies/astrazeneca/")
    person = by_type(read_head(client, "/people/leon-wang/"))["Person"]
    assert person["jobTitle"] == "executive vice-president, International and China president"
    assert person["worksFor"][0]["name"] == "AstraZeneca"
    event = by_type(read_head(client, "/events/ciie-4/"))["Event"]
    assert event["superEvent"]["name"] == "China International Import Expo"
    assert {a["name"] for a in event["attendee"]} >= {"AstraZeneca", "iCampus"}
    place = by_type(read_head(client, "/tags/shanghai/"))["Place"]
    assert place["name"] == "Shanghai"


def test_json_ld_cannot_close_its_script_element(client, report):
    from articles.models import Company

    Company.objects.filter(slug="abbisko").update(description="</script><script>alert(1)</script>")
    html = client.get("/companies/abbisko/").content.decode()
    assert "</script><script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html
