"""Regression tests for issue 10's permission findings, each named in its docstring."""

from datetime import timedelta

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ArticleStatus, Company, Person, Quote, Tag

from .admin_helpers import article_form_data
from .factories import make_article, make_company, make_person

pytestmark = pytest.mark.django_db

ARTICLES = "/admin/articles/article/"


def saved_with_revision(obj, **changes):
    """Save `obj` with `changes` as one revision, as an admin save would."""
    with reversion.create_revision():
        for field, value in changes.items():
            setattr(obj, field, value)
        obj.save()
    return Version.objects.get_for_object(obj).order_by("-pk").first()


def revision_url(obj, version) -> str:
    return reverse(f"admin:articles_{obj._meta.model_name}_revision", args=[obj.pk, version.pk])


def restore_post(article, version, **overrides) -> dict:
    """What the restore form of `version` posts: the old values, as a writer may send them."""
    old = version.field_dict
    return article_form_data(
        article,
        title=old["title"],
        body=old["body"],
        seen_version=str(old["lock_version"]),
        **{"status": ArticleStatus.REVIEW, **overrides},
    )


# --- finding 1 ---------------------------------------------------------------------


def test_writer_cannot_unpublish_a_live_article_by_restoring_a_draft_revision(client, writer):
    """Finding 1 (high): restoring an old draft revision of a published article was
    allowed because the permission check read the already-reverted draft status."""
    article = make_article("live", status=ArticleStatus.DRAFT, published_at=None)
    draft_version = saved_with_revision(article, body="Old draft body.")
    saved_with_revision(
        article,
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
        body="The published body.",
    )
    before = Article.objects.values().get(pk=article.pk)
    assert client.get(article.get_absolute_url()).status_code == 200

    client.force_login(writer)
    response = client.post(
        revision_url(article, draft_version), restore_post(article, draft_version)
    )
    assert response.status_code == 403
    assert Article.objects.values().get(pk=article.pk) == before
    assert client.get(article.get_absolute_url()).status_code == 200

    page = client.get(revision_url(article, draft_version))
    assert page.status_code == 200  # the old version can still be read ...
    assert 'name="_save"' not in page.content.decode()  # ... but offers no save


def test_writer_cannot_publish_by_restoring_a_published_revision(client, writer):
    """Finding 1 (high), the other direction: a restore is a status change, so a
    writer may not restore a once published revision over today's draft. (Refused
    before the fix too; kept so that judging the stored row does not open it.)"""
    article = make_article("story")  # published, one hour ago
    published_version = saved_with_revision(article, body="Published once.")
    saved_with_revision(article, status=ArticleStatus.DRAFT, body="Back to draft.")
    before = Article.objects.values().get(pk=article.pk)

    client.force_login(writer)
    response = client.post(
        revision_url(article, published_version),
        restore_post(article, published_version, status=ArticleStatus.DRAFT),
    )
    assert response.status_code == 403
    assert Article.objects.values().get(pk=article.pk) == before


def test_writer_still_restores_a_revision_of_a_draft(client, writer):
    """Finding 1: the fix must leave writers their own drafts' history."""
    article = make_article("draft", status=ArticleStatus.DRAFT, published_at=None)
    old = saved_with_revision(article, body="First words.")
    saved_with_revision(article, body="Second words.")
    client.force_login(writer)
    response = client.post(revision_url(article, old), restore_post(article, old))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == "First words."


# --- finding 2 ---------------------------------------------------------------------


def article_with_pk_of(obj, **fields) -> Article:
    """A draft article whose key is `obj`'s key, as the crafted URL needs."""
    return make_article("mine", status=ArticleStatus.DRAFT, published_at=None, pk=obj.pk, **fields)


def test_writer_cannot_revert_a_company_through_the_article_revision_url(client, writer):
    """Finding 2 (high): the revision view looked a version up by id and object id
    only, so a company's version, posted to an article URL with the same key,
    reverted the company."""
    company = make_company("acme", name="Acme")
    old = saved_with_revision(company, name="Acme Old Name")
    saved_with_revision(company, name="Acme Current")
    article = article_with_pk_of(company)

    client.force_login(writer)
    url = reverse("admin:articles_article_revision", args=[article.pk, old.pk])
    response = client.post(url, article_form_data(article))
    assert response.status_code == 404
    assert Company.objects.get(pk=company.pk).name == "Acme Current"


