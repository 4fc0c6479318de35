from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve


def serve_media(request, path):
    """Uploaded media, served by the app on the embedded defaults.

    MEDIA_ROOT is read per request so that it can change without a restart (tests
    point it at a temporary directory). Behind object storage (django-storages) in
    production this route goes unused.
    """
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
]

handler404 = "articles.views.page_not_found"
