"""Roles, publishing and the permission matrix, through the admin as each user."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleStatus
from articles.roles import EDITOR, WRITER

from .admin_helpers import article_form_data, make_user
from .factories import make_article

pytestmark = pytest.mark.django_db

ADD = "/admin/articles/article/"


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def last_message(response) -> str:
    return [str(m) for m in response.wsgi_request._messages][-1]


def run_action(client, action, articles, **extra):
    data = {
        "action": action,
        "_selected_action": [a.pk for a in articles],
        "confirm": "yes",
        **extra,
    }
    return client.post(ADD, data)


def test_groups_exist_with_their_permissions():
    writer_perms = set(
        Group.objects.get(name=WRITER).permissions.values_list("codename", flat=True)
    )
    editor_perms = set(
        Group.objects.get(name=EDITOR).permissions.values_list("codename", flat=True)
    )
    assert {"add_article", "change_article", "view_article"} <= writer_perms
    assert not writer_perms & {"publish_article", "delete_article", "change_company", "add_tag"}
    assert {
        "publish_article",
        "delete_article",
        "change_company",
        "add_tag",
        "delete_event",
        "change_person",
    } <= editor_perms


# --- the permission matrix -------------------------------------------------------
#
# Each capability is exercised as a real request; "allowed" means the database
# changed as asked, "refused" means it did not change at all.

CAPABILITIES = ["view", "add", "change", "publish", "unpublish", "delete"]
MATRIX = {
    "anonymous": dict.fromkeys(CAPABILITIES, False),
    "writer": {
        "view": True,
        "add": True,
        "change": True,
        "publish": False,
        "unpublish": False,
        "delete": False,
    },
    "editor": dict.fromkeys(CAPABILITIES, True),
    "superuser": dict.fromkeys(CAPABILITIES, True),
}


def login_as(client, role):
    if role == "anonymous":
        return
    if role == "superuser":
        user = make_user("boss", superuser=True)
    else:
        user = make_user(role, group={"writer": WRITER, "editor": EDITOR}[role])
    client.force_login(user)


def attempt(client, capability) -> bool:
    """Try one capability; return whether it took effect."""
    draft = make_article("draft", status=ArticleStatus.DRAFT, published_at=None)
    live = make_article("live")
    if capability == "view":
        response = client.get(ADD)
        return response.status_code == 200 and "draft" in response.content.decode().lower()
    if capability == "add":
        client.post(reverse("admin:articles_article_add"), article_form_data())
        return Article.objects.filter(slug="a-new-story").exists()
    if capability == "change":
        client.post(change_url(draft), article_form_data(draft, title="Rewritten"))
        return Article.objects.get(pk=draft.pk).title == "Rewritten"
    if capability == "publish":
        client.post(change_url(draft), article_form_data(draft, status="published"))
        run_action(client, "publish_now", [draft])
        return Article.objects.get(pk=draft.pk).status == ArticleStatus.PUBLISHED
    if capability == "unpublish":
        client.post(change_url(live), article_form_data(live, status="draft"))
        run_action(client, "unpublish", [live])
        return Article.objects.get(pk=live.pk).status != ArticleStatus.PUBLISHED
    if capability == "delete":
        client.post(reverse("admin:articles_article_delete", args=[draft.pk]), {"post": "yes"})
        return not Article.objects.filter(pk=draft.pk).exists()
    raise AssertionError(capability)


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("capability", CAPABILITIES)
def test_permission_matrix(client, role, capability):
    login_as(client, role)
    assert attempt(client, capability) is MATRIX[role][capability]


# --- writers -----------------------------------------------------------------------


def test_a_writer_crafting_a_publish_post_is_refused_and_nothing_changes(client, writer):
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form_data(
            status="published", published_at_0="2020-01-01", published_at_1="10:00:00"
        ),
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Only editors can publish" in response.content.decode()
    assert not Article.objects.exists()
    draft = make_article("draft", status=ArticleStatus.DRAFT, published_at=None)
    before = Article.objects.values().get(pk=draft.pk)
    response = client.post(change_url(draft), article_form_data(draft, status="published"))
    assert "Only editors can publish" in response.content.decode()
    assert Article.objects.values().get(pk=draft.pk) == before


def test_a_writer_submits_for_review_but_cannot_touch_published_articles(client, writer):
    client.force_login(writer)
    draft = make_article("draft", status=ArticleStatus.DRAFT, published_at=None)
    client.post(change_url(draft), article_form_data(draft, status="review"))
    assert Article.objects.get(pk=draft.pk).status == ArticleStatus.REVIEW
    form = client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'value="review"' in form and 'value="published"' not in form
    live = make_article("live")
    assert (
        client.post(change_url(live), article_form_data(live, title="Vandalised")).status_code
        == 403
    )
    assert Article.objects.get(pk=live.pk).title != "Vandalised"
    changelist = client.get(ADD).content.decode()
    assert "publish_now" not in changelist and "unpublish" not in changelist


# --- editors -----------------------------------------------------------------------


def test_editor_moves_an_article_from_draft_to_review_to_published(client, editor):
    client.force_login(editor)
    client.post(reverse("admin:articles_article_add"), article_form_data())
    article = Article.objects.get(slug="a-new-story")
    assert article.status == ArticleStatus.DRAFT and not article.is_live
    client.post(change_url(article), article_form_data(article, status="review"))
    article.refresh_from_db()
    client.post(change_url(article), article_form_data(article, status="published"))
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.is_live
    assert client.get(article.get_absolute_url()).status_code == 200


def test_scheduling_needs_no_job(client, editor):
    client.force_login(editor)
    article = make_article("later", status=ArticleStatus.DRAFT, published_at=None)
    when = timezone.localtime() + timedelta(hours=2)
    response = run_action(
        client,
        "schedule",
        [article],
        publish_at_0=when.strftime("%Y-%m-%d"),
        publish_at_1=when.strftime("%H:%M:%S"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and not article.is_live
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert client.get(article.get_absolute_url()).status_code == 200


def test_scheduling_in_the_past_is_refused_with_a_message(client, editor):
    client.force_login(editor)
    article = make_article("later", status=ArticleStatus.DRAFT, published_at=None)
    response = run_action(
        client, "schedule", [article], publish_at_0="2001-01-01", publish_at_1="10:00:00"
    )
    assert "Choose a time in the future" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


def test_bulk_actions_confirm_first_and_say_what_changed(client, editor, report):
    client.force_login(editor)
    drafts = [
        make_article(f"d{n}", status=ArticleStatus.DRAFT, published_at=None) for n in range(3)
    ]
    confirm = client.post(
        ADD, {"action": "publish_now", "_selected_action": [a.pk for a in drafts]}
    )
    assert "Yes, publish now" in confirm.content.decode()
    assert not Article.objects.filter(slug="d0").published().exists()
    response = run_action(client, "publish_now", drafts)
    assert last_message(response) == "Published 3 articles."
    assert Article.objects.published().filter(slug__startswith="d").count() == 3

    from articles.models import Tag

    tag = Tag.objects.get(slug="shanghai")
    response = run_action(client, "add_tag", drafts, tag=tag.pk)
    assert last_message(response) == "Tagged 3 articles “Shanghai”."
    assert all(tag in a.tags.all() for a in drafts)
    run_action(client, "remove_tag", drafts[:1], tag=tag.pk)
    assert tag not in drafts[0].tags.all() and tag in drafts[1].tags.all()

    response = run_action(client, "unpublish", drafts[:2])
    assert last_message(response) == "Unpublished 2 articles; they are drafts again."
    statuses = dict(
        Article.objects.filter(pk__in=[a.pk for a in drafts]).values_list("slug", "status")
    )
    assert statuses == {"d0": "draft", "d1": "draft", "d2": "published"}


def test_create_account_command(db, monkeypatch):
    import io

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.management.base import CommandError

    monkeypatch.setattr("sys.stdin", io.StringIO("correct-horse-battery-staple\n"))
    call_command("create_account", "ada", "--role", "editor", "--password-stdin")
    ada = User.objects.get(username="ada")
    assert ada.is_staff and ada.has_perm("articles.publish_article")
    assert ada.check_password("correct-horse-battery-staple")

    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_account", "bob", "--role", "writer", "--password-stdin")
    assert not User.objects.filter(username="bob").exists()
