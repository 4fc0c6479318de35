"""Public pages. Querysets come from articles.selectors; metadata from page_meta."""

import functools

from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView, TemplateView

from . import (
    dependencies,
    editorial,
    intersections,
    keyset,
    kinds,
    search,
    selectors,
    stored_bodies,
    structured_data,
    topic_pages,
)
from .dependencies import about, coverage_of, depends_on, list_key
from .models import Article, Company, Event, Person, Role, Tag
from .page_meta import SITE_NAME, PageMeta, absolute_url, feed_links
from .renditions import renditions
from .social_cards import card_url

PAGE_SIZE = 20
HOME = (SITE_NAME, "/")


class PageMetaMixin:
    """Puts `meta` (title, description, JSON-LD, breadcrumbs, feeds) in the context."""

    def get_meta(self) -> PageMeta:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = self.get_meta()
        if len(meta.breadcrumbs) > 1:
            meta.json_ld.append(structured_data.breadcrumbs(self.request, meta.breadcrumbs))
        context["meta"] = meta
        return context


def _list_meta(title: str, url_name: str, description: str) -> PageMeta:
    return PageMeta(
        title=title, description=description, breadcrumbs=[HOME, (title, reverse(url_name))]
    )


def _card(obj) -> str:
    """The absolute URL of `obj`'s link-preview card, or "" when it cannot be drawn."""
    url = card_url(obj)
    return absolute_url(url) if url else ""


def _entity_feeds(obj) -> list:
    kind = intersections.kind_of(obj)
    kwargs = {"kind": kind, "slug": obj.slug}
    return feed_links(
        obj.name, reverse("entity_feed", kwargs=kwargs), reverse("entity_feed_atom", kwargs=kwargs)
    )


