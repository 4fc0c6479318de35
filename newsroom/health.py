"""`/healthz` and `/readyz` for load balancers and the edge's probes.

Answered first in the middleware stack: a probe comes over plain HTTP to an app
server's own address, and must not be redirected to HTTPS, refused for its Host, or
served from a cache. `/healthz` says the process answers (no I/O at all); `/readyz`
says it can serve a reader: the database, the cache and the media storage answer.
"""

import json
import logging
import time

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("readyz", "1", 10)
    if cache.get("readyz") != "1":
        raise OSError("the cache did not keep a value")


def _storage() -> None:
    default_storage.exists("readyz")  # a HEAD or a stat: reachable, nothing written


CHECKS = {"database": _database, "cache": _cache, "storage": _storage}


def _answer(status: int, body: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def readiness() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as error:  # any failure means "not ready", with its reason
            logger.warning("Not ready: %s: %s", name, error)
            results[name] = f"failed: {type(error).__name__}: {error}"
        else:
            results[name] = f"ok in {1000 * (time.monotonic() - started):.0f} ms"
    return all(value.startswith("ok") for value in results.values()), results


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return _answer(200, {"status": "alive"})
        if request.path == "/readyz":
            ready, checks = readiness()
            return _answer(200 if ready else 503, {"ready": ready, "checks": checks})
        return self.get_response(request)
