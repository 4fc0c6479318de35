"""Hero images: responsive renditions, lazy loading, and no failure on a bad file."""

from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from .factories import make_article
from .html import parse, text

pytestmark = pytest.mark.django_db


def png(width: int, height: int) -> ContentFile:
    buffer = BytesIO()
    Image.new("RGB", (width, height), "#336699").save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="hero.png")


def test_article_serves_renditions_in_a_srcset(client):
    article = make_article(image_alt="The booth", image_caption="At the expo")
    article.image.save("hero.png", png(1600, 900))
    doc = parse(client.get(article.get_absolute_url()))
    [img] = doc.cssselect("figure.hero img")
    assert img.get("alt") == "The booth" and img.get("loading") == "lazy"
    assert (img.get("width"), img.get("height")) == ("1200", "675")
    candidates = [c.split() for c in img.get("srcset").split(",")]
    assert [width for _, width in candidates] == ["480w", "800w", "1200w"]
    assert all(url.endswith(".webp") for url, _ in candidates)
    assert text(doc.cssselect("figure.hero figcaption")[0]).startswith("At the expo")
    for url, _ in candidates:
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/webp"


def test_small_originals_are_not_scaled_up(client):
    article = make_article(image_alt="Small")
    article.image.save("small.png", png(300, 200))
    [img] = parse(client.get(article.get_absolute_url())).cssselect("figure.hero img")
    assert [c.split()[1] for c in img.get("srcset").split(",")] == ["300w"]


def test_a_broken_image_file_does_not_break_the_page(client):
    article = make_article(image_alt="Broken")
    article.image.save("broken.png", ContentFile(b"not an image", name="broken.png"))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "srcset" not in response.content.decode()
