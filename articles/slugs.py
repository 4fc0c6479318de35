"""Slugs from names in any script: never empty, always unique, stable across
Unicode normalisation forms."""

import hashlib
import unicodedata

from django.utils.text import slugify


def base_slug(text: str, *, max_length: int = 200) -> str:
    """NFKC first, so "Café" typed as one code point or as "e" + accent is one slug;
    letters of every script are kept; a name of symbols only (emoji) gets a short
    stable hash instead of nothing."""
    normalised = unicodedata.normalize("NFKC", text or "")
    slug = slugify(normalised, allow_unicode=True)[:max_length].strip("-")
    if not slug:
        digest = hashlib.sha1(normalised.encode(), usedforsecurity=False).hexdigest()[:8]
        slug = f"x-{digest}"
    return slug


def unique_slug(model, text: str, *, exclude_pk=None, field: str = "slug") -> str:
    """`base_slug(text)`, with -2, -3, … until no other row of `model` has it."""
    max_length = model._meta.get_field(field).max_length
    base = base_slug(text, max_length=max_length - 6)
    taken = model._default_manager.filter(**{f"{field}__startswith": base})
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    used = set(taken.values_list(field, flat=True))
    if base not in used:
        return base
    return next(f"{base}-{n}" for n in range(2, len(used) + 3) if f"{base}-{n}" not in used)
