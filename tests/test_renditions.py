"""Hero images: responsive renditions, lazy loading, and no failure on a bad file."""

from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from .factories import make_article

pytestmark = pytest.mark.django_db


def png(width: int, height: int) -> ContentFile:
    buffer = BytesIO()
    Image.new("RGB", (width, height), "#336699").save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="hero.png")


def test_article_serves_renditions_in_a_srcset(client):
    article = make_article(image_alt="The booth", image_caption="At the expo")
    article.image.save("hero.png", png(1600, 900))
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="The booth"' in html and 'loading="lazy"' in html
    assert "-480w.webp 480w" in html and "-800w.webp 800w" in html and "-1200w.webp 1200w" in html
    assert 'width="1200" height="675"' in html
    assert "<figcaption>At the expo" in html
    small = html.split('srcset="')[1].split(" 480w")[0]
    assert client.get(small).status_code == 200


def test_small_originals_are_not_scaled_up(client):
    article = make_article(image_alt="Small")
    article.image.save("small.png", png(300, 200))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "-300w.webp 300w" in html and "480w" not in html


def test_a_broken_image_file_does_not_break_the_page(client):
    article = make_article(image_alt="Broken")
    article.image.save("broken.png", ContentFile(b"not an image", name="broken.png"))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "srcset" not in response.content.decode()
