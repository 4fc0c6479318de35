"""Queries that span several models, one function per page's needs.

Eager loading is decided here, once, so a page runs the same number of queries
whether an entity has one fact or forty. Only facts, quotes and articles from
published articles reach the public.
"""

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .kinds import ENTITY_KINDS, KINDS, kind_of
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
    TaggedItem,
)


def published_articles() -> QuerySet[Article]:
    return Article.objects.published().for_listing()


# Stand for the slug and the time in a lookup compiled once (public_by_slug).
_ANY_SLUG = "\x00any slug"
_ANY_MOMENT = datetime(1970, 1, 1, tzinfo=UTC)


@functools.cache
def _public_lookup(model) -> tuple[str, tuple]:
    return model.objects.public(_ANY_MOMENT).filter(slug=_ANY_SLUG).query.sql_with_params()


def public_by_slug(model, slug: str):
    """The row of `model` (a company, person or tag) with `slug` that readers may see,
    or None. Django took longer to build the public rule's nested EXISTS
    than the rest of a page whose panels are kept, and PostgreSQL answered its "any
    live article" by gathering every link of a popular subject: the common case is
    asked first (_on_a_recent_live_article), then the rule itself (an entity's
    compiled once per process, run with this request's slug and time)."""
    found = _on_a_recent_live_article(model, slug)
    if found is not None:
        return found
    if model is Tag:
        return Tag.objects.public().filter(slug=slug).first()
    sql, params = _public_lookup(model)
    to_db = connection.ops.adapt_datetimefield_value
    moment, now = to_db(_ANY_MOMENT), to_db(timezone.now())
    values = [slug if p == _ANY_SLUG else now if p == moment else p for p in params]
    return next(iter(model.objects.raw(sql, values)), None)


def _on_a_recent_live_article(model, slug: str):
    """The row with `slug`, if one of the RELATED_PER_SUBJECT articles it was last
    linked to is live (then it is public), read newest first from the links' index
    (migration 0013) in one query."""
    quote = connection.ops.quote_name
    live, live_params = live_sql("a")
    if model is Tag:
        links, subject, article = TaggedItem._meta.db_table, "tag_id", "object_id"
        only_articles = "AND content_type_id = %s"
        params = [ContentType.objects.get_for_model(Article).pk]
    else:
        kind = KINDS[model._meta.model_name]
        links = getattr(Article, kind.article_field).through._meta.db_table
        subject, article, only_articles, params = f"{kind.name}_id", "article_id", "", []
    sql = (
        f"SELECT s.* FROM {quote(model._meta.db_table)} s WHERE s.slug = %s AND EXISTS ("  # noqa: S608
        f"SELECT 1 FROM (SELECT l.{article} AS id FROM {quote(links)} l "
        f"WHERE l.{subject} = s.id {only_articles} ORDER BY l.id DESC LIMIT %s) t "
        f"{ids_first_join()} {articles_table()} a ON a.id = t.id WHERE {live})"
    )
    values = [slug, *params, RELATED_PER_SUBJECT, *live_params]
    return next(iter(model.objects.raw(sql, values)), None)


def visible_to(user, queryset: QuerySet) -> QuerySet:
    """What `user` may open: staff preview everything, readers only public rows
    (ArticleQuerySet.published, NamedEntityQuerySet.public, TagQuerySet.public)."""
    if user.is_staff:
        return queryset
    return queryset.published() if queryset.model is Article else queryset.public()


def _cited(lookup: str, queryset: QuerySet, *, to_attr: str) -> Prefetch:
    """Cited rows loaded with their source, as a plain list on `to_attr`.

    Every row comes, published or not; topic_pages.public() keeps what readers may
    see. Filtering in SQL let SQLite's planner start from the article index and scan
    the archive (150 ms a page at 100,000 articles).
    """
    return Prefetch(
        lookup,
        queryset=queryset.select_related("citation__article", "citation__outside_source"),
        to_attr=to_attr,
    )


def _facts() -> Prefetch:
    return _cited("facts", Fact.objects.all(), to_attr="cited_facts")


# What each detail page shows beside the row itself, as prefetch lookups: read into
# the row when a panel of its page is drawn (load_detail), or with it (the querysets).
def _article_detail() -> tuple:
    return (
        "tags",
        "companies",
        "people__roles",  # their titles are kept whole by the body's links
        "events",
        Prefetch("quotes", queryset=Quote.objects.select_related("speaker")),
    )


