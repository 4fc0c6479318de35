"""Creating and changing an article's text and links from outside the admin (the
API's editors' tools): one write, one transaction, judged by the one policy
(articles/policy.py) as stored and as it would become, recorded as a revision.

The status never changes here: that is a workflow step (articles/workflow.py).
"""

import reversion
from django.db import transaction

from . import policy
from .models import Article, ArticleStatus

# What a tool may set on an article; relations are lists of rows.
FIELDS = ("title", "standfirst", "body", "section", "byline")
IMAGE_FIELDS = ("image", "image_alt", "image_caption", "image_credit")
RELATIONS = ("tags", "companies", "people", "events")


class Refused(Exception):
    """The policy does not let this user make this change; says why."""


class Stale(Exception):
    """The article changed since the version the client last read."""

    def __init__(self, current_version: int):
        super().__init__(current_version)
        self.current_version = current_version


def save(user, pk=None, *, values: dict, relations: dict, if_version: int | None = None):
    """Create (no `pk`) or change the article; returns it saved.

    `values`: model fields (FIELDS, IMAGE_FIELDS); `relations`: lists of rows by
    name (RELATIONS), each replacing what the article had. `if_version`: the
    `lock_version` the client last read; another raises Stale.
    """
    with transaction.atomic(), reversion.create_revision():
        if pk is None:
            article = Article(status=ArticleStatus.DRAFT, created_by=user)
        else:
            article = Article.objects.select_for_update().get(pk=pk)
            if if_version is not None and article.lock_version != if_version:
                raise Stale(article.lock_version)
        for name, value in values.items():
            setattr(article, name, value)
        allowed = (
            policy.can_add(user, article, to_status=ArticleStatus.DRAFT)
            if pk is None
            else policy.can_change(user, article, to_status=article.status)
        )
        if not allowed:
            raise Refused(_refusal(user, article))
        article.full_clean(exclude=["slug"], validate_unique=False)  # ValidationError: a 400
        article.save()
        for name, rows in relations.items():
            getattr(article, name).set(rows)
        changed = sorted({*values, *relations})
        reversion.set_user(user)
        reversion.set_comment(
            "Created through the API"
            if pk is None
            else f"Changed through the API: {', '.join(changed) or 'nothing'}"
        )
    return article


def _refusal(user, article) -> str:
    if article.pk and article.status == ArticleStatus.PUBLISHED and not policy.can_publish(user):
        return (
            "Only editors can change a published or scheduled article. Ask an editor, "
            "or ask them to unpublish it first."
        )
    return "Your role may not write articles. Ask an editor for the Writer role."