def test_writer_cannot_recover_a_deleted_person_through_the_article_recover_url(client, writer):
    """Finding 2 (high): recover/<version_id>/ did not check the version's model
    either; a writer brought back a person an editor had deleted."""
    person = make_person("someone")
    version = saved_with_revision(person, name="Someone")
    article = article_with_pk_of(person)
    person.delete()

    client.force_login(writer)
    url = reverse("admin:articles_article_recover", args=[version.pk])
    response = client.post(url, article_form_data(article))
    assert response.status_code == 404
    assert not Person.objects.filter(pk=version.object_id).exists()


def test_editor_revision_urls_check_the_model_too(client, editor):
    """Finding 2: a version of another model is not this admin's, whoever asks."""
    company = make_company("acme")
    old = saved_with_revision(company, name="Old")
    saved_with_revision(company, name="Current")
    article = article_with_pk_of(company)
    client.force_login(editor)
    url = reverse("admin:articles_article_revision", args=[article.pk, old.pk])
    assert client.get(url).status_code == 404
    assert Company.objects.get(pk=company.pk).name == "Current"


# --- finding 3 ---------------------------------------------------------------------


@pytest.fixture
def quoted():
    """A published and a draft article, each with a quote."""
    speaker = make_person("speaker")
    live = make_article("live", body="She said “growth is strong” today.")
    draft = make_article(
        "draft", status=ArticleStatus.DRAFT, published_at=None, body="He said “not yet”."
    )
    return {
        "speaker": speaker,
        "live": live,
        "draft": draft,
        "live_quote": Quote.objects.create(article=live, speaker=speaker, text="growth is strong"),
        "draft_quote": Quote.objects.create(article=draft, speaker=speaker, text="not yet"),
    }


def quote_data(quote, **overrides):
    return {
        "article": str(quote.article_id),
        "speaker": str(quote.speaker_id),
        "text": quote.text,
        "position": str(quote.position),
        **overrides,
    }


def quotes_as_stored():
    return list(Quote.objects.order_by("pk").values())


def test_writer_cannot_edit_delete_or_add_quotes_of_a_published_article(client, writer, quoted):
    """Finding 3 (medium-high): writers hold add/change/delete_quote, and the standalone
    Quote admin did not ask whether the quote's article is published."""
    live_quote = quoted["live_quote"]
    before = quotes_as_stored()
    client.force_login(writer)

    change = reverse("admin:articles_quote_change", args=[live_quote.pk])
    assert client.post(change, quote_data(live_quote, text="growth")).status_code == 403
    delete = reverse("admin:articles_quote_delete", args=[live_quote.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        "/admin/articles/quote/",
        {"action": "delete_selected", "post": "yes", "_selected_action": [live_quote.pk]},
    )
    added = client.post(
        reverse("admin:articles_quote_add"),
        quote_data(live_quote, text="strong"),
    )
    assert added.status_code == 200 and "You may not change this" in added.content.decode()
    # Moving a draft's quote onto the published article is adding to it.
    draft_quote = quoted["draft_quote"]
    moved = client.post(
        reverse("admin:articles_quote_change", args=[draft_quote.pk]),
        quote_data(draft_quote, article=str(quoted["live"].pk)),
    )
    assert moved.status_code == 200 and "You may not change this" in moved.content.decode()

    assert quotes_as_stored() == before


def test_writer_still_edits_the_quotes_of_a_draft(client, writer, quoted):
    """Finding 3: the fix must leave writers the quotes of drafts."""
    draft_quote = quoted["draft_quote"]
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_quote_change", args=[draft_quote.pk]),
        quote_data(draft_quote, text="not"),
    )
    assert response.status_code == 302
    assert Quote.objects.get(pk=draft_quote.pk).text == "not"


