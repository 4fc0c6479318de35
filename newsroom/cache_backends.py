"""A Redis cache that degrades to "no cache" when Redis is down, instead of failing
the page: every read is a miss and every write is skipped, with a log line."""

import logging

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency
    RedisError = OSError


def _tolerant(default_from_args):
    def decorate(method):
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                logger.warning("Cache unavailable (%s); serving without it.", error)
                return default_from_args(*args, **kwargs)

        return wrapper

    return decorate


def _default(key=None, default=None, *args, **kwargs):
    return default


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _empty(*args, **kwargs):
    return {}


def _increment_failed(*args, **kwargs):
    raise ValueError("cache unavailable")


class ResilientRedisCache(RedisCache):
    get = _tolerant(_default)(RedisCache.get)
    set = _tolerant(_none)(RedisCache.set)
    add = _tolerant(_false)(RedisCache.add)
    delete = _tolerant(_false)(RedisCache.delete)
    get_many = _tolerant(_empty)(RedisCache.get_many)
    set_many = _tolerant(lambda *a, **k: [])(RedisCache.set_many)
    touch = _tolerant(_false)(RedisCache.touch)
    incr = _tolerant(_increment_failed)(RedisCache.incr)
    clear = _tolerant(_none)(RedisCache.clear)
