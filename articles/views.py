"""Public pages. Querysets come from articles.selectors; metadata from page_meta."""

from collections import Counter

from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView, TemplateView

from . import editorial, intersections, keyset, search, selectors, structured_data, timeline
from .models import Article, Company, Event, Person, Role, Tag
from .page_meta import SITE_NAME, PageMeta, absolute_url, feed_links
from .rendering import render_article_body
from .renditions import renditions
from .social_cards import card_url

PAGE_SIZE = 20
TAG_GROUP_PREVIEW = 10
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


# A topic page shows the few facts that define its subject in a box: the first ones
# in the order editors give them (Fact.position), the rest below.
KEY_FACTS = 4
# Of all the pairs a subject makes, the intersections worth a link.
TOGETHER_LIMIT = 6


def _together(obj, others, *, limit: int = TOGETHER_LIMIT) -> list[tuple[object, str]]:
    """Links to the intersection pages of `obj` with the others it is most connected to.

    `others` names each related entity or tag once per link the page shows (a fact,
    a relation, a participation, a tag): the more often, the closer. Entities come
    before tags when they tie, then the order the page gives them.
    """
    counts, first_seen = Counter(), {}
    # An edition also counts for its series (when the page loaded it): four editions
    # make the expo a close tie.
    others = [
        *others,
        *(
            o.series
            for o in others
            if isinstance(o, Event) and o.series_id and Event.series.is_cached(o)
        ),
    ]
    for other in others:
        if other == obj:
            continue
        key = (intersections.kind_of(other), other.pk)
        counts[key] += 1
        first_seen.setdefault(key, (len(first_seen), other))
    ranked = sorted(
        first_seen.items(),
        key=lambda item: (-counts[item[0]], isinstance(item[1][1], Tag), item[1][0]),
    )
    return [(other, intersections.intersection_url(obj, other)) for _, (_, other) in ranked[:limit]]


def _topic_context(entity, *, kind_label: str, summary: str, facts: list, extra=()) -> dict:
    """What every topic page's head and key-facts box show."""
    aliases = getattr(entity, "alias_list", [])
    extra = [*extra, *([("Also known as", ", ".join(aliases))] if aliases else [])]
    return {
        "entity": entity,
        "kind_label": kind_label,
        "summary": summary,
        "key_facts": facts[:KEY_FACTS],
        "more_facts": facts[KEY_FACTS:],
        "extra_key_facts": [(label, value) for label, value in extra if value],
    }


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
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        front = selectors.front_page()
        upcoming, recent = selectors.dated_events()
        lead = front["articles"][0] if front["articles"] else None
        return super().get_context_data(
            lead=lead,
            lead_tags=front["lead_tags"],
            lead_images=renditions(lead.image) if lead else [],
            latest=front["articles"][1:],
            upcoming_events=upcoming,
            recent_events=recent,
            events=front["events"],
            companies=front["companies"],
            people=front["people"],
            tags_by_kind=front["tags_by_kind"],
            **kwargs,
        )

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
        listing = keyset.page(
            selectors.article_listing(), self.request.GET.get("before"), PAGE_SIZE
        )
        return super().get_context_data(listing=listing, **kwargs)

    def get_meta(self):
        meta = _list_meta("Articles", "article_list", "The newsroom's articles, newest first.")
        meta.feeds = feed_links("Latest articles", reverse("feed"), reverse("feed_atom"))
        return meta


class ArticleDetailView(OldSlugRedirectMixin, PageMetaMixin, DetailView):
    model = Article
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        # Staff may preview drafts and scheduled articles (the page says so);
        # everyone else gets a 404 until the article is live.
        return selectors.visible_to(self.request.user, selectors.article_detail_queryset())

    def get_context_data(self, **kwargs):
        article = self.object
        self.images = renditions(article.image)
        return super().get_context_data(
            body_html=render_article_body(article),
            related=selectors.related_articles(article=article),
            images=self.images,
            **kwargs,
        )

    def get_meta(self):
        article = self.object
        # The photo when there is one, else the article's drawn card.
        image_url = absolute_url(self.images[-1].url) if self.images else _card(article)
        meta = PageMeta(
            title=article.title,
            description=article.standfirst or article.paragraphs()[0][:200],
            og_type="article",
            image_url=image_url,
            breadcrumbs=[
                HOME,
                ("Articles", reverse("article_list")),
                (article.title, article.get_absolute_url()),
            ],
        )
        meta.json_ld.append(structured_data.news_article(self.request, article, image_url))
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


