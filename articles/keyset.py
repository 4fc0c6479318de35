"""Keyset ("older than this one") pagination for article lists.

A deep page costs what the first page costs: the database seeks to the cursor in
the (status, published_at) index instead of counting past everything it skips.
The cursor is the last article's publication time and key; a malformed one is a
404, never an error.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import QuerySet
from django.http import Http404


@dataclass
class KeysetPage:
    items: list
    older: str | None  # cursor for the next, older page
    is_first: bool


def encode(article) -> str:
    return f"{int(article.published_at.timestamp() * 1_000_000)}-{article.pk}"


def decode(cursor: str) -> tuple[datetime, int]:
    try:
        micros, _, pk = cursor.partition("-")
        moment = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
        return moment, int(pk)
    except (ValueError, OverflowError, OSError) as error:
        raise Http404("Malformed page cursor.") from error


def page(queryset: QuerySet, cursor: str | None, size: int) -> KeysetPage:
    """`queryset` must be ordered newest first (-published_at, -pk)."""
    if cursor:
        moment, pk = decode(cursor)
        # A range on the indexed column plus a small exclusion, rather than an OR,
        # which PostgreSQL cannot answer from the index (it scanned the archive).
        queryset = queryset.filter(published_at__lte=moment).exclude(
            published_at=moment, pk__gte=pk
        )
    items = list(queryset[: size + 1])
    older = encode(items[size - 1]) if len(items) > size else None
    return KeysetPage(items[:size], older, is_first=not cursor)
