"""The read endpoints: each mirrors a page of the reader site and reads what it
shows the way that page does, declaring the same dependency keys.

`cache_query_parameters` names the query parameters each one reads: the page cache
keys a response by them and drops any other before the view runs
(articles/page_cache.py), as for pages.
"""

from datetime import datetime, time

from django.db.models import prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from .. import dependencies, fragments, intersections, search, selectors, topic_pages
from ..dependencies import about, coverage_of, depends_on, list_key
from ..kinds import KINDS
from ..models import Company, Event, Person, Tag
from ..page_meta import absolute_url
from ..renditions import renditions
from ..views import PAGE_SIZE
from . import cursors, serializers, sparse
from .problems import BadParameter, refuse_nul_characters

MAX_LIMIT = 100


def fields(serializer_class) -> OpenApiParameter:
    return OpenApiParameter(
        sparse.PARAMETER,
        sparse.parameter_schema(serializer_class),
        description="Comma-separated top-level fields to return (of each result, on a "
        "list); all when absent. Unknown names are refused with the list of known ones.",
    )


CURSOR = OpenApiParameter(
    cursors.PARAMETER,
    {"type": "string", "pattern": "^[A-Za-z0-9_-]*$"},
    description="The position a `next` link carries; never built by a client (one this "
    "API did not give is a 400).",
)
LIMIT = OpenApiParameter(
    "limit",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    description=f"Results per page (default {PAGE_SIZE}).",
)
PROBLEM = "application/problem+json"
# A date or a date-time; empty, as a form sends it, is no limit.
MOMENT = {
    "type": "string",
    "anyOf": [{"format": "date-time"}, {"format": "date"}, {"maxLength": 0}],
}


def answers(ok, *statuses) -> dict:
    """The responses an endpoint documents: `ok`, and problem documents."""
    return {200: ok, **{(code, PROBLEM): serializers.ProblemSerializer for code in statuses}}


def _limit(request) -> int:
    value = request.query_params.get("limit")
    if value is None:
        return PAGE_SIZE
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise BadParameter("limit", f"A whole number from 1 to {MAX_LIMIT}.")
    return int(value)


