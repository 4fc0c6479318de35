"""Users in each role, and the POST data an article's admin form sends."""

from django.contrib.auth.models import Group, Permission, User

from articles.roles import apply_roles


def make_user(username: str, *, group: str | None = None, superuser: bool = False) -> User:
    user = User.objects.create_user(username, password="a-long-test-password-1")
    user.is_staff = bool(group or superuser)
    user.is_superuser = superuser
    user.save()
    if group:
        # Transactional tests flush the groups the data migration made; remake them.
        apply_roles(Group, Permission)
        user.groups.add(Group.objects.get(name=group))
    return user


def article_form_data(article=None, **overrides) -> dict:
    """Everything the article form posts, taken from `article` or blank."""
    data = {
        "title": getattr(article, "title", "A new story"),
        "slug": getattr(article, "slug", "a-new-story"),
        "section": getattr(article, "section", ""),
        "byline": getattr(article, "byline", ""),
        "standfirst": getattr(article, "standfirst", ""),
        "body": getattr(article, "body", "Acme did a thing."),
        "image_alt": getattr(article, "image_alt", ""),
        "image_caption": getattr(article, "image_caption", ""),
        "image_credit": getattr(article, "image_credit", ""),
        "status": getattr(article, "status", "draft"),
        "autolink": "on",
        "autolink_skip": "",
        "quotes-TOTAL_FORMS": "0",
        "quotes-INITIAL_FORMS": "0",
        "quotes-MIN_NUM_FORMS": "0",
        "quotes-MAX_NUM_FORMS": "1000",
    }
    if article is not None:
        data["seen_version"] = str(article.lock_version)
        data["companies"] = [str(pk) for pk in article.companies.values_list("pk", flat=True)]
        data["tags"] = [str(pk) for pk in article.tags.values_list("pk", flat=True)]
        if article.published_at:
            data["published_at_0"] = article.published_at.strftime("%Y-%m-%d")
            data["published_at_1"] = article.published_at.strftime("%H:%M:%S")
    data.update(overrides)
    return data
