"""Queries that span several models, one function per page's needs.

Eager loading is decided here, once, so a page runs the same number of queries
whether an entity has one fact or forty. Only facts, quotes and articles from
published articles reach the public.
"""

from django.db.models import Prefetch, QuerySet

from .models import (
    Article,
    Company,
    CompanyRelation,
    Event,
    Fact,
    Participation,
    Person,
    Quote,
    Role,
    Tag,
)


def published_articles() -> QuerySet[Article]:
    return Article.objects.published().for_listing()


def _published_citations(queryset: QuerySet) -> QuerySet:
    return queryset.filter(citation__article__in=Article.objects.published()).select_related(
        "citation__article"
    )


def _facts() -> Prefetch:
    return Prefetch("facts", queryset=_published_citations(Fact.objects.all()))


def _articles() -> Prefetch:
    return Prefetch("articles", queryset=published_articles())


def article_detail_queryset() -> QuerySet[Article]:
    return Article.objects.prefetch_related(
        "tags",
        "companies",
        "people",
        "events",
        Prefetch("quotes", queryset=Quote.objects.select_related("speaker")),
    )


def company_detail_queryset() -> QuerySet[Company]:
    return Company.objects.prefetch_related(
        "tags",
        _facts(),
        _articles(),
        Prefetch(
            "relations_out",
            queryset=_published_citations(
                CompanyRelation.objects.select_related("target", "event")
            ),
        ),
        Prefetch(
            "relations_in",
            queryset=_published_citations(
                CompanyRelation.objects.select_related("source", "event")
            ),
        ),
        Prefetch("roles", queryset=_published_citations(Role.objects.select_related("person"))),
        Prefetch(
            "participations",
            queryset=_published_citations(Participation.objects.select_related("event")),
        ),
    )


def person_detail_queryset() -> QuerySet[Person]:
    return Person.objects.prefetch_related(
        "tags",
        _facts(),
        _articles(),
        Prefetch("roles", queryset=_published_citations(Role.objects.select_related("company"))),
        Prefetch(
            "quotes",
            queryset=Quote.objects.filter(article__in=Article.objects.published()).select_related(
                "article"
            ),
        ),
    )


def event_detail_queryset() -> QuerySet[Event]:
    return Event.objects.select_related("series").prefetch_related(
        "tags",
        "editions",
        _facts(),
        _articles(),
        Prefetch(
            "participations",
            queryset=_published_citations(Participation.objects.select_related("company")),
        ),
        Prefetch(
            "company_relations",
            queryset=_published_citations(
                CompanyRelation.objects.select_related("source", "target")
            ),
        ),
    )


def tag_detail_queryset() -> QuerySet[Tag]:
    return Tag.objects.prefetch_related(_facts())


def tagged_with(*, tag: Tag) -> dict[str, QuerySet]:
    """Everything that carries `tag`, by type, for the tag's page."""
    return {
        "articles": published_articles().filter(tags=tag),
        "companies": Company.objects.filter(tags=tag),
        "people": Person.objects.filter(tags=tag),
        "events": Event.objects.filter(tags=tag),
    }
