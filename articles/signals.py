"""Cache invalidation: any write to published content makes cached pages stale.

A signal is the one hook every write path shares (admin, bulk actions, fixtures,
the shell), which is what invalidation needs; see articles/page_cache.py.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .page_cache import bump_content_version


def _content_changed(sender, **kwargs):
    bump_content_version()


def connect():
    from django.apps import apps

    for model in apps.get_app_config("articles").get_models():
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"cache-{model.__name__}")
        post_delete.connect(
            _content_changed, sender=model, dispatch_uid=f"cache-d-{model.__name__}"
        )
    from .models import Article

    for field in ("companies", "people", "events"):
        through = getattr(Article, field).through
        m2m_changed.connect(_content_changed, sender=through, dispatch_uid=f"cache-m2m-{field}")
