"""RSS, Atom and JSON feeds: site-wide, per tag or entity, and per intersection."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from . import intersections, selectors
from .dependencies import coverage_of, depends_on, list_key, shows_text
from .json_feed import JSONFeed
from .kinds import KINDS, kind_of
from .page_meta import DEFAULT_DESCRIPTION, SITE_NAME, absolute_url
from .timestamps import to_the_second

FEED_SIZE = 30


class SiteFeed(Feed):
    """Links on SITE_URL. Django's Feed takes the domain from the request's Host
    unless a link is already absolute; the feed is cached for every reader."""

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # The feed's own address (rel="self"), which Django builds from the Host.
        feed.feed["feed_url"] = iri_to_uri(absolute_url(request.path))
        return feed

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())


class ArticleItemsMixin:
    """How an article appears in any of our feeds."""

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        # The standfirst is plain text, and both RSS's <description> and Atom's
        # <summary type="html"> are read as HTML: escape it, or a writer's markup
        # would be rendered by every feed reader.
        return escape(article.standfirst)

    # To the second, as every machine-readable time the site prints.
    def item_pubdate(self, article):
        return to_the_second(article.published_at)

    def item_updateddate(self, article):
        shows_text(article)
        return to_the_second(article.updated_at)

    def item_author_name(self, article):
        return article.byline or SITE_NAME

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]


class LatestArticlesFeed(ArticleItemsMixin, SiteFeed):
    title = SITE_NAME
    description = DEFAULT_DESCRIPTION

    def link(self):
        return absolute_url(reverse("home"))

    def items(self):
        depends_on(list_key("article"))
        return selectors.published_articles().prefetch_related("tags")[:FEED_SIZE]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = DEFAULT_DESCRIPTION


class LatestArticlesJSONFeed(LatestArticlesFeed):
    feed_type = JSONFeed


class EntityFeed(ArticleItemsMixin, SiteFeed):
    """Articles about one company, person or event, or carrying one tag."""

    def get_object(self, request, kind, slug):
        registered = KINDS.get(kind)
        if registered is None:
            raise Http404("No such kind of page.")
        return get_object_or_404(registered.model.objects.public(), slug=slug)

    def title(self, obj):
        return f"{obj.name} · {SITE_NAME}"

    def description(self, obj):
        return f"Articles about {obj.name}."

    def link(self, obj):
        return absolute_url(obj.get_absolute_url())

    def items(self, obj):
        depends_on(coverage_of(obj))
        field = kind_of(obj).article_field
        return (
            selectors.published_articles()
            .filter(**{field: obj})
            .prefetch_related("tags")[:FEED_SIZE]
        )


class EntityAtomFeed(EntityFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class EntityJSONFeed(EntityFeed):
    feed_type = JSONFeed


class IntersectionFeed(ArticleItemsMixin, SiteFeed):
    def get_object(self, request, kind_a, slug_a, kind_b, slug_b):
        return selectors.intersection_pair(kind_a, slug_a, kind_b, slug_b)

    def title(self, pair):
        return f"{pair[0].name} × {pair[1].name} · {SITE_NAME}"

    def description(self, pair):
        return f"Articles about both {pair[0].name} and {pair[1].name}."

    def link(self, pair):
        return absolute_url(intersections.intersection_url(*pair))

    def items(self, pair):
        depends_on(*(coverage_of(obj) for obj in pair))
        return intersections.articles_about_both(*pair).prefetch_related("tags")[:FEED_SIZE]


class IntersectionAtomFeed(IntersectionFeed):
    feed_type = Atom1Feed

    def subtitle(self, pair):
        return self.description(pair)


class IntersectionJSONFeed(IntersectionFeed):
    feed_type = JSONFeed
