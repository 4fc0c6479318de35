"""Where cached pages live, filed under their dependency keys (articles/dependencies.py).

Two stores with one interface, chosen by settings:

- **Redis** (when REDIS_URL is set): shared by every worker and every app server.
  A page is one key; each dependency key is a set of the pages that carry it; an
  invalidation deletes those pages in one server-side script. One connection pool
  per process.
- **Local** (the embedded default): each worker keeps pages in its own memory as
  they are (a compressed copy cost a hit 0.2 ms to unpack, 40% of serving it), up
  to PAGE_CACHE_MAX_MB, least recently used out first. Workers on one machine learn
  of invalidations from an append-only journal file (one `stat` a request; the new
  lines are read only when it grew), so a save in one process reaches them all.

Django's cache framework has no notion of "every entry that carries this key"
(nor does any maintained add-on that caches whole pages), hence this module.

Both refuse to store a page whose keys were invalidated while it was rendering (a
reader that rendered the old row while a takedown committed), both keep an
expired page for PAGE_CACHE_GRACE seconds to serve while one request renders its
replacement, and both treat an unreachable Redis as "no cache", never as an error.
"""

import logging
import os
import pickle
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass
class Entry:
    """A stored page (or any value kept under dependency keys)."""

    value: object
    keys: frozenset = field(default_factory=frozenset)
    fresh_until: float = 0.0  # time.time(); after it the entry is served only as "stale"

    @property
    def is_fresh(self) -> bool:
        return time.time() < self.fresh_until


def _pack(entry: Entry) -> bytes:
    # What a hit needs, uncompressed: pages average 12 KB, and unpacking a
    # compressed copy with its keys cost a hit 0.2 ms, as much as the rest of it.
    return pickle.dumps((entry.value, entry.fresh_until), protocol=pickle.HIGHEST_PROTOCOL)


def _size(entry: Entry) -> int:
    """About what an entry holds in memory: its page, plus its headers and keys."""
    value = entry.value
    content = value.get("content", b"") if isinstance(value, dict) else b""
    return len(content) + 64 * len(entry.keys) + 1024


def _unpack(data: bytes) -> Entry:
    # Only ever our own bytes, written by _pack into Redis.
    value, fresh_until = pickle.loads(data)  # noqa: S301
    return Entry(value, frozenset(), fresh_until)


