"""The editors' desk: workflow buttons, the dashboard, preview, autosave, conflicts.

Everything goes through the admin's real views with the test client; the policy
and workflow modules are never called directly, so a side door would show here.
"""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from reversion.models import Version

from articles import page_cache
from articles.models import Article, ArticleStatus, Autosave

from .admin_helpers import article_form_data
from .factories import make_article
from .forms import form_data
from .html import parse, text

pytestmark = pytest.mark.django_db

INDEX = "/admin/"


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def step_url(article, step) -> str:
    return reverse("admin:articles_article_step", args=[article.pk, step])


def buttons(response) -> list[str]:
    return [b.get("value") for b in parse(response).cssselect("button[name=_workflow]")]


def draft_by(user, slug="draft", **fields) -> Article:
    article = make_article(slug, status=ArticleStatus.DRAFT, published_at=None, **fields)
    Article.objects.filter(pk=article.pk).update(created_by=user)
    article.refresh_from_db()
    return article


def press(client, article, step, **overrides):
    return client.post(change_url(article), article_form_data(article, _workflow=step, **overrides))


@pytest.fixture
def emails(writer, editor):
    writer.email, editor.email = "writer@example.com", "editor@example.com"
    writer.save()
    editor.save()


# --- buttons: shown by the policy, checked on the server --------------------------


def test_each_role_sees_only_the_steps_it_may_take(client, writer, editor):
    draft = draft_by(writer)
    client.force_login(writer)
    assert buttons(client.get(change_url(draft))) == ["submit"]
    client.force_login(editor)
    assert buttons(client.get(change_url(draft))) == ["submit", "publish", "schedule"]
    Article.objects.filter(pk=draft.pk).update(status=ArticleStatus.REVIEW)
    assert buttons(client.get(change_url(draft))) == ["send_back", "publish", "schedule"]
    live = make_article("live")
    assert buttons(client.get(change_url(live))) == ["unpublish"]
    client.force_login(writer)
    assert buttons(client.get(change_url(live))) == []  # read-only for writers


def test_a_writer_submits_for_review_with_one_button(
    client, writer, editor, emails, django_capture_on_commit_callbacks
):
    draft = draft_by(writer, title="Port volumes rise")
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        response = press(client, draft, "submit", body="Port volumes rose again.")
    assert response.status_code == 302 and response["Location"] == INDEX
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.REVIEW and draft.body == "Port volumes rose again."
    newest = Version.objects.get_for_object(draft).first()
    assert newest.revision.user == writer
    assert newest.revision.get_comment().startswith("Submitted for review")
    [message] = mail.outbox
    assert message.to == ["editor@example.com"]
    assert "Port volumes rise" in message.subject and "/admin/articles/article/" in message.body


@pytest.mark.parametrize("step", ["publish", "schedule", "send_back", "unpublish"])
def test_a_writer_pressing_an_editors_step_is_refused_and_nothing_changes(client, writer, step):
    draft = draft_by(writer)
    before = Article.objects.values().get(pk=draft.pk)
    client.force_login(writer)
    response = press(client, draft, step, workflow_note="x")
    assert response.status_code == 200
    assert Article.objects.values().get(pk=draft.pk) == before
    errors = text(parse(response).cssselect(".errornote, .errorlist")[0])
    assert errors  # a message the writer can act on
    # The same through the desk's one-click URL.
    client.post(step_url(draft, step))
    assert Article.objects.values().get(pk=draft.pk) == before


