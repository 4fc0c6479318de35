"""Who may change what: the one answer every write path in the admin asks.

Editors (who hold `articles.publish_article`) and superusers may change everything.
Writers may change draft and in-review articles, their own or anyone's, and what
hangs off them (quotes, citations, tagged items), within the model permissions of
their role (`articles/roles.py`); never a published or scheduled article, nor
anything hanging off one, and never the directory (companies, people, events,
tags, their facts, roles, relations and participations, old slugs).

Every answer re-reads the rows from the database: an instance in memory may already
carry the change being judged (a revision restore writes the old version before the
admin asks), so only the stored row says what the object *is*. The instance, and
`to_status`, say what it would *become*; both must be allowed.
"""

from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType

from .models import Article, ArticleStatus, Citation, Quote, TaggedItem

PUBLISH_PERMISSION = "articles.publish_article"


def can_publish(user) -> bool:
    """Publish, schedule, unpublish, and change whatever is live."""
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def can_change(user, obj, *, to_status=None, fresh=False) -> bool:
    """May `user` save `obj`: as stored now, and as `obj` (with `to_status`) would be.

    `fresh`: the caller has just read `obj` from the database and changed nothing (a
    list of rows, as on the desk), so it is the stored row: no read per row.
    """
    if not _has_model_permission(user, "change", type(obj)):
        return False
    if can_publish(user):
        return True
    if to_status == ArticleStatus.PUBLISHED:
        return False
    stored = obj if fresh and obj.pk is not None else _stored(obj)
    if stored is None:  # gone, or never saved: judge it as a new row
        return can_add(user, obj, to_status=to_status)
    return _all_open(_articles_of(stored), _articles_of(obj), known=[stored] if fresh else [])


def can_transition(user, article, *, to_status, editors_only: bool, fresh=False) -> bool:
    """May `user` move `article` along the workflow to `to_status`?

    Sending back, publishing, scheduling and unpublishing are the editors'
    (`editors_only`); submitting is anyone's who may change the article as it is.
    """
    if editors_only and not can_publish(user):
        return False
    return can_change(user, article, to_status=to_status, fresh=fresh)


def can_add(user, obj, *, to_status=None) -> bool:
    """May `user` create `obj` (an unsaved instance, with what it will hang off)."""
    if not _has_model_permission(user, "add", type(obj)):
        return False
    if can_publish(user):
        return True
    if to_status == ArticleStatus.PUBLISHED or getattr(obj, "status", None) == (
        ArticleStatus.PUBLISHED
    ):
        return False
    return _all_open(_articles_of(obj))


def can_delete(user, obj) -> bool:
    if not _has_model_permission(user, "delete", type(obj)):
        return False
    if can_publish(user):
        return True
    stored = _stored(obj)
    return stored is None or _all_open(_articles_of(stored))


def can_save(user, obj, *, to_status=None) -> bool:
    """A form's save: a change if the row exists, else an addition."""
    if obj.pk is not None and _stored(obj) is not None:
        return can_change(user, obj, to_status=to_status)
    return can_add(user, obj, to_status=to_status)


def can_restore(user, versions) -> bool:
    """May `user` revert these django-reversion versions (a whole revision)?

    Call it *before* reverting: each row is judged as stored now and as the version
    would make it, so restoring a draft over a published article is an unpublish.
    Rows the revert deletes (children added since) hang off a row judged here.
    """
    for version in versions:
        reverted = version._object_version.object
        if not can_save(user, reverted, to_status=getattr(reverted, "status", None)):
            return False
    return True


def refused(user, objects, *, need: str, to_status=None) -> list:
    """The objects (say, a bulk action's selection) `user` may not `need` to.

    `need` is an admin permission name: "change", "delete", or "publish" (change the
    status to `to_status`). An editor's selection is not read row by row, so that an
    action on every article does not load them all.
    """
    if need == "view":
        return []
    model = objects.model
    action = "delete" if need == "delete" else "change"
    if can_publish(user) and _has_model_permission(user, action, model):
        return []
    if need == "publish":
        return list(objects)
    check = can_delete if need == "delete" else can_change
    kwargs = {} if need == "delete" else {"to_status": to_status}
    return [obj for obj in objects if not check(user, obj, **kwargs)]


def _has_model_permission(user, action, model) -> bool:
    opts = model._meta
    return user.is_active and user.has_perm(
        f"{opts.app_label}.{get_permission_codename(action, opts)}"
    )


def _stored(obj):
    if obj.pk is None:
        return None
    return type(obj)._default_manager.filter(pk=obj.pk).first()


def _articles_of(obj):
    """Keys of the articles `obj` is or hangs off; None for the directory."""
    if isinstance(obj, Article):
        return {obj.pk}
    if isinstance(obj, (Quote, Citation)):
        return {obj.article_id}
    if isinstance(obj, TaggedItem):
        if obj.content_type_id == ContentType.objects.get_for_model(Article).pk:
            return {obj.object_id}
        return None  # a tag on a company, person or event is the directory's
    return None


def _all_open(*groups, known=()) -> bool:
    """Every article named is a draft or in review (or not saved yet).

    `known`: articles just read from the database, whose status need not be read again.
    """
    if any(group is None for group in groups):
        return False
    keys = {key for group in groups for key in group if key is not None}
    read = {article.pk: article for article in known if isinstance(article, Article)}
    if keys <= read.keys():
        return all(read[key].status != ArticleStatus.PUBLISHED for key in keys)
    return not Article.objects.filter(pk__in=keys, status=ArticleStatus.PUBLISHED).exists()