def _next_link(request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    query = request.query_params.copy()
    query[cursors.PARAMETER] = cursor
    return absolute_url(f"{request.path}?{query.urlencode()}")


class ReadEndpoint(APIView):
    cache_query_parameters = (sparse.PARAMETER,)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_nul_characters(request)


# --- articles ----------------------------------------------------------------------


def _moment(request, name: str, *, end_of_day: bool):
    """`since`/`until` as an aware time: a date (the whole day) or an ISO date-time."""
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        if (day := parse_date(value)) is not None:  # a date first: fromisoformat takes it too
            moment = datetime.combine(day, time.max if end_of_day else time.min)
        else:
            moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise BadParameter(name, "A date (2026-11-05) or an ISO date-time (2026-11-05T09:00Z).")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


SUBJECT_FILTERS = [
    OpenApiParameter(kind.name, str, description=f"Only articles about this {kind.name} (slug).")
    for kind in KINDS.values()
]


class ArticleList(ReadEndpoint):
    """Published articles, newest first, a page at a time."""

    cache_query_parameters = (
        *ReadEndpoint.cache_query_parameters,
        cursors.PARAMETER,
        "limit",
        "section",
        "since",
        "until",
        *KINDS,
    )

    @extend_schema(
        operation_id="article_list",
        parameters=[
            *SUBJECT_FILTERS,
            OpenApiParameter("section", str, description="Only this section, as articles give it."),
            OpenApiParameter(
                "since",
                MOMENT,
                description="Published at or after this time; a date (2026-11-05) means "
                "from the start of that day.",
            ),
            OpenApiParameter(
                "until",
                MOMENT,
                description="Published at or before this time; a date means to the end of "
                "that day.",
            ),
            CURSOR,
            LIMIT,
            fields(serializers.ArticleSummarySerializer),
        ],
        responses=answers(serializers.ArticlePageSerializer, 400),
    )
    def get(self, request):
        depends_on(list_key("article"))
        articles = selectors.article_listing()
        for kind in KINDS.values():
            slug = request.query_params.get(kind.name)
            if not slug:  # absent, or empty as a form sends it
                continue
            subject = _public_subject(kind.model, slug)
            if subject is None:
                raise BadParameter(kind.name, f"No published {kind.name} has the slug {slug!r}.")
            depends_on(coverage_of(subject))
            articles = articles.filter(**{kind.article_field: subject})
        if section := request.query_params.get("section"):
            articles = articles.filter(section=section)
        if since := _moment(request, "since", end_of_day=False):
            articles = articles.filter(published_at__gte=since)
        if until := _moment(request, "until", end_of_day=True):
            articles = articles.filter(published_at__lte=until)
        names = sparse.wanted(request, serializers.ArticleSummarySerializer)
        listing = cursors.page(
            articles, request.query_params.get(cursors.PARAMETER), _limit(request)
        )
        results = [
            sparse.keep(row, names)
            for row in serializers.ArticleSummarySerializer(listing.items, many=True).data
        ]
        older = cursors.encode(listing.items[-1]) if listing.older else None
        return Response({"results": results, "next": _next_link(request, older)})


def _public_subject(model, slug: str):
    if model is Event:
        return Event.objects.public().filter(slug=slug).first()
    return selectors.public_by_slug(model, slug)


class ArticleDetail(ReadEndpoint):
    """One published article: its body (sanitised HTML and Markdown), image, tags,
    companies, people, events and quotes."""

    @extend_schema(
        operation_id="article_detail",
        parameters=[fields(serializers.ArticleSerializer)],
        responses=answers(serializers.ArticleSerializer, 400, 404),
    )
    def get(self, request, slug):
        names = sparse.wanted(request, serializers.ArticleSerializer)
        article = selectors.published_articles().filter(slug=slug).first()
        if article is None:
            raise Http404("No published article has this slug.")

        def build():
            depends_on(about(article))  # its links to companies, people, events, quotes
            dependencies.shows_text(article)
            selectors.load_detail(article)
            context = {"renditions": renditions(article.image)}
            return dict(serializers.ArticleSerializer(article, context=context).data)

        # Kept as its page's panels are (articles/fragments.py): after a write that did
        # not change it, a response costs its one lookup.
        data = fragments.cached("api:article", (article,), build, request=request)
        return Response(sparse.keep(data, names))


# --- companies, people, events, tags -------------------------------------------------

TOPICS = {
    Company: (topic_pages.company_page, serializers.CompanySerializer),
    Person: (topic_pages.person_page, serializers.PersonSerializer),
    Event: (topic_pages.event_page, serializers.EventSerializer),
    Tag: (
        lambda tag: topic_pages.tag_page(tag, group_url=lambda tag, group: ""),
        serializers.TagSerializer,
    ),
}


class TopicDetail(ReadEndpoint):
    """A company, person, event or tag as its page shows it: facts with their
    citations, relations both ways, roles, quotes, the newest articles, timeline."""

    model = None

    def get(self, request, slug):
        builder, serializer = TOPICS[self.model]
        names = sparse.wanted(request, serializer)
        subject = _public_subject(self.model, slug)
        if subject is None:
            raise Http404(f"No public {self.model._meta.verbose_name} has this slug.")

        def build():
            if self.model is Event and subject.series_id:
                depends_on(f"{dependencies.row_kind(Event)}:{subject.series_id}")
            depends_on(about(subject))  # its facts, relations, roles, quotes, citations
            return dict(serializer(builder(selectors.load_detail(subject))).data)

        data = fragments.cached(f"api:{self.model.__name__}", (subject,), build, request=request)
        return Response(sparse.keep(data, names))


class Directory(ReadEndpoint):
    """Every public company (person, event, tag) from A to Z by slug, with how many
    live articles are about each."""

    model = None
    cache_query_parameters = (*ReadEndpoint.cache_query_parameters, cursors.PARAMETER, "limit")

    def get(self, request):
        depends_on(list_key(dependencies.row_kind(self.model)))
        rows = self.model.objects.public().order_by("slug")
        if self.model is Tag:
            rows = rows.with_public_counts()
        if cursor := request.query_params.get(cursors.PARAMETER):
            rows = rows.filter(slug__gt=cursors.decode_text(cursor))
        size = _limit(request)
        names = sparse.wanted(request, serializers.DirectoryEntrySerializer)
        page = list(rows[: size + 1])
        if self.model is Tag:
            for row in page:
                row.coverage = row.item_count
        else:
            counts = selectors.coverage_counts(page[:size])
            for row in page:
                row.coverage = counts.get(row.pk, 0)
        results = [
            sparse.keep(row, names)
            for row in serializers.DirectoryEntrySerializer(page[:size], many=True).data
        ]
        older = cursors.encode_text(page[size - 1].slug) if len(page) > size else None
        return Response({"results": results, "next": _next_link(request, older)})


def _topic_views(kind):
    """The directory and detail endpoints of one kind (registry: articles/kinds.py)."""
    model, name = kind.model, kind.name
    listing = extend_schema_view(
        get=extend_schema(
            operation_id=f"{name}_list",
            parameters=[CURSOR, LIMIT, fields(serializers.DirectoryEntrySerializer)],
            responses=answers(serializers.DirectoryPageSerializer, 400),
        )
    )(type(f"{model.__name__}Directory", (Directory,), {"model": model}))
    detail = extend_schema_view(
        get=extend_schema(
            operation_id=f"{name}_detail",
            parameters=[fields(TOPICS[model][1])],
            responses=answers(TOPICS[model][1], 400, 404),
        )
    )(type(f"{model.__name__}Detail", (TopicDetail,), {"model": model}))
    return listing, detail


TOPIC_VIEWS = {name: _topic_views(kind) for name, kind in KINDS.items()}


# --- intersections ---------------------------------------------------------------------


class Intersection(ReadEndpoint):
    """Two companies, people, events or tags together: the articles about both and the
    cited facts that link them, as the `/together/` page shows them."""

    @extend_schema(
        operation_id="intersection",
        parameters=[
            *(
                OpenApiParameter(name, str, "path", enum=list(KINDS))
                for name in ("kind_a", "kind_b")
            ),
            fields(serializers.IntersectionSerializer),
        ],
        responses=answers(serializers.IntersectionSerializer, 400, 404),
    )
    def get(self, request, kind_a, slug_a, kind_b, slug_b):
        names = sparse.wanted(request, serializers.IntersectionSerializer)
        first, second = selectors.intersection_pair(kind_a, slug_a, kind_b, slug_b)
        # The page's order, whichever way the client named them.
        first, second = intersections.canonical_pair(first, second)
        depends_on(*(key for obj in (first, second) for key in (about(obj), coverage_of(obj))))
        both = intersections.articles_about_both(first, second).prefetch_related("tags")[:20]
        data = {
            "first": first,
            "second": second,
            "articles": list(both),
            "connections": intersections.connections(first, second),
            "web_url": absolute_url(intersections.intersection_url(first, second)),
        }
        return Response(sparse.keep(serializers.IntersectionSerializer(data).data, names))


# --- search -----------------------------------------------------------------------------


class Search(ReadEndpoint):
    """The site's search: published articles best first, and the companies, people,
    events and tags whose names match."""

    cache_query_parameters = ("q",)

    @extend_schema(
        operation_id="search",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "pattern": "\\S"},
                required=True,
                description="Words to find (the first 200 characters).",
            )
        ],
        responses=answers(serializers.SearchSerializer, 400),
    )
    def get(self, request):
        query = request.query_params.get("q", "")[:200].strip()
        if not query:
            raise BadParameter("q", "Give the words to search for, e.g. ?q=AstraZeneca.")
        results = search.search(query)  # declares what the results depend on
        found = results.groups.get("articles", [])
        prefetch_related_objects(found, "tags")
        for article in found:
            dependencies.shows_text(article)
        data = {"query": query, **{g: results.groups.get(g, []) for g in serializers.SEARCH_GROUPS}}
        response = Response(serializers.SearchSerializer(data).data)
        if not results.total:
            response.page_cache_exempt = True  # as the search page: no caching of junk
        return response


class Index(APIView):
    """Where the endpoints are described."""

    schema = None  # not an endpoint of the schema

    def get(self, request):
        return Response(
            {
                "docs": absolute_url(reverse("api:docs")),
                "schema": absolute_url(reverse("api:schema")),
            }
        )


class Docs(SpectacularSwaggerSplitView):
    """Swagger UI, from our static files. The page and its start-up script share the
    address (`?script`), so the page cache must key by it."""

    cache_query_parameters = ("script",)
    template_name = "api/docs.html"  # its start-up script and styles from files
