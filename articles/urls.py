from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import converters, feeds, views  # noqa: F401 (converters: registers <kind>, <anyslug>)
from .sitemaps import SITEMAPS

PAIR = "<kind:kind_a>/<anyslug:slug_a>/<kind:kind_b>/<anyslug:slug_b>"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/<anyslug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("companies/", views.CompanyListView.as_view(), name="company_list"),
    path("companies/<anyslug:slug>/", views.CompanyDetailView.as_view(), name="company_detail"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<anyslug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/<anyslug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("tags/", views.TagListView.as_view(), name="tag_list"),
    path("tags/<anyslug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("tags/<anyslug:slug>/<str:group>/", views.TagGroupView.as_view(), name="tag_group"),
    path(f"together/{PAIR}/", views.IntersectionView.as_view(), name="intersection"),
    path("search/", views.SearchView.as_view(), name="search"),
    # Feeds
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("feed/json/", feeds.LatestArticlesJSONFeed(), name="feed_json"),
    path("feed/<kind:kind>/<anyslug:slug>/", feeds.EntityFeed(), name="entity_feed"),
    path("feed/<kind:kind>/<anyslug:slug>/atom/", feeds.EntityAtomFeed(), name="entity_feed_atom"),
    path("feed/<kind:kind>/<anyslug:slug>/json/", feeds.EntityJSONFeed(), name="entity_feed_json"),
    path(f"together/{PAIR}/feed/", feeds.IntersectionFeed(), name="intersection_feed"),
    path(
        f"together/{PAIR}/feed/atom/", feeds.IntersectionAtomFeed(), name="intersection_feed_atom"
    ),
    path(
        f"together/{PAIR}/feed/json/", feeds.IntersectionJSONFeed(), name="intersection_feed_json"
    ),
    # For machines
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
]