class EntityDetailView(OldSlugRedirectMixin, PageMetaMixin, DetailView):
    list_title = ""
    list_url_name = ""

    def get_queryset(self):
        return selectors.visible_to(self.request.user, super().get_queryset())

    def get_object(self, queryset=None):
        return selectors.hide_unpublished(super().get_object(queryset))

    def entity_meta(self, description: str, json_ld: dict, og_type: str = "website"):
        obj = self.object
        meta = PageMeta(
            title=obj.name,
            description=description[:300],
            og_type=og_type,
            image_url=_card(obj),
            breadcrumbs=[
                HOME,
                (self.list_title, reverse(self.list_url_name)),
                (obj.name, obj.get_absolute_url()),
            ],
        )
        meta.json_ld.append(json_ld)
        meta.feeds = _entity_feeds(obj)
        return meta


class CompanyDetailView(EntityDetailView):
    queryset = selectors.company_detail_queryset()
    list_title, list_url_name = "Companies", "company_list"

    def get_context_data(self, **kwargs):
        company = self.object
        facts = [(fact, f"{company.name}: {fact.label}") for fact in company.facts.all()]
        # A relation reads the same from both ends: "iCampus is part of AstraZeneca".
        facts += [(rel, str(rel)) for rel in company.relations_out.all()]
        facts += [(rel, str(rel)) for rel in company.relations_in.all()]
        events = [p.event for p in company.participations.all()]
        articles = selectors.articles_about(company)
        others = [
            *(r.target for r in company.relations_out.all()),
            *(r.source for r in company.relations_in.all()),
            *events,
            *(role.person for role in company.roles.all()),
            *company.tags.all(),
        ]
        relations = [*company.relations_out.all(), *company.relations_in.all()]
        return super().get_context_data(
            **_topic_context(
                company,
                kind_label=company.get_kind_display(),
                summary=company.description,
                facts=list(company.facts.all()),
            ),
            relations=relations,
            timeline=timeline.grouped(
                timeline.build(events=events, articles=articles, facts=facts)
            ),
            together=_together(company, others),
            articles=articles,
            **kwargs,
        )

    def get_meta(self):
        company = self.object
        description = company.description or f"{company.name}: what the newsroom's reports say."
        return self.entity_meta(description, structured_data.organization(self.request, company))


class PersonDetailView(EntityDetailView):
    queryset = selectors.person_detail_queryset()
    list_title, list_url_name = "People", "person_list"

    def get_context_data(self, **kwargs):
        person = self.object
        facts = [(fact, f"{person.name}: {fact.label}") for fact in person.facts.all()]
        others = [*(role.company for role in person.roles.all()), *person.tags.all()]
        articles = selectors.articles_about(person)
        roles = list(person.roles.all())
        summary = person.bio or "; ".join(f"{role.title}, {role.company}" for role in roles)
        return super().get_context_data(
            **_topic_context(
                person, kind_label="Person", summary=summary, facts=list(person.facts.all())
            ),
            timeline=timeline.grouped(timeline.build(articles=articles, facts=facts)),
            together=_together(person, others),
            articles=articles,
            **kwargs,
        )

    def get_meta(self):
        person = self.object
        roles = list(person.roles.all())
        description = person.bio or f"{person.name}: roles, quotes and reports."
        return self.entity_meta(
            description, structured_data.person(self.request, person, roles), og_type="profile"
        )


