"""Queries that span several models, one function per page's needs.

Eager loading is decided here, once, so a page runs the same number of queries
whether an entity has one fact or forty. Only facts, quotes and articles from
published articles reach the public.
"""

from collections import Counter
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet, Value
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

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
    TaggedItem,
)


def published_articles() -> QuerySet[Article]:
    return Article.objects.published().for_listing()


def visible_to(user, queryset: QuerySet) -> QuerySet:
    """What `user` may open: staff preview everything, readers only public rows
    (ArticleQuerySet.published, NamedEntityQuerySet.public, TagQuerySet.public)."""
    if user.is_staff:
        return queryset
    return queryset.published() if queryset.model is Article else queryset.public()


def _published_citations(queryset: QuerySet) -> QuerySet:
    # Loaded with their source article; hide_unpublished() drops the rows whose
    # article is not live. Filtering in SQL let SQLite's planner start from the
    # article index and scan the archive (150 ms a page at 100,000 articles).
    return queryset.select_related("citation__article", "citation__outside_source")


def _cited_is_public(row) -> bool:
    # A passage from a named outside page is public already; one from our own
    # article only while that article is live.
    article = row.citation.article
    return article is None or article.is_live


# Prefetched rows that come from an article: shown only while that article is live.
_IS_PUBLIC = {
    "facts": _cited_is_public,
    "roles": _cited_is_public,
    "relations_out": _cited_is_public,
    "relations_in": _cited_is_public,
    "participations": _cited_is_public,
    "company_relations": _cited_is_public,
    "quotes": lambda row: row.article.is_live,
}


def hide_unpublished(obj):
    """Drop prefetched facts, relations and quotes whose article is not live."""
    cache = getattr(obj, "_prefetched_objects_cache", {})
    for name, rows in cache.items():
        is_public = _IS_PUBLIC.get(name)
        if is_public is None:
            continue
        kept = rows._chain()
        kept._result_cache = [row for row in rows if is_public(row)]
        kept._prefetch_done = True
        cache[name] = kept
    return obj


def _facts() -> Prefetch:
    return Prefetch("facts", queryset=_published_citations(Fact.objects.all()))


def article_detail_queryset() -> QuerySet[Article]:
    return Article.objects.prefetch_related(
        "tags",
        "companies",
        "people__roles",  # their titles are kept whole by the body's links
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
            queryset=_published_citations(Participation.objects.select_related("event__series")),
        ),
    )


def person_detail_queryset() -> QuerySet[Person]:
    return Person.objects.prefetch_related(
        "tags",
        _facts(),
        Prefetch("roles", queryset=_published_citations(Role.objects.select_related("company"))),
        Prefetch("quotes", queryset=Quote.objects.select_related("article")),
    )


