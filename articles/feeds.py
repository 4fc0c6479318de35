"""RSS and Atom feeds: site-wide, per tag or entity, and per intersection."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from . import intersections, selectors
from .page_meta import DEFAULT_DESCRIPTION, SITE_NAME
from .timestamps import to_the_second

FEED_SIZE = 30


class ArticleItemsMixin:
    """How an article appears in any of our feeds."""

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.standfirst

    # To the second, as every machine-readable time the site prints.
    def item_pubdate(self, article):
        return to_the_second(article.published_at)

    def item_updateddate(self, article):
        return to_the_second(article.updated_at)

    def item_author_name(self, article):
        return article.byline or SITE_NAME

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]


class LatestArticlesFeed(ArticleItemsMixin, Feed):
    title = SITE_NAME
    description = DEFAULT_DESCRIPTION

    def link(self):
        return reverse("home")

    def items(self):
        return selectors.published_articles().prefetch_related("tags")[:FEED_SIZE]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = DEFAULT_DESCRIPTION


class EntityFeed(ArticleItemsMixin, Feed):
    """Articles about one company, person or event, or carrying one tag."""

    def get_object(self, request, kind, slug):
        model = intersections.KINDS.get(kind)
        if model is None:
            raise Http404("No such kind of page.")
        return get_object_or_404(model, slug=slug)

    def title(self, obj):
        return f"{obj.name} · {SITE_NAME}"

    def description(self, obj):
        return f"Articles about {obj.name}."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        field = intersections.ARTICLE_FIELD[intersections.kind_of(obj)]
        return (
            selectors.published_articles()
            .filter(**{field: obj})
            .prefetch_related("tags")[:FEED_SIZE]
        )


class EntityAtomFeed(EntityFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class IntersectionFeed(ArticleItemsMixin, Feed):
    def get_object(self, request, kind_a, slug_a, kind_b, slug_b):
        return selectors.intersection_pair(kind_a, slug_a, kind_b, slug_b)

    def title(self, pair):
        return f"{pair[0].name} × {pair[1].name} · {SITE_NAME}"

    def description(self, pair):
        return f"Articles about both {pair[0].name} and {pair[1].name}."

    def link(self, pair):
        return intersections.intersection_url(*pair)

    def items(self, pair):
        return intersections.articles_about_both(*pair).prefetch_related("tags")[:FEED_SIZE]


class IntersectionAtomFeed(IntersectionFeed):
    feed_type = Atom1Feed

    def subtitle(self, pair):
        return self.description(pair)
