"""Names in any script get non-empty, unique slugs whose pages resolve."""

import unicodedata

import pytest

from articles.models import Company, Tag
from articles.slugs import base_slug

from .factories import make_article

pytestmark = pytest.mark.django_db

NAMES = [
    "Café Holdings",  # NFC
    unicodedata.normalize("NFD", "Café Holdings"),  # the same, decomposed
    "北京协和医院",
    "Москва Фарма",
    "Ελληνικά",
    "🚀🚀🚀",
    "💊",
    "some tag",
    "some-tag",
    "Some  Tag!",
]


def test_base_slugs_are_never_empty_and_normalised():
    assert base_slug("Café") == base_slug(unicodedata.normalize("NFD", "Café")) == "café"
    assert base_slug("北京") == "北京"
    assert base_slug("🚀").startswith("x-") and base_slug("🚀") != base_slug("💊")


def test_companies_from_any_script_get_unique_slugs_and_pages(client):
    companies = [Company.objects.create(name=name) for name in NAMES]
    slugs = [company.slug for company in companies]
    assert all(slugs) and len(set(slugs)) == len(slugs)
    make_article().companies.add(*companies)  # public once a live article is about them
    for company in companies:
        response = client.get(company.get_absolute_url())
        assert response.status_code == 200, company.get_absolute_url()
        assert company.name in response.content.decode()


def test_tags_from_any_script_get_unique_slugs_and_pages(client):
    tags = [Tag.objects.create(name=name) for name in NAMES if name != NAMES[1]]
    slugs = [tag.slug for tag in tags]
    assert all(slugs) and len(set(slugs)) == len(slugs)
    make_article().tags.add(*tags)  # public once a live article carries them
    for tag in tags:
        assert client.get(tag.get_absolute_url()).status_code == 200, tag.get_absolute_url()
