import re

import pytest

from articles.search import parse_terms, snippet

from .conftest import REPORT_SLUG
from .html import parse, text

pytestmark = pytest.mark.django_db


def test_results_are_grouped_by_type_with_terms_highlighted(client, report):
    response = client.get("/search/", {"q": "shanghai"})
    html = response.content.decode()
    assert response.status_code == 200
    for heading in ('id="r-articles"', 'id="r-companies"', 'id="r-tags"'):
        assert heading in html
    assert f'href="/articles/{REPORT_SLUG}/"' in html
    assert 'href="/companies/shanghai-international-life-science-innovation-campus/"' in html
    assert "<mark>Shanghai</mark>" in html


def test_every_word_must_match(client, report):
    html = client.get("/search/", {"q": "Leon Wang"}).content.decode()
    assert 'href="/people/leon-wang/"' in html
    none = client.get("/search/", {"q": "Wang Roxadustat zebra"}).content.decode()
    assert "Nothing matches" in none and "Or browse by tag" in none


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "%",
        "_",
        "'; DROP TABLE articles_article; --",
        "*" * 500,
        "🙂",
        "\x00",
        "<script>alert(1)</script>",
        "a" * 5000,
        "R&D",
        "Jing'an",
    ],
)
def test_odd_queries_get_a_helpful_page_never_an_error(client, report, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    # What the page says below the form, not the heading or the form's own words.
    [form] = parse(response).cssselect("main form[role=search]")
    said = " ".join(text(p) for p in form.itersiblings() if p.tag in ("p", "section"))
    if not query.strip():
        assert said.startswith("Type a word or a name above.")
    else:
        assert (
            "has no words to search for" in said
            or "Nothing matches" in said
            or re.search(r"^\d+ results? for", said)
        ), said


def test_queries_are_cleaned_into_a_few_bounded_terms():
    assert parse_terms("  AstraZeneca   China  china ") == ["AstraZeneca", "China"]
    assert parse_terms("%%% --- ***") == []
    assert parse_terms("R&D Jing'an") == ["R&D", "Jing'an"]
    assert len(parse_terms(" ".join(f"w{n}" for n in range(50)))) == 8
    assert all(len(term) <= 40 for term in parse_terms("x" * 500))


def test_snippet_centres_on_the_first_match():
    text = "word " * 100 + "Roxadustat for kidney diseases " + "word " * 100
    assert "Roxadustat" in snippet(text, ["roxadustat"])
    assert snippet(text, ["roxadustat"]).startswith("… ")


@pytest.mark.parametrize(
    "term",
    ["AstraZeneca", "astrazeneca", "trazen", "ZENECA", "Ast"],
)
def test_an_entity_is_found_by_any_part_of_its_name(report, term):
    """A substring of three characters or more, in any case, as `icontains` finds it,
    from an index (SQLite's trigram FTS5 of migration 0014, PostgreSQL's pg_trgm index
    over the fields joined, 0017)."""
    from articles import search

    found = search.search(term).groups["companies"]
    assert "astrazeneca" in {company.slug for company in found}


def test_entity_search_matches_every_field_and_short_words(report):
    from articles import search
    from articles.models import Company, Person

    wang = Person.objects.get(slug="leon-wang")
    wang.bio = "Leads the Xyzzyplex programme."
    wang.save()  # the index follows the row (a trigger on SQLite)
    assert [p.slug for p in search.search("xyzzyplex").groups["people"]] == ["leon-wang"]
    wang.bio = ""
    wang.save()
    assert search.search("xyzzyplex").groups["people"] == []
    # Two letters are below the trigram index: the plain scan answers them.
    two = {c.slug for c in search.search("Astra ze").groups["companies"]}
    expected = {
        c.slug
        for c in Company.objects.public()
        if all(
            t.lower() in f"{c.name} {c.aliases} {c.description}".lower() for t in ("astra", "ze")
        )
    }
    assert two == expected and "astrazeneca" in two


def test_a_search_word_is_matched_literally_never_as_a_pattern(report):
    """An underscore is a word character, and a LIKE wildcard on PostgreSQL: matched as
    itself. Fields are joined by spaces, which no word has, so a word never spans two."""
    from articles import search
    from articles.models import Company

    from .factories import make_article

    story = make_article("wildcards")
    for name in ("Foo_bar", "Fooxbar"):
        story.companies.add(Company.objects.create(name=name, slug=name.lower()))
    assert [c.slug for c in search.search("foo_bar").groups["companies"]] == ["foo_bar"]
    Company.objects.filter(slug="fooxbar").update(aliases="Alpha", description="Beta")
    assert search.search("alphabeta").groups["companies"] == []