def test_an_editor_sends_back_with_a_note_the_writer_sees(
    client, writer, editor, emails, django_capture_on_commit_callbacks
):
    draft = draft_by(writer, title="Port volumes rise")
    Article.objects.filter(pk=draft.pk).update(status=ArticleStatus.REVIEW)
    draft.refresh_from_db()
    client.force_login(editor)
    refused = press(client, draft, "send_back", workflow_note="  ")
    assert "Write a note for the writer" in refused.content.decode()
    assert Article.objects.get(pk=draft.pk).status == ArticleStatus.REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        press(client, draft, "send_back", workflow_note="Name the port authority's source.")
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.DRAFT
    assert draft.review_note == "Name the port authority's source."
    assert (
        Version.objects.get_for_object(draft)
        .first()
        .revision.get_comment()
        .startswith("Sent back: “Name the port authority's source.”")
    )
    assert [m.to for m in mail.outbox] == [["writer@example.com"]]
    client.force_login(writer)
    desk = parse(client.get(INDEX))
    [sent_back] = desk.cssselect(".desk-sent-back li")
    assert "Port volumes rise" in text(sent_back)
    assert "Name the port authority's source." in text(sent_back.cssselect(".desk-note")[0])
    form = parse(client.get(change_url(draft)))
    assert "Name the port authority's source." in text(form.cssselect(".desk-note")[0])
    # Resubmitting clears the note.
    press(client, draft, "submit")
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.REVIEW and draft.review_note == ""


def test_publish_now_is_live_at_once_and_schedule_needs_a_future_time(client, editor):
    draft = draft_by(editor)
    client.force_login(editor)
    past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%d")
    refused = press(client, draft, "schedule", published_at_0=past, published_at_1="10:00:00")
    assert "Choose a publication time in the future" in refused.content.decode()
    assert not Article.objects.get(pk=draft.pk).is_live
    press(client, draft, "publish")
    draft.refresh_from_db()
    assert draft.is_live
    reader = Client()
    assert reader.get(draft.get_absolute_url()).status_code == 200
    press(client, draft, "unpublish")
    assert reader.get(draft.get_absolute_url()).status_code == 404


def test_the_desk_gives_editors_a_review_queue_with_one_click_publish(client, writer, editor):
    waiting = draft_by(writer, slug="waiting", title="Waiting for review")
    Article.objects.filter(pk=waiting.pk).update(status=ArticleStatus.REVIEW)
    make_article("soon", published_at=timezone.now() + timedelta(hours=3), title="Coming soon")
    client.force_login(editor)
    desk = parse(client.get(INDEX))
    review = desk.cssselect(".desk-review")[0]
    assert text(review.cssselect(".desk-count")[0]) == "1"
    assert "Waiting for review" in text(review)
    assert "Coming soon" in text(desk.cssselect(".desk-scheduled")[0])
    # The app list stays below the desk.
    assert desk.cssselect("#content-main .module caption")
    [publish] = review.cssselect("button.desk-step-publish")
    response = client.post(publish.get("formaction"), {"next": INDEX})
    assert response.status_code == 302
    assert Article.objects.get(pk=waiting.pk).is_live


def test_the_one_click_step_url_takes_only_posts_and_only_safe_redirects(client, editor):
    draft = draft_by(editor)
    client.force_login(editor)
    assert client.get(step_url(draft, "publish")).status_code == 405
    response = client.post(step_url(draft, "publish"), {"next": "https://evil.example/"})
    assert response["Location"] == INDEX
    assert client.post(step_url(draft, "nonsense")).status_code == 302  # to the form
    assert (
        client.post(reverse("admin:articles_article_step", args=[99999, "publish"])).status_code
        == 404
    )


def test_writers_desk_lists_their_drafts_not_the_review_queue(client, writer, editor):
    draft_by(writer, slug="mine", title="My own draft")
    draft_by(editor, slug="theirs", title="Someone else's draft")
    client.force_login(writer)
    desk = parse(client.get(INDEX))
    assert not desk.cssselect(".desk-review")
    drafts = text(desk.cssselect(".desk-drafts")[0])
    assert "My own draft" in drafts and "Someone else's draft" not in drafts


# --- the writing surface: preview, autosave ---------------------------------------


def test_preview_renders_as_the_public_page_and_sanitises(client, writer, report):
    client.force_login(writer)
    url = reverse("admin:articles_article_preview")
    body = "AstraZeneca met **Leon Wang**.\n\n<script>alert(1)</script>"
    result = client.post(url, {"body": body, "article": report.pk}).json()
    html = parse(result["html"])
    assert html.cssselect("strong") and not html.cssselect("script")
    assert html.cssselect('a[href="/companies/astrazeneca/"]')  # the same links as the page
    assert result["words"] == 5 and result["minutes"] == 1
    assert client.post(url, {"body": "x" * 200_001}).status_code == 413
    assert client.get(url).status_code == 405