class LocalStore:
    """Pages in this process's memory; invalidations shared through a journal file."""

    def __init__(self, journal, max_bytes: int, grace: float):
        self.journal, self.max_bytes, self.grace = journal, max_bytes, grace
        self.lock = threading.RLock()
        self._reset()

    def _reset(self):
        # digest -> (entry, its keys, kept until, size); entries are never changed
        # once stored, so the object itself is handed out.
        self.pages: OrderedDict[str, tuple[Entry, frozenset, float, int]] = OrderedDict()
        self.index: dict[str, set[str]] = {}
        self.bytes = 0
        self.rendering: set[str] = set()
        self.position = (None, 0)  # (inode, offset) of the journal read so far
        self.invalidated_at: dict[str, int] = {}  # key -> sequence number of its last purge
        self.sequence = 0
        self.floor = 0  # renders begun before this may have missed a purge: not stored
        self._sync(first=True)

    # -- the journal --------------------------------------------------------------------

    def _sync(self, first: bool = False) -> None:
        try:
            stat = os.stat(self.journal)
        except FileNotFoundError:
            stat = None
        inode, offset = self.position
        if stat is None:
            if inode is not None:  # removed: start again
                self._drop_all()
                self.position = (None, 0)
            return
        if first:
            self.position = (stat.st_ino, stat.st_size)
            return
        if inode is None:
            offset = 0  # the first journal since we started: read it all
        elif stat.st_ino != inode or stat.st_size < offset:
            self._drop_all()  # rotated: what we missed is unknown, so everything goes
            offset = 0
        if stat.st_size == offset and stat.st_ino == inode:
            return
        with open(self.journal, "rb") as journal:
            journal.seek(offset)
            data = journal.read()
        complete = data.rfind(b"\n") + 1  # a line being written is read next time
        for line in data[:complete].decode().splitlines():
            self._apply(line.split())
        self.position = (stat.st_ino, offset + complete)

    def _apply(self, keys: list[str]) -> None:
        self.sequence += 1
        if "*" in keys:
            self._drop_all()
            return
        if len(self.invalidated_at) > 50_000:  # bounded: forget, and refuse older renders
            self.invalidated_at.clear()
            self.floor = self.sequence
        for key in keys:
            self.invalidated_at[key] = self.sequence
            for digest in self.index.pop(key, ()):
                self._drop(digest)

    def _append(self, keys) -> None:
        line = (" ".join(sorted(keys)) + "\n").encode()
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        try:
            if self.journal.stat().st_size > settings.PAGE_CACHE_JOURNAL_MAX_BYTES:
                # Start a new journal: readers see a new inode and drop what they hold.
                fresh = self.journal.with_suffix(".new")
                fresh.write_bytes(b"")
                os.replace(fresh, self.journal)
        except FileNotFoundError:
            pass
        descriptor = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, line)  # one write: appended whole, never interleaved
        finally:
            os.close(descriptor)

    # -- the pages ----------------------------------------------------------------------

    def _drop(self, digest: str) -> None:
        held = self.pages.pop(digest, None)
        if held is None:
            return
        _, keys, _, size = held
        self.bytes -= size
        for key in keys:
            pages = self.index.get(key)
            if pages is not None:
                pages.discard(digest)
                if not pages:
                    del self.index[key]

    def _drop_all(self) -> None:
        self.pages.clear()
        self.index.clear()
        self.bytes = 0

    def get(self, digest: str) -> Entry | None:
        with self.lock:
            self._sync()
            held = self.pages.get(digest)
            if held is None:
                return None
            entry, _, expires, _ = held
            if time.time() >= expires:
                self._drop(digest)
                return None
            self.pages.move_to_end(digest)
            return entry  # kept as the object itself: no copy, no decompression

    def begin(self) -> int:
        """Mark the start of a render; pass the result to put()."""
        with self.lock:
            self._sync()
            return self.sequence

    def put(self, digest: str, entry: Entry, ttl: float, since: int) -> bool:
        with self.lock:
            self._sync()
            stale = since < self.floor or any(
                self.invalidated_at.get(key, 0) > since for key in entry.keys
            )
            if stale or ttl <= 0:
                return False
            size = _size(entry)
            if size > self.max_bytes:
                return False
            self._drop(digest)
            self.pages[digest] = (entry, entry.keys, entry.fresh_until + self.grace, size)
            self.bytes += size
            for key in entry.keys:
                self.index.setdefault(key, set()).add(digest)
            while self.bytes > self.max_bytes:
                self._drop(next(iter(self.pages)))
            return True

    def invalidate(self, keys) -> None:
        keys = set(keys)
        if not keys:
            return
        with self.lock:
            self._append(keys)
            self._sync()

    def clear(self) -> None:
        with self.lock:
            self._append({"*"})
            self._sync()

    def try_lock(self, digest: str) -> bool:
        with self.lock:
            if digest in self.rendering:
                return False
            self.rendering.add(digest)
            return True

    def unlock(self, digest: str) -> None:
        with self.lock:
            self.rendering.discard(digest)

    def is_locked(self, digest: str) -> bool:
        return digest in self.rendering

    def stats(self) -> dict:
        return {"pages": len(self.pages), "bytes": self.bytes, "keys": len(self.index)}


# Server-side, so an invalidation or a store is one round trip and atomic.
_STORE_SCRIPT = """
local since = tonumber(ARGV[1])
for i = 2, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > since then return 0 end
end
local hold = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', hold)
for i = 5, #ARGV do
  redis.call('SADD', ARGV[i], ARGV[4])
  if redis.call('PTTL', ARGV[i]) < hold then redis.call('PEXPIRE', ARGV[i], hold) end
end
return 1
"""
_INVALIDATE_SCRIPT = """
local sequence = redis.call('INCR', KEYS[1])
local dropped = 0
for i = 3, #ARGV, 2 do
  redis.call('SET', ARGV[i + 1], sequence, 'PX', ARGV[2])
  for _, digest in ipairs(redis.call('SMEMBERS', ARGV[i])) do
    dropped = dropped + redis.call('DEL', ARGV[1] .. digest)
  end
  redis.call('DEL', ARGV[i])
end
return dropped
"""


