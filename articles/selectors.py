"""Queries that span several models, one function per page's needs.

Eager loading is decided here, once, so a page runs the same number of queries
whether an entity has one fact or forty. Only facts, quotes and articles from
published articles reach the public.
"""

from django.db.models import Count, F, Prefetch, Q, QuerySet, Value, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import (
    Article,
    ArticleStatus,
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


def article_listing() -> QuerySet[Article]:
    """Published articles as lists show them: with their tags, newest first."""
    return published_articles().prefetch_related("tags")


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


def _published_filter(prefix: str = "articles__") -> Q:
    return Q(
        **{f"{prefix}status": ArticleStatus.PUBLISHED, f"{prefix}published_at__lte": timezone.now()}
    )


def in_the_news(model, *, limit: int = 8) -> QuerySet:
    """Entities by how many published articles are about them, most first."""
    return (
        model.objects.annotate(article_count=Count("articles", filter=_published_filter()))
        .filter(article_count__gt=0)
        .order_by("-article_count", "name")[:limit]
    )


def tags_with_counts() -> QuerySet[Tag]:
    return Tag.objects.annotate(item_count=Count("tagged_items")).order_by("kind", "name")


def top_tags_by_kind(*, per_kind: int = 8) -> dict[str, list[Tag]]:
    """The most used tags of each kind, in one query (a window function ranks them)."""
    ranked = Tag.objects.annotate(
        item_count=Count("tagged_items"),
        rank=Window(RowNumber(), partition_by=F("kind"), order_by=[F("item_count").desc(), "name"]),
    ).filter(rank__lte=per_kind, item_count__gt=0)
    grouped: dict[str, list[Tag]] = {}
    for tag in sorted(ranked, key=lambda tag: (tag.kind, tag.rank)):
        grouped.setdefault(tag.get_kind_display(), []).append(tag)
    return grouped


def related_articles(*, article: Article, limit: int = 5) -> list[Article]:
    """Published articles sharing the most tags and entities with `article`, best first."""
    shared = {
        "tags": [tag.pk for tag in article.tags.all()],
        "companies": [company.pk for company in article.companies.all()],
        "people": [person.pk for person in article.people.all()],
        "events": [event.pk for event in article.events.all()],
    }
    score = sum(
        (
            Count(field, filter=Q(**{f"{field}__in": ids}), distinct=True)
            for field, ids in shared.items()
            if ids
        ),
        Value(0),
    )
    return list(
        published_articles()
        .exclude(pk=article.pk)
        .annotate(score=score)
        .filter(score__gt=0)
        .order_by("-score", "-published_at")[:limit]
    )


def intersection_pair(kind_a: str, slug_a: str, kind_b: str, slug_b: str) -> tuple:
    """The two objects of an intersection page, or 404 if either is unknown or they are one."""
    from .intersections import KINDS

    if kind_a not in KINDS or kind_b not in KINDS or (kind_a, slug_a) == (kind_b, slug_b):
        raise Http404("No such pair.")
    return (
        get_object_or_404(KINDS[kind_a], slug=slug_a),
        get_object_or_404(KINDS[kind_b], slug=slug_b),
    )


TAG_GROUPS = ("articles", "companies", "people", "events")


def tagged_queryset(*, tag: Tag, group: str) -> QuerySet:
    sources = {
        "articles": published_articles(),
        "companies": Company.objects.order_by("name"),
        "people": Person.objects.order_by("name"),
        "events": Event.objects.order_by("name"),
    }
    return sources[group].filter(tags=tag)


def dated_events(*, upcoming: bool, limit: int = 5) -> QuerySet[Event]:
    """Events from today on (soonest first), or before today (latest first)."""
    today = timezone.localdate()
    if upcoming:
        return Event.objects.filter(starts_on__gte=today).order_by("starts_on")[:limit]
    return Event.objects.filter(starts_on__lt=today).order_by("-starts_on")[:limit]
