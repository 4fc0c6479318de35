"""Public pages on the report's data: status, template, content, links, queries."""

from collections import deque
from copy import deepcopy
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from articles.models import (
    Article,
    ArticleStatus,
    Citation,
    Company,
    CompanyRelation,
    Event,
    Fact,
    Participation,
    Person,
    Tag,
)

from .conftest import REPORT_SLUG
from .factories import make_article
from .html import hrefs, parse, section, text

pytestmark = pytest.mark.django_db

ROUTES = [
    ("home", {}, "/"),
    ("article_list", {}, "/articles/"),
    ("article_detail", {"slug": REPORT_SLUG}, f"/articles/{REPORT_SLUG}/"),
    ("company_list", {}, "/companies/"),
    ("company_detail", {"slug": "astrazeneca"}, "/companies/astrazeneca/"),
    ("person_list", {}, "/people/"),
    ("person_detail", {"slug": "leon-wang"}, "/people/leon-wang/"),
    ("event_list", {}, "/events/"),
    ("event_detail", {"slug": "ciie-4"}, "/events/ciie-4/"),
    ("tag_list", {}, "/tags/"),
    ("tag_detail", {"slug": "shanghai"}, "/tags/shanghai/"),
    ("tag_group", {"slug": "shanghai", "group": "companies"}, "/tags/shanghai/companies/"),
    (
        "intersection",
        {"kind_a": "company", "slug_a": "astrazeneca", "kind_b": "event", "slug_b": "ciie-4"},
        "/together/company/astrazeneca/event/ciie-4/",
    ),
    (
        "intersection_feed",
        {"kind_a": "company", "slug_a": "astrazeneca", "kind_b": "tag", "slug_b": "china"},
        "/together/company/astrazeneca/tag/china/feed/",
    ),
    ("search", {}, "/search/"),
    ("feed", {}, "/feed/"),
    ("feed_atom", {}, "/feed/atom/"),
    ("entity_feed", {"kind": "person", "slug": "leon-wang"}, "/feed/person/leon-wang/"),
    ("entity_feed_atom", {"kind": "tag", "slug": "china"}, "/feed/tag/china/atom/"),
    ("sitemap", {}, "/sitemap.xml"),
    ("robots_txt", {}, "/robots.txt"),
]


@pytest.mark.parametrize("name, kwargs, path", ROUTES, ids=[route[0] for route in ROUTES])
def test_urls_reverse_and_resolve(name, kwargs, path):
    assert reverse(name, kwargs=kwargs) == path
    match = resolve(path)
    assert match.url_name == name and match.captured_kwargs == kwargs


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def links_in(response) -> list[str]:
    collector = LinkCollector()
    collector.feed(response.content.decode())
    return collector.links


def test_every_internal_link_answers_200_and_reaches_every_entity(client, report):
    """Crawl the public site from the home page, as a reader clicking every link."""
    seen, queue = set(), deque(["/"])
    while queue:
        path = queue.popleft()
        response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        for href in links_in(response):
            parts = urlsplit(href)
            target = urldefrag(parts.path)[0] + (f"?{parts.query}" if parts.query else "")
            if parts.netloc or not target.startswith("/") or target.startswith("/static/"):
                continue
            if target not in seen:
                seen.add(target)
                queue.append(target)

    expected = {f"/articles/{REPORT_SLUG}/"}
    for model in (Company, Person, Event, Tag):
        expected |= {obj.get_absolute_url() for obj in model.objects.all()}
    assert expected <= seen, f"unreachable: {sorted(expected - seen)}"


class TestArticlePage:
    def test_shows_the_report_with_anchored_paragraphs(self, client, report):
        response = client.get(report.get_absolute_url())
        assert response.status_code == 200
        assert "articles/article_detail.html" in [t.name for t in response.templates]
        html = response.content.decode()
        assert "<h1>AstraZeneca continues to grow footprint in China" in html
        assert 'id="p-1"' in html and 'id="p-24"' in html and 'id="p-25"' not in html
        assert "Special Reports" in html
        # The caption describes a photo the report does not include: not shown alone.
        doc = parse(response)
        assert not doc.cssselect("figure.hero, .caption, article figcaption")
        assert "Photo caption:" not in text(doc.cssselect("article")[0])
        for url in (
            "/companies/astrazeneca/",
            "/people/leon-wang/",
            "/events/ciie-4/",
            "/tags/shanghai/",
        ):
            assert f'href="{url}"' in html
        assert "Draft preview" not in html

    def test_drafts_and_scheduled_articles_are_404_for_readers(self, client, db):
        from datetime import timedelta

        from django.utils import timezone

        draft = make_article("draft", status=ArticleStatus.DRAFT, published_at=None)
        scheduled = make_article("later", published_at=timezone.now() + timedelta(days=1))
        for article in (draft, scheduled):
            assert client.get(article.get_absolute_url()).status_code == 404
        assert hrefs(parse(client.get("/articles/")), ".article-list a.headline") == []

    def test_staff_preview_drafts_with_a_banner(self, client, admin_user):
        draft = make_article("draft", status=ArticleStatus.DRAFT, published_at=None)
        client.force_login(admin_user)
        response = client.get(draft.get_absolute_url())
        assert response.status_code == 200
        assert "Draft preview" in response.content.decode()