class RedisStore:
    """Pages in Redis, shared by every worker and app server."""

    def __init__(self, url: str, grace: float, prefix: str = "newsroom:pc:"):
        import redis

        self.redis_errors = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(
            url, socket_connect_timeout=0.5, socket_timeout=0.5, health_check_interval=30
        )
        self.grace, self.prefix = grace, prefix
        self.store_script = self.client.register_script(_STORE_SCRIPT)
        self.invalidate_script = self.client.register_script(_INVALIDATE_SCRIPT)

    def _page(self, digest):
        return f"{self.prefix}page:{digest}"

    def _dep(self, key):
        return f"{self.prefix}dep:{key}"

    def _purged(self, key):
        return f"{self.prefix}purged:{key}"

    def _guard(self, default, action, *args):
        try:
            return action(*args)
        except self.redis_errors as error:
            logger.warning("Page cache unavailable (%s); serving without it.", error)
            return default

    def get(self, digest: str) -> Entry | None:
        data = self._guard(None, self.client.get, self._page(digest))
        return _unpack(data) if data else None

    def begin(self) -> int:
        value = self._guard(None, self.client.get, f"{self.prefix}sequence")
        return int(value or 0)

    def put(self, digest: str, entry: Entry, ttl: float, since: int) -> bool:
        if ttl <= 0:
            return False
        hold_ms = int((ttl + self.grace) * 1000)
        keys = sorted(entry.keys)
        return bool(
            self._guard(
                False,
                lambda: self.store_script(
                    keys=[self._page(digest), *(self._purged(k) for k in keys)],
                    args=[since, _pack(entry), hold_ms, digest, *(self._dep(k) for k in keys)],
                ),
            )
        )

    def invalidate(self, keys) -> None:
        args = [self._page(""), int(settings.PAGE_CACHE_SECONDS + self.grace + 60) * 1000]
        for key in sorted(set(keys)):
            args += [self._dep(key), self._purged(key)]
        if len(args) > 2:
            self._guard(
                None,
                lambda: self.invalidate_script(keys=[f"{self.prefix}sequence"], args=args),
            )

    def clear(self) -> None:
        def drop_all():
            batch = []
            for name in self.client.scan_iter(match=f"{self.prefix}*", count=1000):
                batch.append(name)
                if len(batch) >= 1000:
                    self.client.unlink(*batch)
                    batch = []
            if batch:
                self.client.unlink(*batch)

        self._guard(None, drop_all)

    def try_lock(self, digest: str) -> bool:
        # Free when Redis is down: then every request renders, as without a cache.
        name = f"{self.prefix}lock:{digest}"
        return bool(self._guard(True, lambda: self.client.set(name, 1, nx=True, px=10_000)))

    def unlock(self, digest: str) -> None:
        self._guard(None, self.client.delete, f"{self.prefix}lock:{digest}")

    def is_locked(self, digest: str) -> bool:
        return bool(self._guard(False, self.client.exists, f"{self.prefix}lock:{digest}"))

    def stats(self) -> dict:
        return {}


_store = None
_store_lock = threading.Lock()


def store():
    """This process's store, made on first use (after gunicorn forks its workers)."""
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                grace = settings.PAGE_CACHE_GRACE
                if settings.REDIS_URL:
                    _store = RedisStore(settings.REDIS_URL, grace)
                else:
                    _store = LocalStore(
                        settings.PAGE_CACHE_JOURNAL,
                        int(settings.PAGE_CACHE_MAX_MB * 1024 * 1024),
                        grace,
                    )
    return _store


def reset() -> None:
    """Forget this process's store (tests, and settings that changed)."""
    global _store
    with _store_lock:
        _store = None
