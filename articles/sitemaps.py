from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Max
from django.urls import reverse

from . import selectors
from .dependencies import TEXT, depends_on, list_key, shows_text
from .kinds import ENTITY_KINDS, KINDS, kind_of
from .models import Tag


class Sitemap(DjangoSitemap):
    """Locations on SITE_URL. Without the sites framework Django would take the
    request's Host, and the cached sitemap would carry it to every reader."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        depends_on(list_key("article"))
        return selectors.published_articles()

    def lastmod(self, article):
        shows_text(article)
        return article.updated_at


class EntitySitemap(Sitemap):
    changefreq = "weekly"

    def __init__(self, model):
        self.model = model

    def items(self):
        depends_on(list_key(kind_of(self.model).name))
        return self.model.objects.public().order_by("pk")

    def lastmod(self, entity):
        return entity.updated_at


class TagSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        depends_on(list_key("tag"))
        return Tag.objects.public().order_by("pk")


class SectionSitemap(Sitemap):
    """The home page and the lists, last modified when their newest item was."""

    changefreq = "daily"
    names = ("home", "article_list", *(kind.list_url_name for kind in KINDS.values()))

    def items(self):
        # The newest update of any article: any article's text edit may move it.
        depends_on(list_key("article"), f"all:{TEXT}")
        latest = selectors.published_articles().aggregate(latest=Max("updated_at"))["latest"]
        return [(name, latest) for name in self.names]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


SITEMAPS = {
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    **{kind.group: EntitySitemap(kind.model) for kind in ENTITY_KINDS.values()},
    "tags": TagSitemap,
}
