"""Full-text search ranks headline over standfirst over body, on either database.

The suite runs on SQLite (FTS5) and again on PostgreSQL (tsvector + GIN) in CI;
these expectations are the same on both, which is what "the results agree" means.
"""

import pytest
from django.db import connection

from articles.models import ArticleStatus
from articles.search import ranked_articles

from .factories import make_article
from .html import hrefs, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_places():
    make_article(
        "in-body",
        title="Quarterly results",
        standfirst="Numbers.",
        body="Later the biosimilar plant was mentioned.",
    )
    make_article(
        "in-standfirst",
        title="Factory news",
        standfirst="A new biosimilar plant.",
        body="Nothing else.",
    )
    make_article(
        "in-title", title="Biosimilar plant opens", standfirst="Big day.", body="Ribbon cut."
    )
    make_article(
        "draft",
        title="Biosimilar plant draft",
        status=ArticleStatus.DRAFT,
        published_at=None,
        body="Biosimilar plant biosimilar plant.",
    )
    make_article("unrelated", title="Weather", body="Rain.")


def slugs(terms):
    return [article.slug for article in ranked_articles(terms)]


def test_headline_beats_standfirst_beats_body(three_places):
    assert slugs(["biosimilar", "plant"]) == ["in-title", "in-standfirst", "in-body"]


def test_every_word_must_match_and_drafts_never_show(three_places):
    assert slugs(["biosimilar", "ribbon"]) == ["in-title"]
    assert "draft" not in slugs(["biosimilar"])
    assert slugs(["zebra"]) == []


def test_words_are_stemmed(three_places):
    assert slugs(["plants"]) == ["in-title", "in-standfirst", "in-body"]


def test_edits_are_searchable_at_once(three_places):
    from articles.models import Article

    article = Article.objects.get(slug="unrelated")
    article.title = "Biosimilar weather"
    article.save()
    assert "unrelated" in slugs(["biosimilar"])
    article.delete()
    assert "unrelated" not in slugs(["biosimilar"])


def test_the_engine_is_the_databases_own():
    expected = {"postgresql": "search_vector", "sqlite": "articles_article_fts"}[connection.vendor]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if connection.vendor == "sqlite":
            assert expected in tables
            # Table rebuilds in later migrations must not have dropped the triggers.
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            triggers = {row[0] for row in cursor.fetchall()}
            assert {
                "articles_article_fts_insert",
                "articles_article_fts_update",
                "articles_article_fts_delete",
            } <= triggers
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'articles_article_search_gin'"
            )
            assert "gin (search_vector)" in cursor.fetchone()[0]


def test_search_page_uses_the_ranking(client, three_places):
    doc = parse(client.get("/search/", {"q": "biosimilar plant"}))
    results = [href for href in hrefs(doc, "ul.results a") if href.startswith("/articles/")]
    assert results == ["/articles/in-title/", "/articles/in-standfirst/", "/articles/in-body/"]
