"""Search across articles, companies, people, events and tags.

Every word of the query must match (in any of a type's searchable fields), so
more words narrow the results. Queries are cleaned first: an empty, over-long or
punctuation-only query yields no terms, and the page explains instead of failing.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL

from .dependencies import depends_on, list_key
from .kinds import KINDS
from .models import Article

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
RESULTS_PER_TYPE = 20
WORD = re.compile(r"\w[\w'&.-]*", re.UNICODE)

SEARCH_FIELDS = {
    "articles": ("title", "standfirst", "body"),
    "companies": ("name", "aliases", "description"),
    "people": ("name", "aliases", "bio"),
    "events": ("name", "aliases", "description"),
    "tags": ("name", "aliases", "description"),
}


def parse_terms(query: str) -> list[str]:
    terms = []
    for word in WORD.findall(query or ""):
        word = word.strip("'.-&")[:MAX_TERM_LENGTH]
        if word and word.lower() not in (t.lower() for t in terms):
            terms.append(word)
    return terms[:MAX_TERMS]


def _matching(queryset: QuerySet, fields: tuple[str, ...], terms: list[str]) -> QuerySet:
    for term in terms:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": term})
        queryset = queryset.filter(any_field)
    return queryset


# A substring of an entity's searched fields, from an index rather than a scan of
# every row: on PostgreSQL one trigram index over the fields joined by spaces
# (migration 0017), matched as the same expression (a word has no space, so it
# cannot match across two fields); on SQLite a kind's FTS5 trigram table (0014),
# for terms of three characters or more.
TRIGRAM = 3


def _like_pattern(term: str) -> str:
    """`%term%` for LIKE, the term's own wildcards escaped (PostgreSQL's escape is \\)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _entities_matching(model, fields: tuple[str, ...], terms: list[str]) -> QuerySet:
    queryset = model.objects.all()
    if connection.vendor == "postgresql":
        table, joined = model._meta.db_table, " || ' ' || ".join(fields)
        for term in terms:
            queryset = queryset.filter(
                # The table and fields are the model's own; the term is a bound parameter.
                pk__in=RawSQL(  # noqa: S611
                    f"SELECT id FROM {table} WHERE UPPER({joined}) LIKE UPPER(%s)",  # noqa: S608
                    [_like_pattern(term)],
                )
            )
        return queryset
    if connection.vendor != "sqlite":
        return _matching(queryset, fields, terms)
    table = f"{model._meta.db_table}_substring"
    short = [term for term in terms if len(term) < TRIGRAM]
    for term in terms:
        if len(term) >= TRIGRAM:
            queryset = queryset.filter(
                # The table is the model's own; the term is a bound parameter.
                pk__in=RawSQL(  # noqa: S611
                    f"SELECT rowid FROM {table} WHERE {table} MATCH %s",  # noqa: S608
                    [_fts5_match([term])],
                )
            )
    return _matching(queryset, fields, short)


@dataclass
class Results:
    terms: list[str]
    groups: dict[str, list]

    @property
    def total(self) -> int:
        return sum(len(items) for items in self.groups.values())


def ranked_articles(terms: list[str], *, limit: int = RESULTS_PER_TYPE) -> list[Article]:
    """Published articles matching every term, best first: a match in the headline
    counts more than one in the standfirst, which counts more than one in the body.

    One interface, two engines: PostgreSQL's weighted tsvector (GIN-indexed) or
    SQLite's FTS5 with bm25 column weights; both stem English words.
    """
    if connection.vendor == "postgresql":
        query = SearchQuery(" ".join(terms), search_type="plain", config="english")
        return list(
            Article.objects.published()
            .filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "-pk")[:limit]
        )
    if connection.vendor == "sqlite":
        return _sqlite_ranked(terms, limit)
    return list(
        _matching(Article.objects.published(), SEARCH_FIELDS["articles"], terms).for_listing()[
            :limit
        ]
    )


def _fts5_match(terms: list[str]) -> str:
    # Each term a quoted FTS5 string (quotes doubled), all required.
    return " ".join('"{}"'.format(term.replace('"', '""')) for term in terms)


def matching_articles(queryset: QuerySet, terms: list[str]) -> QuerySet:
    """`queryset` (articles in any state) narrowed to those containing every term,
    through the same full-text index as the reader's search; for the admin's list."""
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(" ".join(terms), search_type="plain", config="english")
        return queryset.filter(search_vector=query)
    if connection.vendor == "sqlite":
        matched = RawSQL(
            "SELECT rowid FROM articles_article_fts WHERE articles_article_fts MATCH %s",
            [_fts5_match(terms)],
        )
        return queryset.filter(pk__in=matched)
    return _matching(queryset, SEARCH_FIELDS["articles"], terms)


def _sqlite_ranked(terms: list[str], limit: int) -> list[Article]:
    """The best `limit` × 10 of FTS5's matches by bm25, then the live ones among them,
    in one query that walks those matches first (a CROSS JOIN keeps that order: with
    `published()` the planner walked the whole listing index, 0.7 s at 100,000
    articles) and builds only the `limit` articles shown."""
    from .selectors import articles_table, ids_first_join, live_sql

    live, live_params = live_sql("a")
    sql = (
        "SELECT a.* FROM (SELECT rowid AS id, bm25(articles_article_fts, 10.0, 4.0, 1.0) "  # noqa: S608
        "AS score FROM articles_article_fts WHERE articles_article_fts MATCH %s "
        "ORDER BY score LIMIT %s) m "
        f"{ids_first_join()} {articles_table()} a ON a.id = m.id WHERE {live} "
        # bm25 is lower-is-better; ties go to the newer article, as on PostgreSQL.
        "ORDER BY m.score, a.published_at DESC, a.id DESC LIMIT %s"
    )
    params = [_fts5_match(terms), limit * 10, *live_params, limit]
    return list(Article.objects.raw(sql, params))


def search(query: str) -> Results:
    """The results of `query`; whatever shows them depends on every listing, since any
    new or renamed row may match."""
    depends_on(list_key("article"), *(list_key(kind) for kind in KINDS))
    terms = parse_terms(query)
    if not terms:
        return Results(terms, {})
    groups = {"articles": ranked_articles(terms)}
    for kind in KINDS.values():
        # The text match first, the public check (an EXISTS a row) only on its matches:
        # the other way round it ran for every one of 20,000 people.
        matches = _entities_matching(kind.model, SEARCH_FIELDS[kind.group], terms)
        found = kind.model.objects.public().filter(pk__in=matches.values("pk"))
        groups[kind.group] = list(found[:RESULTS_PER_TYPE])
    return Results(terms, groups)


def snippet(text: str, terms: list[str], width: int = 200) -> str:
    """The part of `text` around the first matching term, on word boundaries."""
    lowered = text.lower()
    positions = [lowered.find(term.lower()) for term in terms]
    hits = [position for position in positions if position >= 0]
    start = max(min(hits) - width // 3, 0) if hits else 0
    if start:
        start = text.find(" ", start) + 1
    end = start + width
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    return ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")
