"""Slug paths built from a once-reversed template are the paths reverse() gives."""

import pytest
from django.urls import reverse

from articles.slug_urls import slug_path

SLUGS = ["astrazeneca", "上海-expo", "ünï-cödé", "a~b", "ciie-4", "x_y"]
ROUTES = ["article_detail", "company_detail", "person_detail", "event_detail", "tag_detail"]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("slug", SLUGS)
def test_the_same_path_as_reverse(route, slug):
    assert slug_path(route, slug) == reverse(route, kwargs={"slug": slug})