def event_detail_queryset() -> QuerySet[Event]:
    return Event.objects.select_related("series").prefetch_related(
        "tags",
        "editions",
        _facts(),
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


# "In the news" looks at the newest published articles only: it answers what is
# current, and costs the same with a hundred articles or a hundred thousand.
RECENT_WINDOW = 60
ENTITY_ARTICLES = 20
RELATED_CANDIDATES = 100


# How many tags the lead story shows.
LEAD_TAGS = 5


def front_page(*, window: int = RECENT_WINDOW, per_kind: int = 8) -> dict:
    """The home page's lists, from the newest published articles and their links.

    Five queries however large the archive: the newest articles with their tags,
    companies, people and events prefetched; "in the news" is counted among them.
    """
    recent = list(
        published_articles()
        .defer("body", "search_vector")
        .prefetch_related(
            "tags",
            "companies",
            "people",
            Prefetch("events", queryset=Event.objects.select_related("series")),
        )[:window]
    )

    def most_mentioned(field: str, limit: int = 8) -> list:
        counts, objects = Counter(), {}
        for article in recent:
            # An edition counts for its series: the expo is news once, not five times.
            seen = {getattr(obj, "series", None) or obj for obj in getattr(article, field).all()}
            for obj in seen:
                counts[obj.pk] += 1
                objects[obj.pk] = obj
        ranked = sorted(counts, key=lambda pk: (-counts[pk], objects[pk].name))
        return [objects[pk] for pk in ranked[:limit]]

    tags_by_kind: dict[str, list[Tag]] = {}
    for tag in most_mentioned("tags", limit=len(recent) * 10):
        group = tags_by_kind.setdefault(tag.get_kind_display(), [])
        if len(group) < per_kind:
            group.append(tag)
    lead_tags = []
    if recent:
        # The lead's few tags that the rest of the coverage shares most; on a tie, the
        # order the editors tagged it in (they tag the story's main subjects first).
        shared = Counter(tag.pk for article in recent for tag in article.tags.all())
        ordered = list(recent[0].tags.all())
        lead_tags = sorted(ordered, key=lambda tag: (-shared[tag.pk], ordered.index(tag)))
        lead_tags = lead_tags[:LEAD_TAGS]
    return {
        "articles": recent[:10],
        "lead_tags": lead_tags,
        "companies": most_mentioned("companies"),
        "people": most_mentioned("people"),
        "events": most_mentioned("events"),
        "tags_by_kind": dict(sorted(tags_by_kind.items())),
    }


def articles_about(entity, *, limit: int = ENTITY_ARTICLES) -> list[Article]:
    """The newest published articles about a company, person, event or tag."""
    field = {Company: "companies", Person: "people", Event: "events", Tag: "tags"}[type(entity)]
    return list(published_articles().filter(**{field: entity})[:limit])


def coverage_counts(entities) -> dict[int, int]:
    """How many published articles are about each of `entities` (one model), in one query."""
    entities = list(entities)
    if not entities:
        return {}
    field = {Company: "companies", Person: "people", Event: "events"}[type(entities[0])]
    link = getattr(Article, field).through
    column = f"{type(entities[0])._meta.model_name}_id"
    rows = (
        link.objects.filter(
            **{f"{column}__in": [e.pk for e in entities]},
            article__in=published_articles().values("pk"),
        )
        .values(column)
        .annotate(n=Count("pk"))
    )
    return {row[column]: row["n"] for row in rows}


def tags_with_counts() -> QuerySet[Tag]:
    return Tag.objects.public().with_public_counts().order_by("kind", "name")


def related_articles(*, article: Article, limit: int = 5) -> list[Article]:
    """Published articles sharing the most tags and entities with `article`, best first.

    Scored among the newest articles that share anything at all, so a tag carried by
    thousands of articles does not make the page scan them all.
    """
    shared = {
        "tags": [tag.pk for tag in article.tags.all()],
        "companies": [company.pk for company in article.companies.all()],
        "people": [person.pk for person in article.people.all()],
        "events": [event.pk for event in article.events.all()],
    }
    shared = {field: ids for field, ids in shared.items() if ids}
    if not shared:
        return []
    # Candidates: the newest published articles in the link tables of anything it
    # shares; each IN list is read from an index, so a popular tag costs a list, not
    # a scan with a subquery per row.
    article_type = ContentType.objects.get_for_model(Article)
    linked = {
        "tags": lambda ids: TaggedItem.objects.filter(
            content_type=article_type, tag_id__in=ids
        ).values("object_id"),
        "companies": lambda ids: Article.companies.through.objects.filter(
            company_id__in=ids
        ).values("article_id"),
        "people": lambda ids: Article.people.through.objects.filter(person_id__in=ids).values(
            "article_id"
        ),
        "events": lambda ids: Article.events.through.objects.filter(event_id__in=ids).values(
            "article_id"
        ),
    }
    shares_any = Q()
    for field, ids in shared.items():
        shares_any |= Q(pk__in=linked[field](ids))
    candidates = (published_articles().exclude(pk=article.pk).filter(shares_any).values("pk"))[
        :RELATED_CANDIDATES
    ]
    score = sum(
        (
            Count(field, filter=Q(**{f"{field}__in": ids}), distinct=True)
            for field, ids in shared.items()
        ),
        Value(0),
    )
    return list(
        Article.objects.filter(pk__in=candidates)
        .annotate(score=score)
        .order_by("-score", "-published_at")[:limit]
    )


def intersection_pair(kind_a: str, slug_a: str, kind_b: str, slug_b: str) -> tuple:
    """The two objects of an intersection page, or 404 if either is unknown or they are one."""
    from .intersections import KINDS

    if kind_a not in KINDS or kind_b not in KINDS or (kind_a, slug_a) == (kind_b, slug_b):
        raise Http404("No such pair.")
    return (
        get_object_or_404(KINDS[kind_a].objects.public(), slug=slug_a),
        get_object_or_404(KINDS[kind_b].objects.public(), slug=slug_b),
    )


TAG_GROUPS = ("articles", "companies", "people", "events")


def tagged_queryset(*, tag: Tag, group: str) -> QuerySet:
    sources = {
        "articles": published_articles(),
        "companies": Company.objects.public().order_by("name"),
        "people": Person.objects.public().order_by("name"),
        "events": Event.objects.public().order_by("name"),
    }
    return sources[group].filter(tags=tag)


def dated_events(*, window_days: int = 365, limit: int = 5) -> tuple[list, list]:
    """(upcoming soonest first, recent latest first) dated events, in one query."""
    today = timezone.localdate()
    near = (
        Event.objects.public()
        .filter(
            starts_on__gte=today - timedelta(days=window_days),
            starts_on__lte=today + timedelta(days=window_days),
        )
        .order_by("starts_on")
    )
    events = list(near[:500])
    upcoming = [event for event in events if event.starts_on >= today][:limit]
    recent = [event for event in reversed(events) if event.starts_on < today][:limit]
    return upcoming, recent
