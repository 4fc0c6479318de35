"""Whole-page caching for anonymous readers that is never stale.

Every cached page is filed under the current *content version*. Any write to
content bumps the version (articles/signals.py), so the next request renders
afresh: nothing is purged, old entries simply stop being asked for and expire.
A page is kept no longer than until the next scheduled publication, so a
scheduled article appears on time without any purge.

What keys a page is its path and the query parameters its view reads
(QUERY_PARAMETERS); the others (utm_*, cache busters) are dropped before the view
runs, so one client cannot fill the cache with copies of a page. Signed-in users
always get a fresh page: they carry a marker cookie, set when a response finds
the user signed in and cleared when it does not, and the marker is checked
against the real session. A stray cookie, or a session without a signed-in user,
is served from the cache like anyone else, without a query unless it carries the
marker.
"""

import hashlib
import logging
import os
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import http_date

VERSION_KEY = "newsroom:content-version"
CHANGED_KEY = "newsroom:content-changed-at"
NEXT_PUBLICATION_KEY = "newsroom:next-publication:{version}"
PAGE_KEY = "newsroom:page:{version}:{digest}"
# Headers worth keeping with a cached page.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Cache-Control", "Location")

logger = logging.getLogger(__name__)

# The query parameters each route's view reads (articles/views.py); nothing else
# keys a page or reaches its view.
QUERY_PARAMETERS = {
    "search": ("q",),
    "article_list": ("before",),
    "tag_group": ("before", "page"),
    "company_list": ("page",),
    "person_list": ("page",),
    "event_list": ("page",),
}
# Says "this browser has a signed-in session"; not trusted on its own.
SIGNED_IN_COOKIE = "newsroom_signed_in"


def _version_is_shared_by_the_cache() -> bool:
    # A local-memory cache is private to one process: gunicorn's other workers would
    # never see a bump. Then the version lives in a file's modification time, which
    # every process on the machine sees (one stat call a request).
    return "LocMemCache" not in settings.CACHES["default"]["BACKEND"]


