"""What follows any write to content: cached pages go stale, social cards are drawn.

A signal is the one hook every write path shares (admin, bulk actions, fixtures,
the shell), which is what invalidation needs; see articles/page_cache.py.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .page_cache import bump_content_version
from .social_cards import ensure_card


def _content_changed(sender, using=None, **kwargs):
    # The bump that counts is the one after commit: until then other connections
    # still read the old row, and a reader in that gap would file the old page
    # under a version bumped inside the transaction, where it would stay for up
    # to PAGE_CACHE_SECONDS (a takedown that does not take). The bump now, inside
    # the transaction, is kept for code that renders on the writing connection
    # before it commits (the test suite's transactions never commit); it costs
    # one more increment and cannot make a page staler. Outside a transaction
    # on_commit runs at once.
    bump_content_version()
    transaction.on_commit(bump_content_version, using=using)


def _draw_card(sender, instance, raw=False, using=None, **kwargs):
    # After commit, so a rolled-back save draws nothing; fixtures (raw) are drawn on
    # the first request that needs the card.
    if not raw:
        transaction.on_commit(lambda: ensure_card(instance), using=using)


def connect():
    from django.apps import apps

    from .models import Article, Autosave, Company, Event, Person, Tag

    for model in (Article, Company, Person, Event, Tag):
        post_save.connect(_draw_card, sender=model, dispatch_uid=f"card-{model.__name__}")

    for model in apps.get_app_config("articles").get_models():
        if model is Autosave:  # an editor's autosaved copy is on no page
            continue
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"cache-{model.__name__}")
        post_delete.connect(
            _content_changed, sender=model, dispatch_uid=f"cache-d-{model.__name__}"
        )
    from .kinds import ENTITY_KINDS
    from .models import Article

    for field in (kind.article_field for kind in ENTITY_KINDS.values()):
        through = getattr(Article, field).through
        m2m_changed.connect(_content_changed, sender=through, dispatch_uid=f"cache-m2m-{field}")