class TestEntityPages:
    def test_company_page_cites_each_fact_at_its_passage(self, client, report):
        response = client.get("/companies/astrazeneca/")
        html = response.content.decode()
        assert "China headquarters" in html and "Shanghai" in html
        assert f"/articles/{REPORT_SLUG}/#p-21:~:text=" in html
        # A relation is one sentence, the same on both pages, the other end linked.
        founded = (
            "AstraZeneca founded Healthcare industry fund of AstraZeneca and China "
            "International Capital Corporation"
        )

        def sentences(path):
            """Each relation's sentence as read, without its source marker and note."""
            found = {}
            for li in parse(client.get(path)).cssselect("#relations-heading ~ ul > li"):
                words = deepcopy(li)
                for extra in words.cssselect(".cite, .how"):
                    extra.drop_tree()
                found[text(words)] = li
            return found

        on_astrazeneca = sentences("/companies/astrazeneca/")
        on_fund = sentences("/companies/healthcare-industry-fund/")
        assert any(line.startswith(founded) for line in on_astrazeneca)
        assert any(line.startswith(founded) for line in on_fund)
        [line] = [li for key, li in on_fund.items() if key.startswith(founded)]
        assert hrefs(line)[0] == "/companies/astrazeneca/"
        invested = [line for line in sentences("/companies/abbisko/") if "invested in" in line]
        assert invested and all(line.endswith("invested in Abbisko") for line in invested)

    def test_person_page_shows_role_and_quotes(self, client, report):
        html = client.get("/people/leon-wang/").content.decode()
        assert "executive vice-president, International and China president" in html
        assert html.count("<blockquote>") == 4

    def test_event_page_shows_series_and_participants(self, client, report):
        html = client.get("/events/ciie-4/").content.decode()
        assert 'href="/events/china-international-import-expo/"' in html
        assert 'href="/companies/astrazeneca/"' in html and "exhibitor" in html
        series = client.get("/events/china-international-import-expo/").content.decode()
        assert all(f'href="/events/ciie-{n}/"' in series for n in range(1, 5))

    def test_tag_page_gathers_everything_tagged(self, client, report):
        html = client.get("/tags/shanghai/").content.decode()
        assert f'href="/articles/{REPORT_SLUG}/"' in html
        assert 'href="/companies/astrazeneca/"' in html
        product = client.get("/tags/roxadustat/").content.decode()
        assert "Kidney diseases" in product

    @pytest.mark.parametrize("state", ["draft", "scheduled"])
    def test_facts_from_unpublished_articles_stay_private(self, client, report, state):
        from datetime import timedelta

        from django.utils import timezone

        hidden = make_article(
            state,
            status=ArticleStatus.DRAFT if state == "draft" else ArticleStatus.PUBLISHED,
            published_at=None if state == "draft" else timezone.now() + timedelta(hours=1),
            body="Acme has a secret plan.",
        )
        Fact.objects.create(
            company=Company.objects.get(slug="abbisko"),
            label="Secret",
            value="plan",
            citation=Citation.objects.create(article=hidden, excerpt="Acme has a secret plan."),
        )
        assert "secret" not in client.get("/companies/abbisko/").content.decode().lower()

    @pytest.mark.parametrize(
        "path",
        ["/companies/nope/", "/people/nope/", "/events/nope/", "/tags/nope/", "/articles/nope/"],
    )
    def test_unknown_slugs_get_the_designed_404(self, client, db, path):
        response = client.get(path)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def count_queries(client, path, *, panels: bool = False) -> int:
    """Queries the view itself runs: the page cache is off (a cached page runs none),
    and so are kept panels unless `panels` (then each is drawn once first)."""
    fragments = 300 if panels else 0
    with override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=fragments):
        if panels:
            assert client.get(path).status_code == 200
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).status_code == 200
    return len(context)


# Every public page type, with the most queries it may run. Eight is the target for
# any public page; the test below shows the counts do not grow with content.
QUERY_BUDGETS = {
    "/": 9,  # and upcoming and recent events, each stopping at five
    "/articles/": 3,
    # and its people's roles, kept whole in the body; related: candidates, then five
    f"/articles/{REPORT_SLUG}/": 9,
    "/companies/": 3,  # the page, the count, the coverage of its rows
    "/companies/astrazeneca/": 8,
    "/people/": 4,  # and their roles
    "/people/leon-wang/": 6,
    "/events/": 4,  # and their editions
    "/events/ciie-4/": 8,  # and the series' editions, for previous/next
    "/tags/": 1,
    "/tags/shanghai/": 6,
    "/tags/shanghai/companies/": 3,
    "/together/company/astrazeneca/event/ciie-4/": 6,
    "/search/?q=AstraZeneca+China": 6,  # SQLite: the FTS5 ranking, then the rows
    "/feed/": 2,
    "/feed/company/astrazeneca/atom/": 3,
    "/together/company/astrazeneca/event/ciie-4/feed/": 4,
    "/sitemap.xml": 11,  # two a section (count, page) for five sections, one for the lists
    "/robots.txt": 0,
}


