import pytest

from articles.intersections import intersection_url
from articles.models import Company, Event

from .conftest import REPORT_SLUG
from .html import parse

pytestmark = pytest.mark.django_db

PAIR = "/together/company/astrazeneca/event/ciie-4/"


def test_pair_page_shows_shared_articles_and_cited_connections(client, report):
    html = client.get(PAIR).content.decode()
    assert f'href="/articles/{REPORT_SLUG}/"' in html
    assert "AstraZeneca at 4th China International Import Expo (Exhibitor)" in html
    assert 'class="cite"' in html


def test_reachable_from_either_side(client, report):
    assert f'href="{PAIR}"' in client.get("/events/ciie-4/").content.decode()
    # The company page links only its closest pairs: the expo's four editions roll up
    # into the series, which ranks first.
    together = parse(client.get("/companies/astrazeneca/")).cssselect("#together-heading + ul a")
    assert len(together) <= 6
    assert together[0].get("href") == (
        "/together/company/astrazeneca/event/china-international-import-expo/"
    )


def test_one_canonical_address_per_pair(client, report):
    response = client.get("/together/event/ciie-4/company/astrazeneca/")
    assert response.status_code == 301 and response["Location"] == PAIR
    a, b = Company.objects.get(slug="astrazeneca"), Event.objects.get(slug="ciie-4")
    assert intersection_url(a, b) == intersection_url(b, a) == PAIR


@pytest.mark.parametrize(
    "path",
    [
        "/together/company/astrazeneca/company/astrazeneca/",
        "/together/company/nope/event/ciie-4/",
        "/together/widget/astrazeneca/event/ciie-4/",
    ],
)
def test_impossible_pairs_are_404(client, report, path):
    assert client.get(path).status_code == 404


def test_tag_and_entity_pair(client, report):
    html = client.get("/together/company/astrazeneca/tag/shanghai/").content.decode()
    assert f'href="/articles/{REPORT_SLUG}/"' in html
    assert (
        'href="/together/company/astrazeneca/tag/shanghai/"'
        in client.get("/tags/shanghai/").content.decode()
    )
