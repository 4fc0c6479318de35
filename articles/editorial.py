"""Editorial writes that touch several rows, each one transaction.

Publishing, scheduling and tagging in bulk; renaming and merging entities and
tags without losing a link. Every write here is also a revision (django-reversion)
so that it can be compared and undone from the admin.
"""

from datetime import datetime

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .kinds import kind_of
from .models import (
    Article,
    ArticleStatus,
    Company,
    CompanyRelation,
    Event,
    Fact,
    Participation,
    Person,
    Role,
    SlugRedirect,
    Tag,
    TaggedItem,
)


def _save_all(articles, user, comment: str, change) -> int:
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        count = 0
        for article in Article.objects.filter(pk__in=_keys(articles)).select_for_update():
            change(article)
            article.save()
            count += 1
    return count


def publish(articles: QuerySet[Article], *, user) -> int:
    """Live now. An article published before keeps its original publication time."""
    now = timezone.now()

    def change(article):
        article.status = ArticleStatus.PUBLISHED
        article.review_note = ""
        if article.published_at is None or article.published_at > now:
            article.published_at = now

    return _save_all(articles, user, "Published", change)


def schedule(articles: QuerySet[Article], *, at: datetime, user) -> int:
    def change(article):
        article.status = ArticleStatus.PUBLISHED
        article.review_note = ""
        article.published_at = at

    return _save_all(articles, user, f"Scheduled for {at:%Y-%m-%d %H:%M %Z}", change)


def unpublish(articles: QuerySet[Article], *, user) -> int:
    def change(article):
        article.status = ArticleStatus.DRAFT
        article.review_note = ""

    return _save_all(articles, user, "Unpublished", change)


def _keys(objects: QuerySet) -> list:
    # Re-select by key: the admin's queryset carries annotations (GROUP BY) that
    # PostgreSQL will not lock.
    return list(objects.values_list("pk", flat=True))


def _retag(objects: QuerySet, tag: Tag, *, user, adding: bool) -> int:
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(f"{'Tagged' if adding else 'Untagged'} {tag.name}")
        items = list(objects.model.objects.filter(pk__in=_keys(objects)))
        for obj in items:
            (obj.tags.add if adding else obj.tags.remove)(tag)
            obj.save()
    return len(items)


def add_tag(objects: QuerySet, tag: Tag, *, user) -> int:
    return _retag(objects, tag, user=user, adding=True)


def remove_tag(objects: QuerySet, tag: Tag, *, user) -> int:
    return _retag(objects, tag, user=user, adding=False)


# --- Renames and merges -----------------------------------------------------


def record_slug_change(obj, old_slug: str) -> None:
    """Keep `old_slug` leading to `obj`; the new slug stops being anyone's old one."""
    if not old_slug or old_slug == obj.slug:
        return
    content_type = ContentType.objects.get_for_model(obj)
    SlugRedirect.objects.filter(content_type=content_type, old_slug=obj.slug).delete()
    SlugRedirect.objects.update_or_create(
        content_type=content_type, old_slug=old_slug, defaults={"object_id": obj.pk}
    )


def redirect_target(model, slug: str):
    """The object an old slug of `model` now leads to, or None."""
    content_type = ContentType.objects.get_for_model(model)
    redirect = SlugRedirect.objects.filter(content_type=content_type, old_slug=slug).first()
    if redirect is None:
        return None
    return model._default_manager.filter(pk=redirect.object_id).first()


def _move(queryset: QuerySet, **values) -> None:
    """Repoint rows one by one, dropping those that would duplicate a target's row."""
    for row in queryset:
        for field, value in values.items():
            setattr(row, field, value)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # the target already has this fact or relation
            type(row).objects.filter(pk=row.pk).delete()


@transaction.atomic
def merge(source, target, *, user) -> None:
    """Fold `source` into `target` (same model): every link, fact and tag moves over,
    the source's names become aliases, and its old URL redirects to the target."""
    if type(source) is not type(target) or source.pk == target.pk:
        raise ValueError("Merge two different objects of the same kind.")
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(f"Merged “{source}” into “{target}”")
        if isinstance(source, Tag):
            _merge_tag(source, target)
        else:
            _merge_entity(source, target)
        names = [source.name, *source.alias_list]
        known = {target.name, *target.alias_list}
        target.aliases = "\n".join([*target.alias_list, *(n for n in names if n not in known)])
        target.save()
    content_type = ContentType.objects.get_for_model(target)
    SlugRedirect.objects.filter(content_type=content_type, object_id=source.pk).update(
        object_id=target.pk
    )
    old_slug = source.slug
    source.delete()
    record_slug_change(target, old_slug)


def _merge_tag(source: Tag, target: Tag) -> None:
    existing = set(target.tagged_items.values_list("content_type", "object_id"))
    for item in source.tagged_items.all():
        if (item.content_type_id, item.object_id) in existing:
            item.delete()
        else:
            TaggedItem.objects.filter(pk=item.pk).update(tag=target)
    Fact.objects.filter(tag=source).update(tag=target)


def _merge_entity(source, target) -> None:
    kind = kind_of(source)
    for article in source.articles.all():
        getattr(article, kind.article_field).add(target)
    target.tags.add(*source.tags.all())
    field = kind.name  # the Fact's subject field
    _move(Fact.objects.filter(**{field: source}), **{field: target})
    if isinstance(source, Company):
        _move(CompanyRelation.objects.filter(source=source), source=target)
        _move(CompanyRelation.objects.filter(target=source), target=target)
        CompanyRelation.objects.filter(source=target, target=target).delete()
        _move(Role.objects.filter(company=source), company=target)
        _move(Participation.objects.filter(company=source), company=target)
    elif isinstance(source, Person):
        _move(Role.objects.filter(person=source), person=target)
        source.quotes.update(speaker=target)
    elif isinstance(source, Event):
        _move(Participation.objects.filter(event=source), event=target)
        CompanyRelation.objects.filter(event=source).update(event=target)
        source.editions.update(series=target)
