"""The page stores: filing by key, refusing a render that raced a write, serving the
previous copy while one request renders, bounded memory, and Redis going away."""

import random
import threading
import time

import pytest
from django.test import Client

from articles import page_store
from articles.page_store import Entry, LocalStore, RedisStore


@pytest.fixture(params=["local", "redis"])
def store(request, settings, tmp_path):
    if request.param == "local":
        yield LocalStore(tmp_path / "journal", max_bytes=10_000_000, grace=60)
        return
    if not settings.REDIS_URL:
        pytest.skip("the Redis store is tested where REDIS_URL is set (CI's PostgreSQL run)")
    redis_store = RedisStore(settings.REDIS_URL, grace=60, prefix="newsroom:test-store:")
    redis_store.clear()
    yield redis_store
    redis_store.clear()


def entry(value, *keys, ttl=60):
    return Entry(value, frozenset(keys), time.time() + ttl)


def test_an_invalidation_drops_exactly_the_pages_that_carry_its_keys(store):
    for digest, keys in {"a": ("article:1", "site"), "b": ("article:2", "site")}.items():
        assert store.put(digest, entry(digest, *keys), 60, store.begin())
    store.invalidate({"article:1"})
    assert store.get("a") is None
    assert store.get("b").value == "b"
    store.clear()
    assert store.get("b") is None


def test_a_render_that_raced_an_invalidation_of_its_keys_is_not_stored(store):
    since = store.begin()
    store.invalidate({"article:1"})  # committed while the page was rendering
    assert not store.put("a", entry("old", "article:1"), 60, since)
    assert store.get("a") is None
    # One whose keys were not touched is stored.
    assert store.put("b", entry("fine", "article:2"), 60, since)


def test_an_expired_page_is_kept_for_the_grace_period(store):
    store.put("a", entry("old", "article:1", ttl=-1), 60, store.begin())
    kept = store.get("a")
    assert kept is not None and not kept.is_fresh


def test_one_render_at_a_time(store):
    assert store.try_lock("a")
    assert not store.try_lock("a") and store.is_locked("a")
    store.unlock("a")
    assert store.try_lock("a")
    store.unlock("a")


def test_the_local_store_keeps_within_its_size(tmp_path):
    store = LocalStore(tmp_path / "journal", max_bytes=60_000, grace=60)
    for i in range(20):
        noise = random.Random(i).randbytes(10_000)  # 10 KB that zlib cannot shrink
        store.put(f"p{i}", entry({"content": noise}, f"article:{i}"), 60, store.begin())
    assert store.stats()["bytes"] <= 60_000
    assert store.get("p19") is not None and store.get("p0") is None  # oldest out first
    assert "article:0" not in store.index  # and its keys with it


def test_a_new_journal_makes_every_worker_drop_what_it_holds(tmp_path, settings):
    settings.PAGE_CACHE_JOURNAL_MAX_BYTES = 100
    reader = LocalStore(tmp_path / "journal", max_bytes=10_000_000, grace=60)
    writer = LocalStore(tmp_path / "journal", max_bytes=10_000_000, grace=60)
    reader.put("a", entry("a", "article:1"), 60, reader.begin())
    writer.invalidate({f"article:{n}" for n in range(100, 140)})  # past the limit
    assert reader.get("a") is not None  # those keys were not its own
    writer.invalidate({"article:2"})  # starts a new journal
    assert reader.get("a") is None


def test_with_redis_down_pages_are_served_uncached(settings, db):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    page_store.reset()
    try:
        response = Client().get("/robots.txt")
        assert response.status_code == 200
        page_store.store().invalidate({"article:1"})  # a write does not fail either
    finally:
        page_store.reset()


def test_a_request_waits_for_the_render_already_running(client, db, settings):
    """Two readers of one missing page: the second is served the first's render."""
    from articles import page_cache

    path = "/robots.txt"
    client.get(path)
    store, digest = page_store.store(), page_cache.digest_of(path, "")
    stored = store.get(digest)
    store.invalidate(stored.keys)
    assert store.try_lock(digest)  # another request is rendering it

    def finish():
        time.sleep(0.2)
        store.put(digest, Entry(stored.value, stored.keys, time.time() + 60), 60, store.begin())
        store.unlock(digest)

    threading.Thread(target=finish).start()
    response = client.get(path)
    assert response["X-Page-Cache"] == "hit"


def test_an_expired_page_is_served_stale_while_another_renders_it(client, db):
    from articles import page_cache

    path = "/robots.txt"
    client.get(path)
    store, digest = page_store.store(), page_cache.digest_of(path, "")
    stored = store.get(digest)
    store.put(digest, Entry(stored.value, stored.keys, time.time() - 1), 60, store.begin())
    assert store.try_lock(digest)
    try:
        assert client.get(path)["X-Page-Cache"] == "stale"
    finally:
        store.unlock(digest)
    assert client.get(path)["X-Page-Cache"] == "miss"  # the lock free: rendered anew