@pytest.mark.parametrize("path, budget", QUERY_BUDGETS.items())
def test_pages_stay_within_their_query_budget(client, report, path, budget):
    assert count_queries(client, path) <= budget


# A page whose panels are kept (articles/fragments.py), as after a write that changed
# none of them, reads only its subject (the home page: nothing).
PANEL_BUDGETS = {
    "/": 0,
    f"/articles/{REPORT_SLUG}/": 1,
    "/companies/astrazeneca/": 1,
    "/people/leon-wang/": 1,
    "/events/ciie-4/": 1,
    "/tags/shanghai/": 1,
}


@pytest.mark.parametrize("path, budget", PANEL_BUDGETS.items())
def test_a_page_with_its_panels_kept_reads_only_its_subject(client, report, path, budget):
    assert count_queries(client, path, panels=True) <= budget


def test_query_count_does_not_grow_with_content(client, report):
    """Forty more tags, facts and entities on a page cost no extra query."""
    before = {path: count_queries(client, path) for path in QUERY_BUDGETS}
    astrazeneca = Company.objects.get(slug="astrazeneca")
    ciie = Event.objects.get(slug="ciie-4")
    citation = Citation.objects.filter(article=report).first()
    for n in range(40):
        tag = Tag.objects.create(name=f"Extra {n}", kind="place")
        company = Company.objects.create(name=f"Extra {n}", slug=f"extra-{n}")
        company.tags.add(Tag.objects.get(slug="shanghai"))
        report.companies.add(company)
        report.tags.add(tag)
        astrazeneca.tags.add(tag)
        Fact.objects.create(company=astrazeneca, label=f"Extra {n}", value="x", citation=citation)
        CompanyRelation.objects.create(
            source=astrazeneca, target=company, kind="partner_of", citation=citation
        )
        Participation.objects.create(company=company, event=ciie, citation=citation)
        make_article(f"extra-{n}", body="Another story.").companies.add(astrazeneca)
    after = {path: count_queries(client, path) for path in QUERY_BUDGETS}
    assert after == before


@pytest.mark.parametrize("query", ["?page=abc", "?page=0", "?page=99999", "?page=-1", "?page=1e9"])
def test_bad_page_numbers_are_404_not_500(client, report, query):
    for path in ("/companies/", "/tags/china/companies/"):
        assert client.get(path + query).status_code == 404


@pytest.mark.parametrize("cursor", ["abc", "-", "1-", "-1", "99999999999999999999999-1", "1.5-2"])
def test_bad_cursors_are_404_not_500(client, report, cursor):
    for path in ("/articles/", "/tags/china/articles/"):
        assert client.get(path, {"before": cursor}).status_code == 404


def test_article_list_pages_by_keyset_through_every_article(client, db):
    from datetime import timedelta

    from django.utils import timezone

    # Fifteen articles share each of three publication times, so every page boundary
    # (20, 40) falls inside a run of equal times: only the pk can break those ties.
    now = timezone.now()
    for n in range(45):
        make_article(f"a{n:02}", published_at=now - timedelta(minutes=n // 15))
    expected = [
        f"/articles/{slug}/"
        for slug in Article.objects.order_by("-published_at", "-pk").values_list("slug", flat=True)
    ]
    seen, path, pages = [], "/articles/", 0
    while path:
        doc = parse(client.get(path))
        seen += hrefs(doc, ".article-list a.headline")
        older = doc.xpath('//a[starts-with(@href, "?before=")]/@href')
        path = "/articles/" + older[0] if older else None
        pages += 1
    assert seen == expected
    assert pages == 3


def test_unknown_tag_group_is_404(client, report):
    assert client.get("/tags/china/widgets/").status_code == 404


def test_server_error_page_is_in_the_site_design(client, db, settings):
    from django.views.defaults import server_error

    response = server_error(client.get("/").wsgi_request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and "site.css" in html


def test_home_shows_upcoming_and_recent_dated_events(client, report):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    next_expo = Event.objects.create(
        name="Next Expo",
        slug="next-expo",
        starts_on=today + timedelta(days=30),
        date_precision="day",
    )
    last_expo = Event.objects.create(
        name="Last Expo",
        slug="last-expo",
        starts_on=today - timedelta(days=30),
        date_precision="month",
    )
    report.events.add(next_expo, last_expo)  # public once a live article is about them
    doc = parse(client.get("/"))
    upcoming, recent = text(section(doc, "upcoming-heading")), text(section(doc, "recent-heading"))
    assert "Next Expo" in upcoming and "Last Expo" not in upcoming
    assert "Last Expo" in recent and "Next Expo" not in recent
    assert (today - timedelta(days=30)).strftime("%B %Y") in recent