def test_writer_cannot_change_quotes_inline_on_a_published_article(client, writer, quoted):
    """Finding 3: the quote inline asks the same question as the standalone admin
    (the article's own 403 refused this before too; this keeps the inline honest)."""
    live = quoted["live"]
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_change", args=[live.pk])).content.decode()
    assert 'name="quotes-0-text"' not in page  # shown read-only
    before = quotes_as_stored()
    data = article_form_data(live)
    data.update(
        {
            "quotes-TOTAL_FORMS": "1",
            "quotes-INITIAL_FORMS": "1",
            "quotes-0-id": str(quoted["live_quote"].pk),
            "quotes-0-article": str(live.pk),
            "quotes-0-speaker": str(quoted["speaker"].pk),
            "quotes-0-text": "growth",
            "quotes-0-position": "0",
        }
    )
    response = client.post(reverse("admin:articles_article_change", args=[live.pk]), data)
    assert response.status_code == 403
    assert quotes_as_stored() == before


# --- finding 4 ---------------------------------------------------------------------


def tagged_items():
    return sorted(
        (a.pk, t.pk) for a in Article.objects.prefetch_related("tags") for t in a.tags.all()
    )


@pytest.mark.parametrize("action", ["add_tag", "remove_tag"])
def test_writer_cannot_retag_published_articles_in_bulk(client, writer, action):
    """Finding 4 (medium): the tag bulk actions checked `change` without the objects,
    so a writer tagged or untagged published articles. The whole action is refused
    when any selected article is not the writer's to change."""
    tag = Tag.objects.create(name="Shanghai", kind="place")
    live = make_article("live")
    draft = make_article("draft", status=ArticleStatus.DRAFT, published_at=None)
    if action == "remove_tag":
        live.tags.add(tag)
        draft.tags.add(tag)
    before = tagged_items()
    versions = Version.objects.count()
    client.force_login(writer)
    response = client.post(
        ARTICLES,
        {
            "action": action,
            "confirm": "yes",
            "tag": str(tag.pk),
            "_selected_action": [live.pk, draft.pk],
        },
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("Nothing was changed" in m and "Live" in m for m in messages), messages
    assert tagged_items() == before
    assert Version.objects.count() == versions


def test_writer_still_tags_drafts_in_bulk(client, writer):
    """Finding 4: the fix must leave writers the tag actions on drafts."""
    tag = Tag.objects.create(name="Shanghai", kind="place")
    draft = make_article("draft", status=ArticleStatus.DRAFT, published_at=None)
    client.force_login(writer)
    client.post(
        ARTICLES,
        {"action": "add_tag", "confirm": "yes", "tag": str(tag.pk), "_selected_action": [draft.pk]},
    )
    assert list(draft.tags.all()) == [tag]


# --- finding 13 --------------------------------------------------------------------


@pytest.mark.parametrize("field", ["companies", "tags", "people", "events"])
def test_a_non_integer_in_an_article_autocomplete_is_a_form_error(client, editor, field):
    """Finding 13 (low): companies=abc on the article form was a 500, from the
    autocomplete widget looking the invalid value up while showing the error."""
    article = make_article("story", status=ArticleStatus.DRAFT, published_at=None)
    before = Article.objects.values().get(pk=article.pk)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, **{field: ["abc"]}),
    )
    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()
    assert Article.objects.values().get(pk=article.pk) == before


def test_a_non_integer_tag_in_the_bulk_tag_form_is_a_form_error(client, editor):
    """Finding 13 (low): tag=abc in the tag bulk action's form was a 500."""
    article = make_article("story", status=ArticleStatus.DRAFT, published_at=None)
    client.force_login(editor)
    response = client.post(
        ARTICLES,
        {"action": "add_tag", "confirm": "yes", "tag": "abc", "_selected_action": [article.pk]},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not article.tags.exists()


def test_a_non_integer_in_a_foreign_key_autocomplete_is_a_form_error(client, editor):
    """Finding 13 (low): the same widget renders every autocomplete foreign key."""
    article = make_article("story")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_quote_add"),
        {"article": str(article.pk), "speaker": "abc", "text": "Acme", "position": "0"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Quote.objects.exists()
