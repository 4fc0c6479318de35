from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve


def serve_media(request, path):
    """Uploaded media, served by the app on the embedded defaults.

    Uploads are validated images, and are served so that nothing in them can run:
    the type Django guesses from the name, nosniff, and a policy that forbids
    scripts and sandboxes the file if it is opened directly. MEDIA_ROOT is read per
    request so tests can move it. Behind object storage (django-storages) in
    production this route goes unused.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Content-Disposition"] = "inline"
    return response


urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("api/v1/", include("articles.api.urls")),
    path("", include("articles.urls")),
]
if not settings.AWS_STORAGE_BUCKET_NAME:  # with a bucket, readers fetch media from it
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media")
    )

handler404 = "articles.views.page_not_found"
