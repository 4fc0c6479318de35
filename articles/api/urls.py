"""/api/v1/: the endpoints, their OpenAPI schema and its browsable docs."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from .. import converters  # noqa: F401 (registers <kind> and <anyslug>)
from ..kinds import KINDS
from . import manage, schema, views  # noqa: F401 (schema: the token's scheme)
from .problems import not_found

app_name = "api"

urlpatterns = [
    path("", views.Index.as_view(), name="index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a file: no inline script, so the
    # site's Content-Security-Policy holds here too.
    path("docs/", views.Docs.as_view(url_name="api:schema"), name="docs"),
    path("articles/", views.ArticleList.as_view(), name="article-list"),
    path("articles/<anyslug:slug>/", views.ArticleDetail.as_view(), name="article-detail"),
    path("search/", views.Search.as_view(), name="search"),
    path(
        "together/<kind:kind_a>/<anyslug:slug_a>/<kind:kind_b>/<anyslug:slug_b>/",
        views.Intersection.as_view(),
        name="intersection",
    ),
    # For editors' tools with a token (articles/api/manage.py).
    path("manage/articles/", manage.ManagedArticles.as_view(), name="manage-article-list"),
    path("manage/articles/<int:pk>/", manage.ManagedArticle.as_view(), name="manage-article"),
    path(
        "manage/articles/<int:pk>/image/",
        manage.ManagedArticleImage.as_view(),
        name="manage-article-image",
    ),
    path(
        "manage/articles/<int:pk>/<str:step>/",
        manage.ManagedArticleStep.as_view(),
        name="manage-article-step",
    ),
]
for name, kind in KINDS.items():
    listing, detail = views.TOPIC_VIEWS[name]
    urlpatterns += [
        path(f"{kind.group}/", listing.as_view(), name=f"{name}-list"),
        path(f"{kind.group}/<anyslug:slug>/", detail.as_view(), name=f"{name}-detail"),
    ]
urlpatterns.append(re_path(r"^.*$", not_found))