class OldSlugRedirectMixin:
    """A renamed or merged page's old address answers 301 to the new one."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            target = editorial.redirect_target(self.model or self.queryset.model, kwargs["slug"])
            if target is None or target.get_absolute_url() == request.path:
                raise
            # Only to a page this visitor may see: a redirect to a draft would tell
            # readers its new slug, i.e. its unpublished headline.
            if not self.get_queryset().filter(pk=target.pk).exists():
                raise
            return HttpResponsePermanentRedirect(target.get_absolute_url())


class HomeView(PageMetaMixin, TemplateView):
    """The front page: its lists, its events and its tags are panels
    (articles/fragments.py), read only when one of them is drawn."""

    template_name = "articles/home.html"

    @staticmethod
    def front() -> dict:
        # "In the news" counts coverage: any article linked or unlinked may move it.
        depends_on(list_key("article"), *(list_key(kind) for kind in kinds.KINDS))
        front = selectors.front_page()
        lead = front["articles"][0] if front["articles"] else None
        return {
            "lead": lead,
            "lead_tags": front["lead_tags"],
            "lead_images": renditions(lead.image) if lead else [],
            "latest": front["articles"][1:],
            "events": front["events"],
            "companies": front["companies"],
            "people": front["people"],
            "tags_by_kind": front["tags_by_kind"],
        }

    @staticmethod
    def dated_events() -> dict:
        depends_on(list_key("event"))
        upcoming, recent = selectors.dated_events()
        return {"upcoming_events": upcoming, "recent_events": recent}

    def get_context_data(self, **kwargs):
        front = dependencies.lazily(
            dependencies.Loaded(self.front),
            ("lead", "lead_tags", "lead_images", "latest", "events", "companies", "people",
             "tags_by_kind"),
        )  # fmt: skip
        dated = dependencies.lazily(
            dependencies.Loaded(self.dated_events), ("upcoming_events", "recent_events")
        )
        # The events panel is kept per day: "upcoming" and "recent" turn at midnight.
        today = timezone.localdate().isoformat()
        return super().get_context_data(**front, **dated, today=today, **kwargs)

    def get_meta(self):
        meta = PageMeta(title=SITE_NAME, breadcrumbs=[HOME])
        meta.feeds = feed_links("Latest articles", reverse("feed"), reverse("feed_atom"))
        meta.json_ld.append(
            {"@context": "https://schema.org", **structured_data.publisher(self.request)}
        )
        return meta


class ArticleListView(PageMetaMixin, TemplateView):
    template_name = "articles/article_list.html"

    def get_context_data(self, **kwargs):
        depends_on(list_key("article"))
        listing = keyset.page(
            selectors.article_listing(), self.request.GET.get("before"), PAGE_SIZE
        )
        return super().get_context_data(listing=listing, **kwargs)

    def get_meta(self):
        meta = _list_meta("Articles", "article_list", "The newsroom's articles, newest first.")
        meta.feeds = feed_links("Latest articles", reverse("feed"), reverse("feed_atom"))
        return meta


class ArticleDetailView(OldSlugRedirectMixin, PageMetaMixin, DetailView):
    """The article and its rail, its related articles and its head's image and
    JSON-LD are three panels (articles/fragments.py), each kept under what it shows;
    what only they need is loaded when they are drawn, so a page whose panels are
    kept costs one query."""

    model = Article
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        # Staff may preview drafts and scheduled articles (the page says so);
        # everyone else gets a 404 until the article is live.
        return selectors.visible_to(self.request.user, Article.objects.all())

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        # The article with what its panels show, read when one is drawn.
        self.loaded = dependencies.Loaded(lambda: self.load(article))
        self.images = dependencies.Loaded(lambda: renditions(article.image))
        return article

    @staticmethod
    def load(article) -> Article:
        depends_on(about(article))  # its links to companies, people, events, quotes
        return selectors.load_detail(article)

    def body_html(self) -> str:
        article = self.loaded()
        dependencies.shows_text(article)  # the body, and the "Updated" line
        return stored_bodies.body_html(article)

    def related(self) -> list[Article]:
        article = self.loaded()
        # Drawn from what it shares with others: an article entering or leaving any
        # of those lists may change them.
        depends_on(
            *(
                coverage_of(obj)
                for kind in kinds.KINDS.values()
                for obj in getattr(article, kind.article_field).all()
            ),
        )
        return selectors.related_articles(article=article)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            body_html=self.body_html,
            related=self.related,
            images=self.images,
            loaded=self.loaded,
            **kwargs,
        )

    def image_url(self) -> str:
        # The photo when there is one, else the article's drawn card.
        images = self.images()
        return absolute_url(images[-1].url) if images else _card(self.object)

    def get_meta(self):
        article = self.object
        meta = PageMeta(
            title=article.title,
            description=article.standfirst or article.paragraphs()[0][:200],
            og_type="article",
            image_url=self.image_url,
            breadcrumbs=[
                HOME,
                ("Articles", reverse("article_list")),
                (article.title, article.get_absolute_url()),
            ],
            panel=article,
        )

        def json_ld():
            dependencies.shows_text(article)  # its dateModified
            return structured_data.news_article(self.request, self.loaded(), self.image_url())

        meta.json_ld.append(json_ld)
        return meta


class EntityListView(PageMetaMixin, ListView):
    template_name = "articles/entity_list.html"
    paginate_by = PAGE_SIZE
    heading = ""
    url_name = ""

    def get_queryset(self):
        # Per request: public() compares with the time now.
        return self.for_listing(self.model.objects.public())

    def for_listing(self, queryset):
        return queryset

    def get_context_data(self, **kwargs):
        depends_on(list_key(dependencies.row_kind(self.model)))
        context = super().get_context_data(heading=self.heading, **kwargs)
        # Counted for this page's rows only, so a deep page costs what the first does.
        counts = selectors.coverage_counts(context["object_list"])
        for obj in context["object_list"]:
            obj.coverage = counts.get(obj.pk, 0)
            obj.summary = self.summary_of(obj)
        return context

    def summary_of(self, obj) -> str:
        return obj.description

    def get_meta(self):
        return _list_meta(
            self.heading, self.url_name, f"{self.heading} in the newsroom's reports, A to Z."
        )


class CompanyListView(EntityListView):
    model = Company
    heading, url_name = "Companies", "company_list"


class PersonListView(EntityListView):
    model = Person
    heading, url_name = "People", "person_list"

    def for_listing(self, queryset):
        return queryset.prefetch_related(
            Prefetch("roles", queryset=Role.objects.select_related("company"))
        )

    def summary_of(self, person) -> str:
        return person.bio or "; ".join(f"{r.title}, {r.company}" for r in person.roles.all())


class EventListView(EntityListView):
    model = Event
    heading, url_name = "Events", "event_list"

    def for_listing(self, queryset):
        # Editions are listed under their series, not as events of their own.
        return queryset.filter(series__isnull=True).prefetch_related(
            Prefetch("editions", queryset=Event.objects.public())
        )


class TopicDetailView(OldSlugRedirectMixin, PageMetaMixin, DetailView):
    """A company, person, event or tag page: look the subject up, build its page
    object (topic_pages), render it.

    The subject is read with one query; the rest only when a panel of the page that
    shows it is drawn (articles/fragments.py): the head, the coverage (drawn from
    the articles about it), the rail and the main column are kept apart, so a new
    article about the subject re-renders its coverage and timeline, not its facts.
    """

    build_page = None  # a topic_pages builder

    def get_queryset(self):
        return selectors.visible_to(self.request.user, self.model.objects.all())

    def get_object(self, queryset=None):
        subject = self.look_up(queryset)
        self.page = dependencies.Loaded(lambda: self.build(subject))
        return subject

    compiled_lookup = False  # look readers' subject up with selectors.public_by_slug

    def look_up(self, queryset):
        if not self.compiled_lookup or self.request.user.is_staff:
            return super().get_object(queryset)
        subject = selectors.public_by_slug(self.model, self.kwargs["slug"])
        if subject is None:
            raise Http404(f"No public {self.model._meta.verbose_name} by that name")
        return subject

    def build(self, subject):
        depends_on(about(subject))  # its facts, relations, roles, quotes, citations
        return type(self).build_page(selectors.load_detail(subject))

    def get_context_data(self, **kwargs):
        return super().get_context_data(**topic_pages.lazy_context(self.page), **kwargs)

    def topic_meta(self, description: str, json_ld, og_type: str = "website"):
        obj = self.object
        kind = kinds.kind_of(obj)
        meta = PageMeta(
            title=obj.name,
            description=description[:300],
            og_type=og_type,
            image_url=lambda: _card(obj),
            breadcrumbs=[
                HOME,
                (kind.label, reverse(kind.list_url_name)),
                (obj.name, obj.get_absolute_url()),
            ],
            panel=obj,
        )
        meta.json_ld.append(json_ld)
        meta.feeds = _entity_feeds(obj)
        return meta


class CompanyDetailView(TopicDetailView):
    model = Company
    compiled_lookup = True
    build_page = topic_pages.company_page

    def get_meta(self):
        company = self.object
        description = company.description or f"{company.name}: what the newsroom's reports say."
        return self.topic_meta(description, structured_data.organization(self.request, company))


class PersonDetailView(TopicDetailView):
    model = Person
    compiled_lookup = True
    build_page = topic_pages.person_page

    def get_meta(self):
        person = self.object
        description = person.bio or f"{person.name}: roles, quotes and reports."
        return self.topic_meta(
            description,
            lambda: structured_data.person(self.request, person, self.page().roles),
            og_type="profile",
        )


class EventDetailView(TopicDetailView):
    model = Event
    build_page = topic_pages.event_page

    def get_queryset(self):
        return super().get_queryset().select_related("series")

    def build(self, subject):
        # Its series was read with it, outside the panels that show it.
        if subject.series is not None:
            depends_on(f"{dependencies.row_kind(Event)}:{subject.series_id}")
        return super().build(subject)

    def get_meta(self):
        event = self.object
        description = event.description or f"{event.name}: who took part and what happened."

        def json_ld():
            participants = [p.company for p in self.page().participations]
            return structured_data.event(self.request, event, participants)

        return self.topic_meta(description, json_ld)


class TagListView(PageMetaMixin, ListView):
    template_name = "articles/tag_list.html"

    def get_queryset(self):
        depends_on(list_key("tag"))
        return selectors.tags_with_counts()

    def get_meta(self):
        return _list_meta(
            "Tags",
            "tag_list",
            "Topics, places, products, programmes and "
            "sectors in the newsroom's reports, with how often each is used.",
        )


def _tag_group_url(tag, group: str) -> str:
    return reverse("tag_group", kwargs={"slug": tag.slug, "group": group})


class TagDetailView(TopicDetailView):
    model = Tag
    compiled_lookup = True
    build_page = functools.partial(topic_pages.tag_page, group_url=_tag_group_url)

    def get_meta(self):
        tag = self.object
        return self.topic_meta(
            tag.description or f"Everything the newsroom has on {tag.name}.",
            structured_data.entity_ref(self.request, tag) | {"@context": "https://schema.org"},
        )


class TagGroupView(PageMetaMixin, ListView):
    """All the articles, companies, people or events carrying one tag, paginated
    (articles by keyset, as on the article list, since a tag may carry thousands)."""

    template_name = "articles/tag_group.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        if self.kwargs["group"] not in selectors.TAG_GROUPS:
            raise Http404("No such group.")
        self.tag = get_object_or_404(Tag.objects.public(), slug=self.kwargs["slug"])
        depends_on(coverage_of(self.tag))
        return selectors.tagged_queryset(tag=self.tag, group=self.kwargs["group"])

    def paginate_queryset(self, queryset, page_size):
        if self.kwargs["group"] != "articles":
            return super().paginate_queryset(queryset, page_size)
        self.listing = keyset.page(queryset, self.request.GET.get("before"), page_size)
        return None, None, self.listing.items, False

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tag=self.tag,
            group=self.kwargs["group"],
            listing=getattr(self, "listing", None),
            **kwargs,
        )

    def get_meta(self):
        group = self.kwargs["group"].capitalize()
        path = reverse("tag_group", kwargs=self.kwargs)
        return PageMeta(
            title=f"{self.tag.name}: {group}",
            description=f"{group} tagged {self.tag.name}.",
            breadcrumbs=[
                HOME,
                ("Tags", reverse("tag_list")),
                (self.tag.name, self.tag.get_absolute_url()),
                (group, path),
            ],
        )


class IntersectionView(PageMetaMixin, TemplateView):
    template_name = "articles/intersection.html"

    def get(self, request, *args, **kwargs):
        self.pair = selectors.intersection_pair(**kwargs)
        canonical = intersections.intersection_url(*self.pair)
        if request.path != canonical:
            return HttpResponsePermanentRedirect(canonical)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        first, second = self.pair
        depends_on(*(key for obj in self.pair for key in (about(obj), coverage_of(obj))))
        return super().get_context_data(
            first=first,
            second=second,
            articles=intersections.articles_about_both(first, second).prefetch_related("tags")[:20],
            connections=intersections.connections(first, second),
            **kwargs,
        )

    def get_meta(self):
        first, second = self.pair
        path = intersections.intersection_url(first, second)
        meta = PageMeta(
            title=f"{first.name} × {second.name}",
            description=f"Articles and facts that connect {first.name} and {second.name}.",
            breadcrumbs=[
                HOME,
                (first.name, first.get_absolute_url()),
                (f"{first.name} × {second.name}", path),
            ],
        )
        meta.feeds = feed_links(
            f"{first.name} × {second.name}",
            intersections.intersection_url(first, second, name="intersection_feed"),
            intersections.intersection_url(first, second, name="intersection_feed_atom"),
        )
        return meta


class SearchView(PageMetaMixin, TemplateView):
    template_name = "articles/search.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # Queries that find nothing are endless; caching them would let anyone fill
        # the page cache with junk and push out the pages readers want.
        if not response.context_data["results"].total:
            response.page_cache_exempt = True
        return response

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "")[:200].strip()
        results = search.search(query)  # declares what the results depend on
        articles = [
            (article, search.snippet(article.body, results.terms))
            for article in results.groups.get("articles", [])
        ]
        for article, _ in articles:
            dependencies.shows_text(article)  # a snippet of its body
        return super().get_context_data(
            query=query,
            results=results,
            article_hits=articles,
            suggestions=selectors.front_page(per_kind=4)["tags_by_kind"]
            if not results.total
            else {},
            **kwargs,
        )

    def get_meta(self):
        return PageMeta(
            title="Search",
            description="Search articles, companies, people, events and tags.",
            breadcrumbs=[HOME, ("Search", reverse("search"))],
        )


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    sitemap = absolute_url(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /search/", f"Sitemap: {sitemap}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request):
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def page_not_found(request, exception):
    """The 404 page in the site's design, with its own title and description."""
    meta = PageMeta(title="Page not found", description="There is no page at this address.")
    return render(request, "404.html", {"meta": meta}, status=404)