def _company_detail() -> tuple:
    return (
        "tags",
        _facts(),
        _cited(
            "relations_out",
            CompanyRelation.objects.select_related("target", "event"),
            to_attr="cited_relations_out",
        ),
        _cited(
            "relations_in",
            CompanyRelation.objects.select_related("source", "event"),
            to_attr="cited_relations_in",
        ),
        _cited("roles", Role.objects.select_related("person"), to_attr="cited_roles"),
        _cited(
            "participations",
            Participation.objects.select_related("event__series"),
            to_attr="cited_participations",
        ),
    )


def _person_detail() -> tuple:
    return (
        "tags",
        _facts(),
        _cited("roles", Role.objects.select_related("company"), to_attr="cited_roles"),
        Prefetch("quotes", queryset=Quote.objects.select_related("article")),
    )


def _event_detail() -> tuple:
    # Its series is read with it (select_related), as its page's head shows it.
    return (
        "tags",
        "editions",
        _facts(),
        _cited(
            "participations",
            Participation.objects.select_related("company"),
            to_attr="cited_participations",
        ),
        _cited(
            "company_relations",
            CompanyRelation.objects.select_related("source", "target"),
            to_attr="cited_company_relations",
        ),
    )


def _tag_detail() -> tuple:
    return (_facts(),)


_DETAIL = {
    Article: _article_detail,
    Company: _company_detail,
    Person: _person_detail,
    Event: _event_detail,
    Tag: _tag_detail,
}


def load_detail(obj):
    """Read what `obj`'s page shows beside its own row into it; returns it."""
    prefetch_related_objects([obj], *_DETAIL[type(obj)]())
    return obj


def article_detail_queryset() -> QuerySet[Article]:
    return Article.objects.prefetch_related(*_article_detail())


def article_listing() -> QuerySet[Article]:
    """Published articles as lists show them: with their tags, newest first."""
    return published_articles().prefetch_related("tags")


def company_detail_queryset() -> QuerySet[Company]:
    """A company with what topic_pages.company_page() shows, in seven queries."""
    return Company.objects.prefetch_related(*_company_detail())


def person_detail_queryset() -> QuerySet[Person]:
    return Person.objects.prefetch_related(*_person_detail())


def event_detail_queryset() -> QuerySet[Event]:
    return Event.objects.select_related("series").prefetch_related(*_event_detail())


def tag_detail_queryset() -> QuerySet[Tag]:
    return Tag.objects.prefetch_related(*_tag_detail())


# "In the news" looks at the newest published articles only: it answers what is
# current, and costs the same with a hundred articles or a hundred thousand.
RECENT_WINDOW = 60
ENTITY_ARTICLES = 20
RELATED_PER_SUBJECT = 40


# How many tags the lead story shows.
LEAD_TAGS = 5


def front_page(*, window: int = RECENT_WINDOW, per_kind: int = 8, shown: int = 10) -> dict:
    """The home page's lists, from the newest published articles and their links.

    Eight queries however large the archive: the newest articles shown, with their
    tags; "in the news" counted in SQL over the links of the newest `window`
    articles (one query for every kind), then the few winners of each kind. Only
    what the page shows becomes an object (it built 1,100 before, 64% of the page).
    """
    articles = list(
        published_articles().defer("body", "search_vector").prefetch_related("tags")[:shown]
    )
    mentions = _mention_counts(published_articles().values("pk")[:window])

    def winners(model, rows) -> list:
        objects = {obj.pk: obj for obj in model.objects.filter(pk__in=[row.pk for row in rows])}
        return [objects[row.pk] for row in rows if row.pk in objects]

    by_tag_kind: dict[str, list] = {}
    for row in mentions.get("tag", []):
        group = by_tag_kind.setdefault(row.tag_kind, [])
        if len(group) < per_kind:
            group.append(row)
    tags = winners(Tag, [row for rows in by_tag_kind.values() for row in rows])
    tags_by_kind: dict[str, list[Tag]] = {}
    for tag in tags:
        tags_by_kind.setdefault(tag.get_kind_display(), []).append(tag)
    lead_tags = []
    if articles:
        # The lead's few tags that the rest of the coverage shares most; on a tie, the
        # order the editors tagged it in (they tag the story's main subjects first).
        shared = {row.pk: row.count for row in mentions.get("tag", [])}
        ordered = list(articles[0].tags.all())
        lead_tags = sorted(ordered, key=lambda tag: (-shared.get(tag.pk, 0), ordered.index(tag)))
        lead_tags = lead_tags[:LEAD_TAGS]
    return {
        "articles": articles,
        "lead_tags": lead_tags,
        "companies": winners(Company, mentions.get("company", [])[:8]),
        "people": winners(Person, mentions.get("person", [])[:8]),
        "events": winners(Event, mentions.get("event", [])[:8]),
        "tags_by_kind": dict(sorted(tags_by_kind.items())),
    }


