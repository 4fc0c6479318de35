"""Article bodies rendered once, on save, and stored; rendered again only when
something they show changes.

Rendering a body (Markdown, nh3, linking the first mention of each entity) is a
fifth of a cold article page. What it reads is the article's text and settings
and, for each attached entity, its names, slug and (for people) role titles; the
digest of all that is stored beside the HTML (`Article.body_html_key`). A page
serves the stored HTML only when the digest of what it would read now matches,
so a missed refresh costs a render, never a stale body.

Refreshed after commit for the articles a write touches (signals.py): the article
itself, its links, and the articles of a renamed entity or retitled role. A
popular entity's rename touches thousands; the first REFRESH_NOW are refreshed
at once, the rest render on their next view until `manage.py render_article_bodies`
(run by `make setup` and the benchmarks) stores them.
"""

import hashlib
import json

from django.db import transaction

from .rendering import body_inputs, render_article_body

# Bump when the renderer's output changes for the same inputs (a new extension).
RENDERER_VERSION = 1
REFRESH_NOW = 200


def inputs_key(article) -> str:
    """The digest of everything render_article_body(article) reads."""
    inputs = [RENDERER_VERSION, *body_inputs(article)]
    return hashlib.sha256(json.dumps(inputs, default=str).encode()).hexdigest()


def body_html(article) -> str:
    """The stored body when it is current, else a fresh render (not stored: a read
    does not write)."""
    if article.body_html and article.body_html_key == inputs_key(article):
        return article.body_html
    return render_article_body(article)


def refresh(article_ids, *, limit: int | None = None) -> int:
    """Render and store the bodies of `article_ids` whose inputs changed. Returns how
    many were stored."""
    from .models import Article
    from .selectors import article_detail_queryset

    ids = sorted(set(article_ids), reverse=True)  # the newest first: the most read
    if limit is not None:
        ids = ids[:limit]
    stored = 0
    for start in range(0, len(ids), 500):
        with transaction.atomic():  # one commit a batch, not one a row
            for article in article_detail_queryset().filter(pk__in=ids[start : start + 500]):
                key = inputs_key(article)
                if article.body_html_key == key and article.body_html:
                    continue
                # An UPDATE, not save(): no signal, no new version, no page invalidated
                # (what readers see is the same HTML, now without the render).
                Article.objects.filter(pk=article.pk).update(
                    body_html=render_article_body(article), body_html_key=key
                )
                stored += 1
    return stored


def refresh_on_commit(article_ids, using=None) -> None:
    ids = set(article_ids)
    if ids:
        transaction.on_commit(lambda: refresh(ids, limit=REFRESH_NOW), using=using)