def test_preview_and_autosave_need_a_signed_in_editor_and_csrf(client, writer, report):
    url = reverse("admin:articles_article_preview")
    assert client.post(url, {"body": "x"}).status_code == 302  # to the sign-in page
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(writer)
    assert guarded.post(url, {"body": "x"}).status_code == 403


def test_autosave_keeps_a_private_copy_offered_back_on_reopening(
    client, writer, settings, monkeypatch
):
    draft = draft_by(writer, body="Original text.")
    client.force_login(writer)
    invalidated = []
    monkeypatch.setattr(page_cache, "invalidate", invalidated.append)
    monkeypatch.setattr("articles.signals.invalidate", invalidated.append)
    url = reverse("admin:articles_article_autosave", args=[draft.pk])
    response = client.post(
        url,
        {
            "title": draft.title,
            "standfirst": "",
            "body": "Half-written new text.",
            "seen_version": str(draft.lock_version),
        },
    )
    assert response.status_code == 200 and response.json()["saved_at"]
    assert Article.objects.get(pk=draft.pk).body == "Original text."  # only the copy
    assert invalidated == []  # no page went stale
    offer = parse(client.get(change_url(draft))).cssselect(".autosave-offer")
    assert offer and "Half-written new text." in text(offer[0].cssselect("#autosave-body")[0])
    # A real save clears the copy.
    client.post(change_url(draft), article_form_data(draft, body="Saved text."))
    assert not Autosave.objects.filter(article=draft).exists()
    assert not parse(client.get(change_url(draft))).cssselect(".autosave-offer")


def test_a_writer_cannot_autosave_onto_a_published_article(client, writer):
    live = make_article("live")
    client.force_login(writer)
    url = reverse("admin:articles_article_autosave", args=[live.pk])
    response = client.post(url, {"title": "x", "body": "Vandalised"})
    assert response.status_code == 403 and "detail" in response.json()
    assert not Autosave.objects.exists()


def test_an_older_autosave_says_someone_saved_since(client, writer, editor):
    draft = draft_by(writer, body="Original text.")
    Autosave.objects.create(user=writer, article=draft, body="Mine.", base_version=0)
    Article.objects.filter(pk=draft.pk).update(lock_version=3)
    client.force_login(writer)
    [offer] = parse(client.get(change_url(draft))).cssselect(".autosave-offer")
    assert offer.get("data-base-version") == "0"
    assert "Someone has saved the article since" in text(offer)


# --- conflicts: field by field, and a chosen file kept ------------------------------


def _open_then_save_elsewhere(client, editor, article, **theirs):
    client.force_login(editor)
    # Saved once through the admin, so the version the editor opens is in the history.
    client.post(change_url(article), article_form_data(article))
    article.refresh_from_db()
    mine = article_form_data(article)  # what the editor opened (seen_version included)
    client.post(change_url(article), article_form_data(article, **theirs))
    return mine


def test_a_stale_save_shows_theirs_against_mine_and_applies_the_choices(client, editor):
    draft = draft_by(editor, title="Original headline", body="Original body.")
    mine = _open_then_save_elsewhere(client, editor, draft, title="Their headline")
    mine.update(body="My better body.")
    response = client.post(change_url(draft), mine)
    assert response.status_code == 200
    stored = Article.objects.get(pk=draft.pk)
    assert stored.title == "Their headline" and stored.body == "Original body."
    doc = parse(response)
    rows = {row.get("class").split()[1]: row for row in doc.cssselect("tr.conflict")}
    assert set(rows) == {"conflict-title", "conflict-body"}
    title = rows["conflict-title"]
    assert "Their headline" in text(title) and "Original headline" in text(title)
    # Only they changed the title, only I the body: the suggestions follow.
    assert title.cssselect("input[value=theirs]")[0].get("checked") is not None
    assert rows["conflict-body"].cssselect("input[value=mine]")[0].get("checked") is not None
    # Submit again with the choices and the version now shown.
    seen = doc.cssselect("input[name=seen_version]")[0].get("value")
    assert seen == str(stored.lock_version)
    again = {**mine, "seen_version": seen, "resolve_title": "theirs", "resolve_body": "mine"}
    assert client.post(change_url(draft), again).status_code == 302
    stored.refresh_from_db()
    assert (stored.title, stored.body) == ("Their headline", "My better body.")


