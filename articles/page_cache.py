"""Whole-page caching for anonymous readers that is never stale.

Every cached page is filed under the dependency keys of what it rendered
(articles/dependencies.py), and a write invalidates, on commit, exactly the pages
that carry the keys of what it changed (articles/signals.py); the pages live in
articles/page_store.py. The same keys go out in the `Surrogate-Key` header, so an
edge cache in front can be purged by key too. A page is kept no longer than until
the next scheduled publication, so a scheduled article appears on time without
any purge. `bump_content_version()` empties everything, for the rare change that
touches every page (a restore, a deploy's new templates).

One render per page at a time: a request that finds the page missing waits for the
render already running (up to PAGE_CACHE_WAIT seconds); one that finds it expired
gets the previous copy (`X-Page-Cache: stale`) meanwhile. A page made stale by a
write is deleted, never served as the previous copy.

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
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from . import dependencies, edge, page_store

NEXT_PUBLICATION = "next-publication"
# Headers worth keeping with a cached page.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Vary",
    "Cache-Control",
    "Location",
    "Surrogate-Key",
)

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


def digest_of(path: str, query: str) -> str:
    """The name a page is filed under: its path and the query parameters kept."""
    return hashlib.sha256(f"{path}?{query}".encode()).hexdigest()


def invalidate(keys, *, committed: bool = False) -> None:
    """Make stale every cached page that carries one of `keys`; once the write has
    `committed`, at the edge too (articles/edge.py)."""
    if keys:
        page_store.store().invalidate(keys)
        if committed:
            edge.purge(keys)


def bump_content_version() -> None:
    """Make every cached page stale at once (a restore, new templates on deploy)."""
    page_store.store().clear()
    edge.purge({dependencies.SITE})


def seconds_until_next_publication() -> float | None:
    """How long until a scheduled article goes live, if one is waiting. Kept in the
    page store under `list:article`, which every schedule change invalidates."""
    from .models import Article, ArticleStatus

    store = page_store.store()
    entry = store.get(NEXT_PUBLICATION)
    if entry is None or not entry.is_fresh:
        since = store.begin()
        upcoming = (
            Article.objects.filter(status=ArticleStatus.PUBLISHED, published_at__gt=timezone.now())
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        moment = upcoming.timestamp() if upcoming else 0.0
        ttl = max(settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS)
        entry = page_store.Entry(
            moment, frozenset({dependencies.list_key("article")}), time.time() + ttl
        )
        store.put(NEXT_PUBLICATION, entry, ttl, since)
    moment = entry.value
    return max(moment - time.time(), 0.0) if moment else None


def page_ttl(longest: int | None = None) -> int:
    """Seconds to keep a page (at most `longest`, by default PAGE_CACHE_SECONDS); 0
    (do not keep) when the schedule cannot be read."""
    ttl = settings.PAGE_CACHE_SECONDS if longest is None else longest
    try:
        wait = seconds_until_next_publication()
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
        # An API client that says who it is gets an answer of its own.
        and "HTTP_AUTHORIZATION" not in request.META
        and not _signed_in(request)
    )


def _keep_keyed_parameters(request) -> str:
    """Drop the query parameters the view does not read, from the request itself,
    so the page rendered is the page the key names. Returns the query kept."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        names = ()
    else:
        # An API view names its own (articles/api/views.py); pages are listed above.
        view_class = getattr(match.func, "view_class", None)
        names = getattr(view_class, "cache_query_parameters", None) or QUERY_PARAMETERS.get(
            match.url_name, ()
        )
    kept = QueryDict(mutable=True)
    for name in names:
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
    if signed_in and user is not None:
        # An editor's page is theirs: no shared cache in front may keep it.
        patch_cache_control(response, private=True, no_store=True)
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


def _keep_at_edge(response, seconds: float) -> None:
    """How long an edge cache may keep the page: no longer than this app would, so a
    scheduled article appears there on time too. Browsers get Cache-Control as before."""
    if seconds >= 1:
        response["Surrogate-Control"] = f"max-age={int(seconds)}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The cache is keyed without the Host, so refuse a Host Django would refuse
        # (DisallowedHost: a 400) before answering from it.
        request.get_host()
        if _cacheable_request(request):
            response = self._from_cache(request)
        else:
            response = self.get_response(request)
        _sync_signed_in_marker(request, response)
        return response

    def _from_cache(self, request):
        query = _keep_keyed_parameters(request)
        if not settings.PAGE_CACHE_SECONDS:
            return self._render(request, None, None)
        digest = digest_of(request.path, query)
        store = page_store.store()
        entry = store.get(digest)
        if entry is not None and entry.is_fresh:
            return self._rebuild(entry, "hit")
        if store.try_lock(digest):
            try:
                return self._render(request, digest, store)
            finally:
                store.unlock(digest)
        if entry is not None:  # expired, and another request is rendering it
            return self._rebuild(entry, "stale")
        deadline = time.monotonic() + settings.PAGE_CACHE_WAIT
        while time.monotonic() < deadline and store.is_locked(digest):
            time.sleep(0.005)
            entry = store.get(digest)
            if entry is not None and entry.is_fresh:
                return self._rebuild(entry, "hit")
        return self._render(request, digest, store)

    def _render(self, request, digest, store):
        since = store.begin() if store else 0
        with dependencies.recording() as recorder:
            response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response  # signed in without the marker: never cache their page
        if not _cacheable_response(response):
            return response
        keys = recorder.result()
        response["Surrogate-Key"] = " ".join(sorted(keys))
        digest_of_body = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        now = time.time()
        response["ETag"] = f'"{digest_of_body}"'
        response["Last-Modified"] = http_date(now)
        response["X-Page-Cache"] = "miss"
        if store is not None:
            ttl = page_ttl()
            stored = {
                "content": response.content,
                "headers": {h: response[h] for h in KEPT_HEADERS if h in response},
                "etag": response["ETag"],
                "last_modified": response["Last-Modified"],
            }
            entry = page_store.Entry(stored, frozenset(keys), now + ttl)
            # Refused when a write invalidated its keys while it rendered: then it may
            # show the old row, and the edge must not keep it either.
            if store.put(digest, entry, ttl, since):
                _keep_at_edge(response, ttl)
        return response

    @staticmethod
    def _rebuild(entry, state: str) -> HttpResponse:
        stored = entry.value
        response = HttpResponse(stored["content"])
        for header, value in stored["headers"].items():
            response[header] = value
        response["ETag"] = stored["etag"]
        response["Last-Modified"] = stored["last_modified"]
        response["X-Page-Cache"] = state
        _keep_at_edge(response, entry.fresh_until - time.time() if state == "hit" else 0)
        return response