class EventDetailView(EntityDetailView):
    queryset = selectors.event_detail_queryset()
    list_title, list_url_name = "Events", "event_list"

    def get_context_data(self, **kwargs):
        event = self.object
        facts = [(fact, f"{event.name}: {fact.label}") for fact in event.facts.all()]
        facts += [(rel, str(rel)) for rel in event.company_relations.all()]
        companies = [p.company for p in event.participations.all()]
        others = [
            *companies,
            *(r.source for r in event.company_relations.all()),
            *(r.target for r in event.company_relations.all()),
            *event.tags.all(),
        ]
        articles = selectors.articles_about(event)
        siblings = list(event.series.editions.all()) if event.series else []
        place = siblings.index(event) if event in siblings else None
        where = event.location
        return super().get_context_data(
            **_topic_context(
                event,
                kind_label=(
                    f"{event.get_kind_display()} · edition {event.edition}"
                    if event.series
                    else event.get_kind_display()
                ),
                summary=event.description,
                facts=list(event.facts.all()),
                extra=[("When", event.when), ("Where", where)],
            ),
            # Editions in order; an edition's neighbours in its series.
            editions=sorted(event.editions.all(), key=lambda e: (e.edition or 0, e.name)),
            previous_edition=siblings[place - 1] if place else None,
            next_edition=siblings[place + 1]
            if place is not None and place + 1 < len(siblings)
            else None,
            timeline=timeline.grouped(
                timeline.build(events=event.editions.all(), articles=articles, facts=facts)
            ),
            together=_together(event, others),
            articles=articles,
            **kwargs,
        )

    def get_meta(self):
        event = self.object
        description = event.description or f"{event.name}: who took part and what happened."
        return self.entity_meta(description, structured_data.event(self.request, event))


class TagListView(PageMetaMixin, ListView):
    template_name = "articles/tag_list.html"

    def get_queryset(self):
        return selectors.tags_with_counts()

    def get_meta(self):
        return _list_meta(
            "Tags",
            "tag_list",
            "Topics, places, products, programmes and "
            "sectors in the newsroom's reports, with how often each is used.",
        )


class TagDetailView(OldSlugRedirectMixin, PageMetaMixin, DetailView):
    queryset = selectors.tag_detail_queryset()

    def get_queryset(self):
        return selectors.visible_to(self.request.user, super().get_queryset())

    def get_object(self, queryset=None):
        return selectors.hide_unpublished(super().get_object(queryset))

    def get_context_data(self, **kwargs):
        tag = self.object
        groups = []
        for group in selectors.TAG_GROUPS:
            items = list(selectors.tagged_queryset(tag=tag, group=group)[: TAG_GROUP_PREVIEW + 1])
            more = len(items) > TAG_GROUP_PREVIEW
            url = reverse("tag_group", kwargs={"slug": tag.slug, "group": group})
            groups.append((group, items[:TAG_GROUP_PREVIEW], more, url))
        entities = [item for name, items, _, _ in groups if name != "articles" for item in items]
        _, articles, more_articles, all_articles_url = groups[0]  # TAG_GROUPS starts with them
        return super().get_context_data(
            **_topic_context(
                tag,
                kind_label=tag.get_kind_display(),
                summary=tag.description,
                facts=list(tag.facts.all()),
            ),
            articles=articles,
            all_articles_url=all_articles_url if more_articles else "",
            groups=groups[1:],
            together=_together(tag, entities),
            **kwargs,
        )

    def get_meta(self):
        tag = self.object
        meta = PageMeta(
            title=tag.name,
            description=tag.description or f"Everything the newsroom has on {tag.name}.",
            image_url=_card(tag),
            breadcrumbs=[HOME, ("Tags", reverse("tag_list")), (tag.name, tag.get_absolute_url())],
        )
        meta.json_ld.append(
            structured_data.entity_ref(self.request, tag) | {"@context": "https://schema.org"}
        )
        meta.feeds = _entity_feeds(tag)
        return meta


class TagGroupView(PageMetaMixin, ListView):
    """All the articles, companies, people or events carrying one tag, paginated
    (articles by keyset, as on the article list, since a tag may carry thousands)."""

    template_name = "articles/tag_group.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        if self.kwargs["group"] not in selectors.TAG_GROUPS:
            raise Http404("No such group.")
        self.tag = get_object_or_404(Tag.objects.public(), slug=self.kwargs["slug"])
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
        results = search.search(query)
        articles = [
            (article, search.snippet(article.body, results.terms))
            for article in results.groups.get("articles", [])
        ]
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
