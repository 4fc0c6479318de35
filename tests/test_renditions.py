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


def picture(colour: str, fmt: str) -> ContentFile:
    buffer = BytesIO()
    Image.new("RGB", (1000, 500), colour).save(buffer, fmt)
    return ContentFile(buffer.getvalue())


def smallest_rendition_colour(client, article) -> tuple[int, int, int]:
    html = client.get(article.get_absolute_url()).content.decode()
    url = html.split('srcset="')[1].split(" 480w")[0]
    response = client.get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    with Image.open(BytesIO(content)) as image:
        return image.convert("RGB").getpixel((240, 120))


def test_two_images_with_one_camera_name_keep_their_own_renditions(client):
    """IMG_0001.png and IMG_0001.jpg in one month: each article shows its own picture."""
    red = make_article("red-story", image_alt="Red")
    red.image.save("IMG_0001.png", picture("#ff0000", "PNG"))
    assert smallest_rendition_colour(client, red)[0] > 200  # renditions made now
    blue = make_article("blue-story", image_alt="Blue")
    blue.image.save("IMG_0001.jpg", picture("#0000ff", "JPEG"))
    red_pixel, blue_pixel = (smallest_rendition_colour(client, a) for a in (red, blue))
    assert red_pixel[0] > 200 and red_pixel[2] < 50, red_pixel
    assert blue_pixel[2] > 200 and blue_pixel[0] < 50, blue_pixel