def _png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("harbour.png", buffer.getvalue(), content_type="image/png")


def test_a_chosen_image_survives_a_refused_save(client, editor, settings):
    draft = draft_by(editor)
    mine = _open_then_save_elsewhere(client, editor, draft, title="Their headline")
    response = client.post(
        change_url(draft), {**mine, "image": _png(), "image_alt": "A harbour at dawn"}
    )
    assert response.status_code == 200  # refused: stale
    doc = parse(response)
    assert "harbour.png" in text(doc.cssselect(".pending-image")[0])
    token = doc.cssselect("input[name=pending_image]")[0].get("value")
    assert token
    assert not list(settings.MEDIA_ROOT.rglob("*.png")) if settings.MEDIA_ROOT.exists() else True
    again = {
        **mine,
        "image_alt": "A harbour at dawn",
        "pending_image": token,
        "seen_version": doc.cssselect("input[name=seen_version]")[0].get("value"),
    }
    assert client.post(change_url(draft), again).status_code == 302
    stored = Article.objects.get(pk=draft.pk)
    assert stored.image.name.endswith(".png") and stored.image_alt == "A harbour at dawn"
    assert not list(settings.PENDING_UPLOADS_ROOT.rglob("*.png"))  # put back, then removed


def test_another_sessions_token_brings_no_file(client, editor):
    draft = draft_by(editor)
    client.force_login(editor)
    data = article_form_data(draft, pending_image="not-a-token-of-this-session")
    assert client.post(change_url(draft), data).status_code == 302
    assert not Article.objects.get(pk=draft.pk).image


# --- the form's own fixes ------------------------------------------------------------


def test_the_slug_help_text_reads_as_written(client, editor):
    client.force_login(editor)
    doc = parse(client.get(reverse("admin:articles_article_add")))
    help_text = text(doc.cssselect(".field-slug .help")[0])
    assert "after /articles/" in help_text


def test_a_refused_publish_keeps_the_form_editable_and_truthful(client, writer):
    draft = draft_by(writer)
    client.force_login(writer)
    response = client.post(change_url(draft), article_form_data(draft, status="published"))
    doc = parse(response)
    errors = " ".join(text(e) for e in doc.cssselect(".errornote, .errorlist"))
    assert "Only editors can publish" in errors
    assert doc.cssselect('input[name="_save"]'), "the page must stay editable"
    status = doc.cssselect("select[name=status]")
    assert status, "the status stays a choice, not a read-only 'Published'"
    assert "published" not in [o.get("value") for o in status[0].cssselect("option")]


# --- the workflow matrix: every step, as each role, from each state ------------------

STATES = {
    "draft": {"status": ArticleStatus.DRAFT, "published_at": None},
    "review": {"status": ArticleStatus.REVIEW, "published_at": None},
    "scheduled": {"status": ArticleStatus.PUBLISHED, "published_at": "future"},
    "published": {"status": ArticleStatus.PUBLISHED, "published_at": "past"},
}
# Written out here, not asked of articles.policy: which step each role may take from
# each state (docs/editorial-admin.md, "Workflow").
MAY = {
    "writer": {"submit": {"draft"}},
    "editor": {
        "submit": {"draft"},
        "send_back": {"review"},
        "publish": {"draft", "review", "scheduled"},
        "schedule": {"draft", "review", "scheduled"},
        "unpublish": {"scheduled", "published"},
    },
}
AUTOSAVE_MAY = {"writer": {"draft", "review"}, "editor": set(STATES)}