def content_version() -> int:
    if not _version_is_shared_by_the_cache():
        path = settings.PAGE_CACHE_VERSION_FILE
        try:
            return path.stat().st_mtime_ns
        except FileNotFoundError:
            bump_content_version()
            return path.stat().st_mtime_ns
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        cache.add(CHANGED_KEY, time.time(), timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def content_changed_at() -> float:
    if not _version_is_shared_by_the_cache():
        return content_version() / 1e9
    return cache.get(CHANGED_KEY) or time.time()


def bump_content_version() -> None:
    """Make every cached page stale at once (called on any content write)."""
    if not _version_is_shared_by_the_cache():
        path = settings.PAGE_CACHE_VERSION_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        # Nanoseconds, and never the same value twice, even for two writes in a row.
        now = max(time.time_ns(), path.stat().st_mtime_ns + 1)
        os.utime(path, ns=(now, now))
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(VERSION_KEY, int(time.time() * 1000), timeout=None)
    cache.set(CHANGED_KEY, time.time(), timeout=None)


def seconds_until_next_publication(version: int) -> float | None:
    """How long until a scheduled article goes live, if one is waiting."""
    from .models import Article, ArticleStatus

    key = NEXT_PUBLICATION_KEY.format(version=version)
    moment = cache.get(key)
    if moment is None:
        upcoming = (
            Article.objects.filter(status=ArticleStatus.PUBLISHED, published_at__gt=timezone.now())
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        moment = upcoming.timestamp() if upcoming else 0.0
        cache.set(key, moment, timeout=settings.PAGE_CACHE_SECONDS)
    return max(moment - time.time(), 0.0) if moment else None


def page_ttl(version: int) -> int:
    """Seconds to keep a page; 0 (do not keep) when the schedule cannot be read."""
    ttl = settings.PAGE_CACHE_SECONDS
    try:
        wait = seconds_until_next_publication(version)
    except DatabaseError as error:
        # A page that needs no database (robots.txt) was rendered with it down: serve
        # it, but uncached, since a scheduled article might be due before the TTL.
        logger.warning("Page not cached, next publication unknown: %s", error)
        return 0
    if wait is not None:
        ttl = min(ttl, int(wait))
    return ttl


def _signed_in(request) -> bool:
    """Whether the request comes with a signed-in session. Free of queries unless
    the marker cookie is there; then the session itself decides."""
    if SIGNED_IN_COOKIE not in request.COOKIES:
        return False
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    try:
        signed_in = bool(session_key) and SESSION_KEY in store
    except DatabaseError:
        return True  # cannot tell: let the view answer (its 503 page, most likely)
    request.page_cache_stale_marker = not signed_in
    return signed_in


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(settings.PAGE_CACHE_SKIP_PREFIXES)
        and not _signed_in(request)
    )


def _keep_keyed_parameters(request) -> str:
    """Drop the query parameters the view does not read, from the request itself,
    so the page rendered is the page the key names. Returns the query kept."""
    try:
        route = resolve(request.path_info).url_name
    except Resolver404:
        route = None
    kept = QueryDict(mutable=True)
    for name in QUERY_PARAMETERS.get(route, ()):
        value = request.GET.get(name)  # the last value, as the view reads it
        if value is not None:
            kept[name] = value
    query = kept.urlencode()
    request.GET = QueryDict(query)
    request.META["QUERY_STRING"] = query
    return query


def _sync_signed_in_marker(request, response) -> None:
    """Set the marker when a response finds the user signed in (a login), clear it
    when it finds them not (a logout, an expired session)."""
    has_marker = SIGNED_IN_COOKIE in request.COOKIES
    user = getattr(request, "user", None)
    if user is None:  # authentication did not run (a cache hit, an early redirect)
        signed_in = not getattr(request, "page_cache_stale_marker", False)
    else:
        try:
            signed_in = user.is_authenticated
        except DatabaseError:  # the session cannot be read: leave the marker be
            return
    if signed_in and not has_marker and user is not None:
        response.set_cookie(
            SIGNED_IN_COOKIE,
            "1",
            max_age=settings.SESSION_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
    elif has_marker and not signed_in:
        response.delete_cookie(SIGNED_IN_COOKIE, samesite=settings.SESSION_COOKIE_SAMESITE)


def _cacheable_response(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and not getattr(response, "page_cache_exempt", False)
    )


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The cache is keyed without the Host, so refuse a Host Django would refuse
        # (DisallowedHost: a 400) before answering from it.
        request.get_host()
        if settings.PAGE_CACHE_SECONDS and _cacheable_request(request):
            response = self._from_cache(request)
        else:
            response = self.get_response(request)
        _sync_signed_in_marker(request, response)
        return response

    def _from_cache(self, request):
        query = _keep_keyed_parameters(request)
        version = content_version()
        digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
        key = PAGE_KEY.format(version=version, digest=digest)
        cached = cache.get(key)
        if cached is not None:
            return self._rebuild(cached, hit=True)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response  # signed in without the marker: never cache their page
        if _cacheable_response(response):
            ttl = page_ttl(version)
            digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
            stored = {
                "content": response.content,
                "headers": {h: response[h] for h in KEPT_HEADERS if h in response},
                "etag": f'"{digest}"',
                "last_modified": http_date(content_changed_at()),
            }
            if ttl > 0:
                cache.set(key, stored, timeout=ttl)
            response["ETag"] = stored["etag"]
            response["Last-Modified"] = stored["last_modified"]
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _rebuild(stored: dict, *, hit: bool) -> HttpResponse:
        response = HttpResponse(stored["content"])
        for header, value in stored["headers"].items():
            response[header] = value
        response["ETag"] = stored["etag"]
        response["Last-Modified"] = stored["last_modified"]
        response["X-Page-Cache"] = "hit" if hit else "miss"
        return response