@dataclass(frozen=True)
class Mention:
    pk: int
    count: int
    name: str
    tag_kind: str


def _mention_counts(recent: QuerySet) -> dict[str, list[Mention]]:
    """{kind: mentions among `recent`, most first, then by name}, in one query. An
    edition counts for its series: the expo is news once, not five times."""
    recent_sql, recent_params = recent.query.sql_with_params()
    quote = connection.ops.quote_name
    parts, params = [], []
    for kind in KINDS.values():
        table = quote(kind.model._meta.db_table)
        if kind.name == "tag":
            links = quote(TaggedItem._meta.db_table)
            article = f"{links}.object_id"
            where = f"{links}.content_type_id = %s AND "
            params.append(ContentType.objects.get_for_model(Article).pk)
        else:
            links = quote(getattr(Article, kind.article_field).through._meta.db_table)
            article, where = f"{links}.article_id", ""
        subject, name, extra = f"{table}.id", f"{table}.name", f"'' AS tag_kind FROM {links}"
        if kind.name == "event":  # counted for its series
            subject, name = f"COALESCE(s.id, {table}.id)", f"COALESCE(s.name, {table}.name)"
            extra += f" JOIN {table} ON {table}.id = {links}.event_id "
            extra += f"LEFT JOIN {table} s ON s.id = {table}.series_id"
        else:
            if kind.name == "tag":
                extra = f"{table}.kind AS tag_kind FROM {links}"
            extra += f" JOIN {table} ON {table}.id = {links}.{kind.name}_id"
        group = f"{subject}, {name}" + (f", {table}.kind" if kind.name == "tag" else "")
        parts.append(
            f"SELECT '{kind.name}' AS k, {subject} AS pk, COUNT(DISTINCT {article}) AS n, "
            f"{name} AS name, {extra} WHERE {where}{article} IN ({recent_sql}) GROUP BY {group}"
        )
        params += recent_params
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    mentions: dict[str, list[Mention]] = {}
    for kind, pk, count, name, tag_kind in sorted(rows, key=lambda row: (-row[2], row[3])):
        mentions.setdefault(kind, []).append(Mention(pk, count, name, tag_kind))
    return mentions


# An entity's articles are looked for among its RECENT_LINKS most recently linked
# (links are made as articles are written, so these hold its newest): read from
# the link table's index first, so a rarely covered entity costs what the most
# covered one does, instead of a walk through the whole archive.
RECENT_LINKS = 500


def _links_about(kind, pk) -> QuerySet:
    """The link rows (article ids) of one company, person, event or tag."""
    if kind.name == "tag":
        article_type = ContentType.objects.get_for_model(Article)
        return TaggedItem.objects.filter(tag_id=pk, content_type=article_type).values_list(
            "object_id", flat=True
        )
    through = getattr(Article, kind.article_field).through
    return through.objects.filter(**{f"{kind.name}_id": pk}).values_list("article_id", flat=True)


def articles_about(entity, *, limit: int = ENTITY_ARTICLES) -> list[Article]:
    """The newest published articles about a company, person, event or tag."""
    kind = kind_of(entity)
    recent = _links_about(kind, entity.pk).order_by("-pk")[:RECENT_LINKS]
    links_sql, params = recent.query.sql_with_params()
    column = "object_id" if kind.name == "tag" else "article_id"
    live, live_params = live_sql("a")
    sql = (
        f"SELECT a.* FROM ({links_sql}) r {ids_first_join()} {articles_table()} a "  # noqa: S608
        f"ON a.id = r.{column} WHERE {live} ORDER BY a.published_at DESC, a.id DESC LIMIT %s"
    )
    return list(Article.objects.raw(sql, [*params, *live_params, limit]))