def _in_state(state, writer) -> Article:
    fields = dict(STATES[state])
    when = fields.pop("published_at")
    published_at = {
        None: None,
        "future": timezone.now() + timedelta(days=2),
        "past": timezone.now() - timedelta(days=2),
    }[when]
    article = make_article(f"in-{state}", published_at=published_at, **fields)
    Article.objects.filter(pk=article.pk).update(created_by=writer)
    article.refresh_from_db()
    return article


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("role", ["writer", "editor"])
def test_workflow_matrix(client, writer, editor, role, state):
    user = {"writer": writer, "editor": editor}[role]
    client.force_login(user)
    future = timezone.now() + timedelta(days=5)
    for step in ("submit", "send_back", "publish", "schedule", "unpublish"):
        article = _in_state(state, writer)
        before = Article.objects.values("status", "published_at").get(pk=article.pk)
        press(
            client,
            article,
            step,
            workflow_note="Please check the figures.",
            published_at_0=future.strftime("%Y-%m-%d"),
            published_at_1="09:00:00",
        )
        after = Article.objects.values("status", "published_at").get(pk=article.pk)
        allowed = state in MAY[role].get(step, set())
        assert (after != before) is allowed, f"{role} {step} from {state}: {before} -> {after}"
        Article.objects.filter(pk=article.pk).delete()


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("role", ["writer", "editor"])
def test_autosave_matrix(client, writer, editor, role, state):
    user = {"writer": writer, "editor": editor}[role]
    article = _in_state(state, writer)
    client.force_login(user)
    url = reverse("admin:articles_article_autosave", args=[article.pk])
    response = client.post(url, {"title": "t", "body": "b", "seen_version": "0"})
    allowed = state in AUTOSAVE_MAY[role]
    assert (response.status_code == 200) is allowed, (role, state, response.status_code)
    assert Autosave.objects.filter(article=article).exists() is allowed


def test_a_mail_server_that_is_down_does_not_undo_the_step(
    client, writer, editor, emails, settings, django_capture_on_commit_callbacks, caplog
):
    # A real SMTP connection to a closed port on loopback: refused at once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    draft = draft_by(writer)
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        response = press(client, draft, "submit")
    assert response.status_code == 302
    assert Article.objects.get(pk=draft.pk).status == ArticleStatus.REVIEW
    assert "Could not send the workflow email to editor@example.com" in caplog.text


# --- found on review: each fails without its fix ------------------------------------


def test_enter_in_a_text_box_saves_rather_than_taking_a_step(client, editor):
    live = make_article("live")
    client.force_login(editor)
    form = parse(client.get(change_url(live))).cssselect("#article_form")[0]
    first = form.cssselect("button[type=submit], input[type=submit]")[0]
    assert first.get("name") == "_save"  # not "Unpublish"


def test_resolving_a_conflict_does_not_undo_a_publish_made_meanwhile(client, writer, editor):
    draft = draft_by(writer)
    Article.objects.filter(pk=draft.pk).update(status=ArticleStatus.REVIEW)
    draft.refresh_from_db()
    client.force_login(editor)
    client.post(change_url(draft), article_form_data(draft))  # a version in the history
    draft.refresh_from_db()
    mine = article_form_data(draft, body="My edit.")  # opened while in review
    client.post(step_url(draft, "publish"))  # someone publishes from the desk
    doc = parse(client.post(change_url(draft), mine))
    [status] = doc.cssselect("tr.conflict-status")
    assert "Published" in text(status)
    assert status.cssselect("input[value=theirs]")[0].get("checked") is not None
    seen = doc.cssselect("input[name=seen_version]")[0].get("value")
    again = {
        **mine,
        "seen_version": seen,
        "resolve_status": "theirs",
        "resolve_published_at": "theirs",
    }
    assert client.post(change_url(draft), again).status_code == 302
    stored = Article.objects.get(pk=draft.pk)
    assert stored.is_live and stored.body == "My edit."


def test_a_line_break_in_a_headline_does_not_break_the_email(
    client, writer, editor, emails, django_capture_on_commit_callbacks
):
    draft = draft_by(writer)
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        response = press(client, draft, "submit", title="Port\nvolumes\r\nrise")
    assert response.status_code == 302
    [message] = mail.outbox
    assert "\n" not in message.subject and "Port volumes rise" in message.subject


def test_a_note_does_not_outlive_its_send_back(client, writer, editor):
    draft = draft_by(writer)
    Article.objects.filter(pk=draft.pk).update(status=ArticleStatus.REVIEW)
    client.force_login(editor)
    press(client, Article.objects.get(pk=draft.pk), "send_back", workflow_note="Fix it.")
    press(client, Article.objects.get(pk=draft.pk), "publish")
    press(client, Article.objects.get(pk=draft.pk), "unpublish")
    assert Article.objects.get(pk=draft.pk).review_note == ""
    client.force_login(writer)
    assert not parse(client.get(INDEX)).cssselect(".desk-sent-back li")


