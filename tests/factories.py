"""Small builders for test rows; each fills only what the model requires."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article, ArticleStatus, Citation, Company, Event, Person


def make_article(slug="a-story", status=ArticleStatus.PUBLISHED, published_at="past", **fields):
    if published_at == "past":
        published_at = timezone.now() - timedelta(hours=1)
    fields.setdefault("title", slug.replace("-", " ").title())
    fields.setdefault("body", "First paragraph about Acme.\n\nSecond paragraph.")
    return Article.objects.create(slug=slug, status=status, published_at=published_at, **fields)


def make_company(slug="acme", **fields):
    fields.setdefault("name", slug.title())
    return Company.objects.create(slug=slug, **fields)


def make_person(slug="ada-lovelace", **fields):
    fields.setdefault("name", slug.replace("-", " ").title())
    return Person.objects.create(slug=slug, **fields)


def make_event(slug="expo", **fields):
    fields.setdefault("name", slug.title())
    return Event.objects.create(slug=slug, **fields)


def make_citation(article, excerpt="about Acme"):
    return Citation.objects.create(article=article, excerpt=excerpt)
