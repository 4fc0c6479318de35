"""Media on S3-compatible object storage (django-storages), when a bucket is named.

Public media (uploads, renditions, social cards) live under `media/` in the bucket
and are linked at MEDIA_URL: the bucket's own address, or the edge's `/media/`
(deploy/varnish/newsroom.vcl routes it to the bucket). Images waiting for a refused
form's next submit live under `pending/`, which neither MEDIA_URL nor the edge
exposes; the bucket's policy should make only `media/*` publicly readable.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PublicMediaStorage(S3Storage):
    location = "media"
    querystring_auth = False  # public objects: a plain, cacheable URL
    file_overwrite = False  # a new upload never replaces another's file

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))


class PendingUploadStorage(S3Storage):
    location = "pending"
    file_overwrite = False
