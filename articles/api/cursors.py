"""Opaque keyset cursors: the article list's "older than this" position
(articles/keyset.py), wrapped so that clients pass it back and never build one."""

import base64
import binascii

from django.http import Http404

from .. import keyset
from .problems import BadParameter

PARAMETER = "cursor"


REFUSED = "Not a cursor this API gave: pass back the `next` link as it is."


def _wrap(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _unwrap(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise BadParameter(PARAMETER, REFUSED) from error


def encode(article) -> str:
    return _wrap(keyset.encode(article))


def decode(cursor: str) -> str:
    """The keyset position a cursor stands for; a 400 for one this API never gave."""
    raw = _unwrap(cursor)
    try:
        keyset.decode(raw)  # only to check it
    except Http404 as error:
        raise BadParameter(PARAMETER, REFUSED) from error
    return raw


def page(queryset, cursor: str | None, size: int) -> keyset.KeysetPage:
    return keyset.page(queryset, decode(cursor) if cursor else None, size)


# Directories go A to Z by slug (unique): the cursor is the last slug shown.
_TEXT = "s:"


def encode_text(value: str) -> str:
    return _wrap(_TEXT + value)


def decode_text(cursor: str) -> str:
    raw = _unwrap(cursor)
    if not raw.startswith(_TEXT) or "\x00" in raw:
        raise BadParameter(PARAMETER, REFUSED)
    return raw[len(_TEXT) :]
