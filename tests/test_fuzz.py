"""Arbitrary text in every place a reader can type a URL or a query: never a 500."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ANY_TEXT = st.text(max_size=120)


@FUZZ
@given(query=ANY_TEXT)
def test_search(client, report, query):
    assert client.get("/search/", {"q": query}).status_code == 200


@FUZZ
@given(page=ANY_TEXT)
def test_page_numbers_and_cursors(client, report, page):
    for path in ("/companies/", "/tags/china/companies/"):
        assert client.get(path, {"page": page}).status_code in (200, 404)
    for path in ("/articles/", "/tags/china/articles/"):
        assert client.get(path, {"before": page}).status_code in (200, 404)


@FUZZ
@given(slug=ANY_TEXT)
def test_slugs(client, report, slug):
    part = quote(slug, safe="")
    for prefix in ("articles", "companies", "people", "events", "tags"):
        assert client.get(f"/{prefix}/{part}/").status_code in (200, 301, 404)


@FUZZ
@given(kind=st.sampled_from(["company", "person", "event", "tag", "x"]), slug=ANY_TEXT)
def test_feed_and_intersection_urls(client, report, kind, slug):
    part = quote(slug, safe="")
    assert client.get(f"/feed/{kind}/{part}/").status_code in (200, 404)
    assert client.get(f"/together/{kind}/{part}/tag/china/").status_code in (200, 301, 404)
