"""Link previews: every article and topic page points og:image at a drawn card."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from articles import social_cards
from articles.models import Company

from .html import parse

pytestmark = pytest.mark.django_db


def og_image(client, path) -> str | None:
    found = parse(client.get(path)).xpath('//meta[@property="og:image"]/@content')
    return found[0] if found else None


@pytest.mark.parametrize(
    "path, folder",
    [
        ("/companies/astrazeneca/", "company"),
        ("/people/leon-wang/", "person"),
        ("/events/ciie-4/", "event"),
        ("/tags/china/", "tag"),
    ],
)
def test_topic_pages_share_a_drawn_card(client, report, settings, path, folder):
    url = og_image(client, path)
    assert url and url.startswith(f"{settings.SITE_URL}/media/cards/{folder}/")
    response = client.get(url.removeprefix(settings.SITE_URL))
    assert response.status_code == 200
    image = Image.open(BytesIO(b"".join(response.streaming_content)))
    assert image.format == "PNG" and image.size == social_cards.SIZE


def test_an_article_without_a_photo_shares_its_card(client, report):
    assert "/media/cards/article/" in og_image(client, report.get_absolute_url())


def test_a_save_draws_the_new_card_at_once(report, django_capture_on_commit_callbacks):
    company = Company.objects.get(slug="astrazeneca")
    before = social_cards.card_name(company)
    with django_capture_on_commit_callbacks(execute=True):
        company.description = "A new description."
        company.save()
    after = social_cards.card_name(company)
    # Named by what it shows: the edit makes a new card, drawn before any reader asks.
    assert after != before and default_storage.exists(after)


def test_a_card_that_cannot_be_drawn_leaves_the_page_up(client, report, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(default_storage, "save", full_disk)
    response = client.get("/companies/astrazeneca/")
    assert response.status_code == 200
    assert og_image(client, "/companies/abbisko/") is None