def test_crafted_numbers_in_preview_and_autosave_are_not_a_500(client, writer):
    draft = draft_by(writer)
    client.force_login(writer)
    preview = reverse("admin:articles_article_preview")
    assert client.post(preview, {"body": "x", "article": "9" * 5000}).status_code == 200
    autosave = reverse("admin:articles_article_autosave", args=[draft.pk])
    response = client.post(autosave, {"body": "x", "seen_version": "9" * 30})
    assert response.status_code == 200
    assert Autosave.objects.get(article=draft).base_version == draft.lock_version


def test_the_desk_lists_nothing_to_staff_who_may_not_see_articles(client):
    from .admin_helpers import make_user

    staff = make_user("staff-only")
    staff.is_staff = True
    staff.save()
    make_article("soon", published_at=timezone.now() + timedelta(hours=3), title="Embargoed")
    client.force_login(staff)
    page = client.get(INDEX)
    assert page.status_code == 200 and "Embargoed" not in page.content.decode()


def test_submissions_reach_everyone_who_may_publish(writer, editor, emails):
    from articles import notifications, workflow

    from .admin_helpers import make_user

    chief = make_user("chief", superuser=True)
    chief.email = "chief@example.com"
    chief.save()
    to = notifications.recipients(workflow.STEPS["submit"], draft_by(writer), actor=writer)
    assert to == ["chief@example.com", "editor@example.com"]


def test_admin_search_of_punctuation_finds_nothing_and_autocomplete_takes_prefixes(
    admin_client, report
):
    doc = parse(admin_client.get("/admin/articles/article/", {"q": "?!"}))
    assert not doc.cssselect("#result_list tbody tr")
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "AstraZen",
            "app_label": "articles",
            "model_name": "quote",
            "field_name": "article",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == [report.title]


def test_a_restored_revision_moves_the_save_counter_forward(client, editor):
    draft = draft_by(editor, body="First.")
    client.force_login(editor)
    client.post(change_url(draft), article_form_data(draft, body="First."))
    draft.refresh_from_db()
    client.post(change_url(draft), article_form_data(draft, body="Second."))
    draft.refresh_from_db()
    counter = draft.lock_version
    old = Version.objects.get_for_object(draft).last()
    url = reverse("admin:articles_article_revision", args=[draft.pk, old.pk])
    page = client.get(url)
    client.post(url, form_data(page.content.decode()))
    draft.refresh_from_db()
    assert draft.body == "First." and draft.lock_version > counter


def test_a_chosen_image_survives_an_error_in_a_quote(client, editor):
    draft = draft_by(editor)
    client.force_login(editor)
    data = article_form_data(draft, image_alt="A harbour at dawn")
    data.update({"quotes-TOTAL_FORMS": "1", "quotes-0-text": "", "quotes-0-speaker": "abc"})
    response = client.post(change_url(draft), {**data, "image": _png()})
    assert response.status_code == 200
    token = parse(response).cssselect("input[name=pending_image]")[0].get("value")
    assert token


def test_the_desk_says_when_each_draft_was_last_touched(client, writer):
    draft_by(writer, title="Fresh draft")
    client.force_login(writer)
    [meta] = parse(client.get(INDEX)).cssselect(".desk-drafts .desk-meta")
    # Words, not "0 minutes ago" (a slow run may see a few seconds pass).
    assert re.search(
        r"updated (now|an? seconds? ago|\d+ seconds ago)", " ".join(text(meta).split())
    )


def test_a_writers_desk_runs_no_query_per_draft(client, writer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(writer)

    def queries():
        client.get(INDEX)  # warm per-process caches
        with CaptureQueriesContext(connection) as context:
            client.get(INDEX)
        return len(context)

    draft_by(writer, slug="first")
    one = queries()
    for n in range(8):
        draft_by(writer, slug=f"more-{n}", review_note="Check it." if n % 2 else "")
    assert queries() == one
