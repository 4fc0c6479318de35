"""The write API (articles/api/manage.py): tokens, drafts, steps and images, under the
admin's policy and history."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone
from PIL import Image
from reversion.models import Version

from articles.models import ApiToken, Article, ArticleStatus

from .admin_helpers import make_user
from .conftest import REPORT_SLUG
from .factories import make_article

MANAGE = "/api/v1/manage/articles/"


def token_for(user, **fields) -> str:
    token = ApiToken(user=user, name="A tool", **fields)
    key = token.issue()
    token.save()
    return key


@pytest.fixture
def writer_key(writer):
    return token_for(writer)


@pytest.fixture
def editor_key(editor):
    return token_for(editor)


def call(client, method, path, key=None, data=None, **headers):
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    send = getattr(client, method)
    if method in ("post", "patch"):
        return send(path, data or {}, content_type="application/json", **headers)
    return send(path, **headers)


def create(client, key, **fields):
    data = {"title": "Wire copy", "body": "First paragraph.\n\nSecond.", **fields}
    response = call(client, "post", MANAGE, key, data)
    assert response.status_code == 201, response.content
    return response


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"]
    return body


# --- tokens ------------------------------------------------------------------------------


def test_tokens_are_stored_as_digests_and_only_usable_until_expiry_or_revocation(
    client, writer, report
):
    key = token_for(writer)
    token = ApiToken.objects.get(user=writer)
    assert key not in token.digest and key.startswith(token.prefix)
    assert call(client, "get", MANAGE, key).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    token.revoked_at = timezone.now()
    token.save()
    assert "revoked" in problem(call(client, "get", MANAGE, key), 401)["detail"]
    old = token_for(writer, expires_at=timezone.now() - timedelta(seconds=1))
    problem(call(client, "get", MANAGE, old), 401)
    problem(call(client, "get", MANAGE, "nr_not-a-token"), 401)
    problem(call(client, "get", MANAGE), 401)


def test_a_signed_in_session_is_not_a_token(client, editor, report):
    client.force_login(editor)
    problem(call(client, "post", MANAGE, data={"title": "x", "body": "y"}), 401)


def test_an_editor_makes_a_token_in_the_admin_and_sees_it_once(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/articles/apitoken/add/",
        {"name": "Wire importer", "expires_at_0": "2027-06-01", "expires_at_1": "12:00:00"},
    )
    assert response.status_code == 200
    key = response.context["key"]
    assert key.startswith("nr_") and key.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=editor)
    assert token.name == "Wire importer" and token.digest != key
    listing = client.get("/admin/articles/apitoken/")
    assert key.encode() not in listing.content and token.prefix.encode() in listing.content
    client.post(
        "/admin/articles/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert ApiToken.objects.get(pk=token.pk).state == "Revoked"


@pytest.mark.parametrize("role", ["anonymous", "writer", "editor"])
def test_a_token_is_its_owners_alone(client, editor, writer, role):
    """The admin's every door to a token (list, change, history, delete, revoke), for
    someone who is not its owner: nothing shown, nothing changed. Its owner may only
    revoke it (tokens are never edited nor deleted)."""
    owner = make_user("owner", group="Writer")
    token_for(owner)
    token = ApiToken.objects.get(user=owner)
    if role != "anonymous":
        client.force_login({"writer": writer, "editor": editor}[role])
    base = "/admin/articles/apitoken/"
    before = list(ApiToken.objects.values())
    listing = client.get(base)
    assert token.prefix.encode() not in listing.content
    for path in (f"{base}{token.pk}/change/", f"{base}{token.pk}/history/"):
        assert client.get(path).status_code in (302, 404)
        client.post(path, {"name": "Taken", "expires_at_0": "2099-01-01", "expires_at_1": "0:0"})
    client.post(f"{base}{token.pk}/delete/", {"post": "yes"})
    client.post(base, {"action": "revoke", "_selected_action": [token.pk]})
    assert list(ApiToken.objects.values()) == before

    client.force_login(owner)
    assert token.prefix.encode() in client.get(base).content
    client.post(f"{base}{token.pk}/change/", {"name": "Renamed"})
    client.post(f"{base}{token.pk}/delete/", {"post": "yes"})
    assert ApiToken.objects.get(pk=token.pk).name == "A tool"
    client.post(base, {"action": "revoke", "_selected_action": [token.pk]})
    assert ApiToken.objects.get(pk=token.pk).state == "Revoked"


# --- drafts --------------------------------------------------------------------------------


def test_a_writer_creates_a_draft_with_its_links_as_a_revision(client, writer_key, report):
    response = create(
        client, writer_key, tags=["shanghai"], companies=["astrazeneca"], people=["leon-wang"]
    )
    data = response.json()
    article = Article.objects.get(pk=data["id"])
    assert article.status == ArticleStatus.DRAFT and data["state"] == "Draft"
    assert list(article.companies.values_list("slug", flat=True)) == ["astrazeneca"]
    assert response["ETag"] == f'"v{article.lock_version}"'
    assert response["Location"].endswith(f"{MANAGE}{article.pk}/")
    version = Version.objects.get_for_object(article).get()
    assert version.revision.user.username == "writer"
    assert version.revision.comment == "Created through the API"
    # Not public: the read API and the site still 404.
    assert client.get(f"/api/v1/articles/{article.slug}/").status_code == 404


def test_bad_drafts_are_refused_field_by_field_and_nothing_is_saved(client, writer_key, report):
    before = Article.objects.count()
    body = problem(
        call(client, "post", MANAGE, writer_key, {"title": "", "companies": ["no-such"]}), 400
    )
    assert {"title", "body", "companies"} <= set(body["errors"])
    assert Article.objects.count() == before


def test_nul_characters_are_refused_not_a_500(client, writer_key, report):
    """PostgreSQL refuses a NUL in a query; the API refuses it first, with a 400."""
    for data in ({"title": "a\x00", "body": "b"}, {"title": "a", "body": "b", "tags": ["\x00"]}):
        problem(call(client, "post", MANAGE, writer_key, data), 400)
    problem(call(client, "get", f"{MANAGE}?state=draft%00", writer_key), 400)


def test_a_change_names_the_version_it_read(client, writer_key, report):
    data = create(client, writer_key).json()
    path = f"{MANAGE}{data['id']}/"
    problem(call(client, "patch", path, writer_key, {"title": "No version"}), 428)
    etag = call(client, "get", path, writer_key)["ETag"]
    changed = call(client, "patch", path, writer_key, {"title": "Better"}, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["title"] == "Better"
    stale = call(client, "patch", path, writer_key, {"title": "Lost?"}, HTTP_IF_MATCH=etag)
    problem(stale, 412)
    assert Article.objects.get(pk=data["id"]).title == "Better"


def test_a_writer_token_never_publishes_nor_touches_a_published_article(client, writer_key, report):
    data = create(client, writer_key).json()
    for step in ("publish", "schedule"):
        body = problem(call(client, "post", f"{MANAGE}{data['id']}/{step}/", writer_key), 403)
        assert "editor" in body["detail"]
    assert Article.objects.get(pk=data["id"]).status == ArticleStatus.DRAFT
    problem(call(client, "post", f"{MANAGE}{report.pk}/unpublish/", writer_key), 403)
    assert Article.objects.get(pk=report.pk).is_live
    path = f"{MANAGE}{report.pk}/"
    etag = call(client, "get", path, writer_key)["ETag"]
    refused = call(client, "patch", path, writer_key, {"title": "Hijacked"}, HTTP_IF_MATCH=etag)
    assert "published" in problem(refused, 403)["detail"]
    assert Article.objects.get(pk=report.pk).title != "Hijacked"


def test_submit_then_an_editor_schedules_and_publishes(client, writer_key, editor_key, report):
    data = create(client, writer_key).json()
    steps = f"{MANAGE}{data['id']}/"
    submitted = call(client, "post", f"{steps}submit/", writer_key)
    assert submitted.status_code == 200 and submitted.json()["state"] == "In review"
    problem(call(client, "post", f"{steps}submit/", writer_key), 409)  # already in review
    problem(call(client, "post", f"{steps}schedule/", editor_key), 400)  # no time given
    at = (timezone.now() + timedelta(days=1)).isoformat()
    scheduled = call(client, "post", f"{steps}schedule/", editor_key, {"at": at})
    assert scheduled.json()["state"] == "Scheduled"
    slug = scheduled.json()["slug"]
    assert client.get(f"/api/v1/articles/{slug}/").status_code == 404
    published = call(client, "post", f"{steps}publish/", editor_key)
    assert published.json()["state"] == "Published"
    assert client.get(f"/api/v1/articles/{slug}/").status_code == 200
    comments = [
        v.revision.comment for v in Version.objects.get_for_object_reference(Article, data["id"])
    ]
    assert comments[0] == "Published" and "Submitted for review" in comments


def test_unknown_steps_and_articles_are_404(client, editor_key, report):
    problem(call(client, "post", f"{MANAGE}{report.pk}/fly/", editor_key), 404)
    problem(call(client, "get", f"{MANAGE}999999/", editor_key), 404)


# --- images -----------------------------------------------------------------------------------


def png(width=1000, height=600) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def put_image(client, key, pk, etag, upload, **fields):
    return client.put(
        f"{MANAGE}{pk}/image/",
        encode_multipart(BOUNDARY, {"image": upload, **fields}),
        content_type=MULTIPART_CONTENT,
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_IF_MATCH=etag,
    )


def test_an_image_is_checked_as_in_the_admin(client, writer_key, report):
    data = create(client, writer_key).json()
    etag = call(client, "get", f"{MANAGE}{data['id']}/", writer_key)["ETag"]
    fake = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    problem(put_image(client, writer_key, data["id"], etag, fake, image_alt="A photo"), 400)
    good = SimpleUploadedFile("photo.png", png(), content_type="image/png")
    problem(put_image(client, writer_key, data["id"], etag, good), 400)  # no alt text
    good.seek(0)
    done = put_image(client, writer_key, data["id"], etag, good, image_alt="The expo hall")
    assert done.status_code == 200, done.content
    image = done.json()["image"]
    assert image["alt"] == "The expo hall" and image["renditions"][0]["width"] == 480


# --- throttling -------------------------------------------------------------------------------


def test_each_token_is_throttled_on_its_own(client, writer, report, settings):
    settings.API_WRITE_RATE = "3/minute"
    first, second = token_for(writer), token_for(writer)
    answers = [call(client, "get", MANAGE, first) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert call(client, "get", MANAGE, second).status_code == 200


def test_the_read_api_with_a_token_still_shows_only_public_content(client, writer_key, report):
    draft = make_article("secret-draft", status=ArticleStatus.DRAFT, published_at=None)
    response = call(client, "get", f"/api/v1/articles/{draft.slug}/", writer_key)
    assert response.status_code == 404
    assert call(client, "get", f"/api/v1/articles/{REPORT_SLUG}/", writer_key).status_code == 200