def ids_first_join() -> str:
    """Join the candidate ids first, then each article by its key. SQLite keeps the
    order of a CROSS JOIN; without it, and with stale or no statistics, it walked
    every published article from the listing index to find a rare entity's few
    (30 ms at 100,000 articles)."""
    return "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"


def articles_table() -> str:
    return connection.ops.quote_name(Article._meta.db_table)


def live_sql(alias: str) -> tuple[str, list]:
    """ArticleQuerySet.published() for raw SQL: published, and its time has come."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return f"{alias}.status = %s AND {alias}.published_at <= %s", [ArticleStatus.PUBLISHED, now]


def coverage_counts(entities) -> dict[int, int]:
    """How many published articles are about each of `entities` (one model), in one query."""
    entities = list(entities)
    if not entities:
        return {}
    kind = kind_of(entities[0])
    link = getattr(Article, kind.article_field).through
    column = f"{kind.name}_id"
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


_ANY_PK = -1  # stands for the key in a compiled template; no row has it


def related_articles(*, article: Article, limit: int = 5) -> list[Article]:
    """Published articles sharing the most tags and entities with `article`, best first
    (then newest).

    Candidates are the RELATED_PER_SUBJECT most recently linked articles of each thing
    it shares, read from the link tables' indexes in one query: a tag carried by
    tens of thousands of articles costs what a rare one does.
    """
    parts, params = [], []
    for kind in KINDS.values():
        pks = [obj.pk for obj in getattr(article, kind.article_field).all()]
        if not pks:
            continue
        # One template a kind, compiled once; each shared thing reuses it.
        template, template_params = (
            _links_about(kind, _ANY_PK)
            .order_by("-pk")[:RELATED_PER_SUBJECT]
            .query.sql_with_params()
        )
        column = "object_id" if kind.name == "tag" else "article_id"
        for pk in pks:
            alias = f"p{len(parts)}"
            parts.append(f"SELECT {alias}.{column} AS id FROM ({template}) AS {alias}")  # noqa: S608
            params += [pk if value == _ANY_PK else value for value in template_params]
    if not parts:
        return []
    union = " UNION ALL ".join(parts)
    live, live_params = live_sql("a")
    # Scored and chosen in SQL, so the panel is one query however many it shares.
    sql = (
        "SELECT a.*, c.score FROM "  # noqa: S608 (quoted name, ORM-compiled parts)
        f"(SELECT id, COUNT(*) AS score FROM ({union}) AS u GROUP BY id) c "
        f"{ids_first_join()} {articles_table()} a ON a.id = c.id WHERE {live} AND a.id <> %s "
        "ORDER BY c.score DESC, a.published_at DESC, a.id DESC LIMIT %s"
    )
    return list(Article.objects.raw(sql, [*params, *live_params, article.pk, limit]))


def intersection_pair(kind_a: str, slug_a: str, kind_b: str, slug_b: str) -> tuple:
    """The two objects of an intersection page, or 404 if either is unknown or they are one."""
    if kind_a not in KINDS or kind_b not in KINDS or (kind_a, slug_a) == (kind_b, slug_b):
        raise Http404("No such pair.")
    return (
        get_object_or_404(KINDS[kind_a].model.objects.public(), slug=slug_a),
        get_object_or_404(KINDS[kind_b].model.objects.public(), slug=slug_b),
    )


# What a tag's page groups: its articles first, then each kind of named entity.
TAG_GROUPS = ("articles", *(kind.group for kind in ENTITY_KINDS.values()))


def tagged_queryset(*, tag: Tag, group: str) -> QuerySet:
    if group == "articles":
        return published_articles().filter(tags=tag)
    kind = next(kind for kind in ENTITY_KINDS.values() if kind.group == group)
    return kind.model.objects.public().order_by("name").filter(tags=tag)


def dated_events(*, window_days: int = 365, limit: int = 5) -> tuple[list, list]:
    """(upcoming soonest first, recent latest first) dated events: two queries that
    each stop at `limit` public events, walking out from today."""
    today = timezone.localdate()
    public = Event.objects.public()
    upcoming = public.filter(
        starts_on__gte=today, starts_on__lte=today + timedelta(days=window_days)
    ).order_by("starts_on", "pk")
    recent = public.filter(
        starts_on__lt=today, starts_on__gte=today - timedelta(days=window_days)
    ).order_by("-starts_on", "-pk")
    return list(upcoming[:limit]), list(recent[:limit])
