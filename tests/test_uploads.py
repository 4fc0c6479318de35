"""Image uploads in the admin: each kind of bad file gets a clear error, and nothing
is written or saved."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles import image_uploads
from articles.models import Article

from .admin_helpers import article_form_data

pytestmark = pytest.mark.django_db


def image_bytes(fmt: str, size=(64, 48), mode="RGB") -> bytes:
    buffer = BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(buffer, fmt)
    return buffer.getvalue()


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def post_image(client, name: str, content: bytes, **fields):
    data = article_form_data(image_alt="A photo", **fields)
    data["image"] = SimpleUploadedFile(name, content)
    return client.post(reverse("admin:articles_article_add"), data)


@pytest.mark.parametrize(
    "fmt, name",
    [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp"), ("GIF", "a.gif"), ("JPEG", "A.JPEG")],
)
def test_the_four_formats_are_accepted(client, editor, settings, fmt, name):
    client.force_login(editor)
    response = post_image(client, name, image_bytes(fmt))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.image and article.image_alt == "A photo"
    assert any(p.name.endswith("-64w.webp") for p in files_under(settings.MEDIA_ROOT))


def truncated_jpeg() -> bytes:
    data = image_bytes("JPEG", size=(400, 300))
    return data[: len(data) // 2]


REJECTIONS = {
    "other format": ("a.bmp", lambda: image_bytes("BMP"), "is not a JPEG, PNG, WebP or GIF"),
    # Django's ImageField refuses what Pillow cannot open before our checks run.
    "svg": ("a.svg", lambda: b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Upload a valid image"),
    "not an image": ("a.png", lambda: b"just some text, not a picture", "Upload a valid image"),
    "mismatch": ("a.jpg", lambda: image_bytes("PNG"), "is named .jpg but holds PNG data"),
    "truncated": ("a.jpg", truncated_jpeg, "damaged or incomplete"),
    "too many pixels": (
        "a.png",
        lambda: image_bytes("PNG", size=(8000, 6000), mode="1"),
        "the limit is 40 megapixels",
    ),
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_bad_uploads_are_refused_and_nothing_is_kept(client, editor, settings, case):
    client.force_login(editor)
    name, content, message = REJECTIONS[case]
    response = post_image(client, name, content())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_oversized_files_are_refused(client, editor, settings, monkeypatch):
    monkeypatch.setattr(image_uploads, "MAX_BYTES", 1000)
    client.force_login(editor)
    response = post_image(client, "a.png", image_bytes("PNG", size=(400, 400)) + b"\0" * 2000)
    assert "the limit is 1000" in response.content.decode().replace("\xa0", " ")
    assert not Article.objects.exists() and files_under(settings.MEDIA_ROOT) == []


def test_a_decompression_bomb_is_refused_before_decoding(monkeypatch):
    """A tiny file that claims a huge canvas is refused from its header alone.

    49 megapixels: above our limit, below Pillow's own (about 179), so only our check
    can refuse it."""
    upload = SimpleUploadedFile("bomb.png", image_bytes("PNG", size=(7000, 7000), mode="1"))
    assert upload.size < 1_000_000
    loaded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: loaded.append(self) or None)
    with pytest.raises(ValidationError, match="7000 × 7000 pixels; the limit is 40 megapixels"):
        image_uploads.validate_image_upload(upload)
    assert loaded == []


def test_an_image_needs_alt_text(client, editor, settings):
    client.force_login(editor)
    data = article_form_data(image_alt="")
    data["image"] = SimpleUploadedFile("a.png", image_bytes("PNG"))
    response = client.post(reverse("admin:articles_article_add"), data)
    assert "Describe the image for readers who cannot see it" in response.content.decode()
    assert not Article.objects.exists() and files_under(settings.MEDIA_ROOT) == []
