"""The edge cache in front of the app servers: purged by dependency key on commit.

Varnish with xkey (deploy/varnish/newsroom.vcl) or a CDN that purges by surrogate
key keeps anonymous pages under the keys of their `Surrogate-Key` header. When a
write commits, the same keys that invalidate the app's page store (articles/signals.py)
are sent here as one `PURGE` request per edge, with the keys in an `xkey-purge`
header. The purge is sent before the save returns, so the next reader through the
edge sees the change; an edge that cannot be reached is logged, never an error for
the editor whose save has already committed.
"""

import http.client
import logging
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

# Keys per request: Varnish refuses a header line over 8 KB (http_req_hdr_len).
KEYS_PER_REQUEST = 200


def _batches(keys) -> list[str]:
    ordered = sorted(keys)
    return [
        " ".join(ordered[start : start + KEYS_PER_REQUEST])
        for start in range(0, len(ordered), KEYS_PER_REQUEST)
    ]


def purge(keys) -> int:
    """Send `keys` to every edge in EDGE_PURGE_URLS. Returns how many edges answered 200."""
    if not keys or not settings.EDGE_PURGE_URLS:
        return 0
    answered = 0
    for url in settings.EDGE_PURGE_URLS:
        parts = urlsplit(url)
        try:
            for batch in _batches(keys):
                connection = http.client.HTTPConnection(
                    parts.hostname, parts.port or 80, timeout=settings.EDGE_PURGE_TIMEOUT
                )
                try:
                    connection.request("PURGE", parts.path or "/", headers={"xkey-purge": batch})
                    response = connection.getresponse()
                    response.read()
                finally:
                    connection.close()
                if response.status != 200:
                    raise OSError(f"answered {response.status} {response.reason}")
        except OSError as error:
            # Already committed: the page stays at the edge until its max-age runs out.
            logger.error("Edge purge of %d keys at %s failed: %s", len(keys), url, error)
        else:
            answered += 1
    return answered
