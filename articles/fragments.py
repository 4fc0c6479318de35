"""Panels of a page cached on their own, under the dependency keys of what they show.

A page made stale by a write is rendered again, but most of it did not change: a
new article about a company invalidates the "related articles" panel of every
article about it, not their bodies, facts or rails. Each panel is kept in the page
store (articles/page_store.py) under the keys recorded while it rendered, so the
same invalidation that drops a page drops exactly its panels that changed, and a
page rendered after a save re-renders only those.

A panel found in the store hands its keys on to the page around it, so the page is
filed (and purged at the edge) under everything it shows, whether rendered now or
taken from the store. Panels are shared by anonymous readers only: a signed-in
editor may see drafts in a panel, so their panels are rendered each time and never
kept. They are kept up to FRAGMENT_CACHE_SECONDS (0: not at all) and, like pages,
never past the next scheduled publication.
"""

import hashlib
import time

from django.conf import settings

from . import dependencies, page_store

PREFIX = "panel:"


def _subject(value):
    """How a panel's subject keys it: a row by its kind and pk, anything else as is."""
    if hasattr(value, "_meta"):
        return (dependencies.row_kind(type(value)), value.pk)
    return value


def _shared(request) -> bool:
    user = getattr(request, "user", None) if request is not None else None
    return user is None or not user.is_authenticated


def cached(name: str, about: tuple, render, *, request=None) -> str:
    """The panel `name` about the rows (or values) in `about`: from the store when
    fresh, else `render()`, kept under the keys of what it rendered. Each row in
    `about` is one of those keys: the panel shows it, though it was read before."""
    if not settings.FRAGMENT_CACHE_SECONDS or not _shared(request):
        return render()
    from .page_cache import page_ttl

    store = page_store.store()
    subjects = tuple(_subject(value) for value in about)
    digest = PREFIX + hashlib.sha256(repr((name, *subjects)).encode()).hexdigest()
    entry = store.get(digest)
    if entry is not None and entry.is_fresh:
        dependencies.depends_on(*entry.value["keys"])
        return entry.value["content"]
    since = store.begin()
    with dependencies.recording(nested=True) as recorder:
        for subject in subjects:
            if isinstance(subject, tuple):
                recorder.add_row(*subject)
        html = render()
    keys = frozenset(recorder.result())
    ttl = page_ttl(settings.FRAGMENT_CACHE_SECONDS)
    if ttl:
        value = {"content": html, "keys": keys}
        store.put(digest, page_store.Entry(value, keys, time.time() + ttl), ttl, since)
    return html
