"""What follows any write to content: the pages that show it go stale, social cards
are drawn, stored article bodies are brought up to date.

A signal is the one hook every write path shares (admin, bulk actions, fixtures,
the shell, any API), which is what invalidation needs. What a write changes is
decided in articles/dependencies.py; where the pages live, in articles/page_store.py.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_save

from . import dependencies, stored_bodies
from .page_cache import invalidate
from .social_cards import ensure_card


def _invalidate(keys, using):
    # The invalidation that counts is the one after commit: until then other
    # connections still read the old row. The one now, inside the transaction, is
    # for code that renders on the writing connection before it commits (the test
    # suite's transactions never commit); it cannot make a page staler. A reader
    # that rendered the old row in the gap cannot file it either: the store refuses
    # a page whose keys were invalidated while it rendered. Outside a transaction
    # on_commit runs at once. Only a committed write is purged at the edge: an edge
    # is a reader on another connection.
    invalidate(keys)
    transaction.on_commit(lambda: invalidate(keys, committed=True), using=using)


def _remember_row(sender, instance, raw=False, **kwargs):
    """Before an article is saved: its stored row, to tell what the save changes (where
    it is listed, or only its text)."""
    if instance.pk and not raw:
        stored = sender.objects.filter(pk=instance.pk).first()
        instance._row_before = dependencies.row_state(stored) if stored else None


def _saved(sender, instance, created=False, raw=False, using=None, **kwargs):
    # Fixtures (raw) are judged as new rows: everything they touch goes stale.
    before = instance.__dict__.pop("_row_before", None)
    _invalidate(dependencies.keys_for_save(instance, created=created or raw, before=before), using)


def _deleted(sender, instance, using=None, **kwargs):
    _invalidate(dependencies.keys_for_save(instance, created=False, deleted=True), using)


def _linked(sender, instance, action, reverse, model, pk_set, using=None, **kwargs):
    if action == "pre_clear":
        # The links about to go: read them now, they are gone by post_clear.
        field = "article_id" if reverse else f"{dependencies.row_kind(model)}_id"
        own = f"{dependencies.row_kind(type(instance))}_id"
        instance._cleared = set(
            sender.objects.filter(**{own: instance.pk}).values_list(field, flat=True)
        )
        return
    if action == "post_clear":
        pk_set = getattr(instance, "_cleared", set())
    elif action not in ("post_add", "post_remove"):
        return
    _invalidate(dependencies.keys_for_m2m(instance, model, pk_set, reverse=reverse), using)


def _articles_rendering(instance) -> list[int]:
    """The articles whose stored body may show `instance` (see stored_bodies)."""
    from .models import Article, Role, TaggedItem

    if isinstance(instance, Article):
        return [instance.pk]
    if isinstance(instance, TaggedItem):
        return [instance.object_id] if instance.content_type.model_class() is Article else []
    if isinstance(instance, Role):
        linked = Article.objects.filter(people=instance.person_id)
    elif dependencies.row_kind(type(instance)) == "tag":
        linked = Article.objects.filter(tags=instance)
    else:
        linked = instance.articles.all()
    newest = linked.order_by("-pk").values_list("pk", flat=True)
    return list(newest[: stored_bodies.REFRESH_NOW])


def _rerender(sender, instance, raw=False, using=None, **kwargs):
    if not raw:
        stored_bodies.refresh_on_commit(_articles_rendering(instance), using=using)


def _rerender_links(sender, instance, action, reverse, pk_set, using=None, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        articles = pk_set if reverse else {instance.pk}
        if reverse and action == "post_clear":
            articles = set()  # the entity's links are gone; its articles render on view
        stored_bodies.refresh_on_commit(articles or (), using=using)


def _draw_card(sender, instance, raw=False, using=None, **kwargs):
    # After commit, so a rolled-back save draws nothing; fixtures (raw) are drawn on
    # the first request that needs the card.
    if not raw:
        transaction.on_commit(lambda: ensure_card(instance), using=using)


def connect():
    from django.apps import apps

    from .kinds import ENTITY_KINDS
    from .models import Article, Autosave, Company, Event, Person, Role, Tag, TaggedItem

    for model in (Article, Company, Person, Event, Tag):
        post_save.connect(_draw_card, sender=model, dispatch_uid=f"card-{model.__name__}")
    for model in (Article, Company, Person, Event, Tag, Role, TaggedItem):
        post_save.connect(_rerender, sender=model, dispatch_uid=f"body-{model.__name__}")
    for model in (Role, TaggedItem):
        post_delete.connect(_rerender, sender=model, dispatch_uid=f"body-d-{model.__name__}")

    pre_save.connect(_remember_row, sender=Article, dispatch_uid="cache-listing")
    for model in apps.get_app_config("articles").get_models():
        if model is Autosave:  # an editor's autosaved copy is on no page
            continue
        name = model.__name__
        post_save.connect(_saved, sender=model, dispatch_uid=f"cache-{name}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"cache-d-{name}")
        post_init.connect(
            dependencies.record_instance, sender=model, dispatch_uid=f"cache-i-{name}"
        )
    for field in (kind.article_field for kind in ENTITY_KINDS.values()):
        through = getattr(Article, field).through
        m2m_changed.connect(_linked, sender=through, dispatch_uid=f"cache-m2m-{field}")
        m2m_changed.connect(_rerender_links, sender=through, dispatch_uid=f"body-m2m-{field}")
