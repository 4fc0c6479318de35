"""Media on S3-compatible object storage: a real SeaweedFS on loopback, reached
through django-storages and boto3 as in production."""

import io
import urllib.request

import pytest
from django.core.management import call_command
from PIL import Image

from articles import social_cards
from articles.models import Article
from articles.renditions import renditions
from newsroom.devtools.topology import SeaweedFS, ToolMissing

from .test_uploads import image_bytes, post_image
from .tools import require

pytestmark = pytest.mark.django_db
BUCKET = "newsroom-media"


@pytest.fixture(scope="module")
def object_storage(tmp_path_factory):
    try:
        server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs"))
    except ToolMissing as missing:
        require(False, str(missing))
    try:
        server.make_bucket(BUCKET)
        yield server
    finally:
        server.stop()


@pytest.fixture
def bucket(object_storage, settings):
    """The site's media in the bucket, as AWS_STORAGE_BUCKET_NAME would set it up."""
    s3 = object_storage.client()
    for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = object_storage.endpoint
    settings.AWS_ACCESS_KEY_ID = settings.AWS_SECRET_ACCESS_KEY = "newsroom"
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.MEDIA_URL = f"{object_storage.endpoint}/{BUCKET}/media/"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "newsroom.media_storage.PublicMediaStorage"},
    }

    def keys() -> list[str]:
        return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))

    return keys


def test_an_upload_its_renditions_and_its_card_live_in_the_bucket(client, editor, bucket, settings):
    client.force_login(editor)
    response = post_image(client, "photo.png", image_bytes("PNG", size=(800, 600)))
    assert response.status_code == 302
    article = Article.objects.get()
    assert f"media/{article.image.name}" in bucket()
    shown = renditions(article.image)
    assert shown and all(r.url.startswith(settings.MEDIA_URL) for r in shown)
    assert any(
        key.startswith("media/renditions/") and key.endswith("-800w.webp") for key in bucket()
    )
    # A reader's browser fetches it from the bucket's address: a real image.
    with urllib.request.urlopen(shown[-1].url, timeout=10) as answer:  # noqa: S310
        assert Image.open(io.BytesIO(answer.read())).size == (800, 600)
    social_cards.ensure_card(article)
    assert any(key.startswith("media/cards/article/") for key in bucket())
    assert not any(key.startswith(("articles/", "renditions/")) for key in bucket())


def test_an_image_from_a_refused_form_waits_outside_the_public_media(client, editor, bucket):
    client.force_login(editor)
    response = post_image(client, "photo.png", image_bytes("PNG"), title="")
    assert response.status_code == 200  # the form comes back with its error
    assert any(key.startswith("pending/") for key in bucket())
    assert not any(key.startswith("media/") for key in bucket())


def test_backup_and_restore_carry_the_bucket(client, editor, bucket, tmp_path, object_storage):
    client.force_login(editor)
    post_image(client, "photo.png", image_bytes("PNG", size=(300, 200)))
    article = Article.objects.get()
    renditions(article.image)
    before = bucket()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)

    Article.objects.all().delete()
    s3 = object_storage.client()
    for key in before:
        s3.delete_object(Bucket=BUCKET, Key=key)
    assert bucket() == []
    call_command("restore", str(archive), verbosity=0)
    assert bucket() == before
    restored = Article.objects.get()
    assert restored.image.storage.exists(restored.image.name)


def test_readyz_says_when_the_bucket_cannot_be_reached(client, bucket, settings):
    assert client.get("/readyz").json()["checks"]["storage"].startswith("ok")
    settings.AWS_S3_ENDPOINT_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.STORAGES = {**settings.STORAGES}  # storages are made again from settings
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("failed")
