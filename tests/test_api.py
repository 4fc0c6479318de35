"""The content API's read endpoints (articles/api/, docs/api.md): what they show,
that they never show more than the site, and how they page, cache and refuse."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import ArticleStatus, Company, Fact, Tag

from .conftest import REPORT_SLUG
from .factories import make_article, make_citation, make_company

API = "/api/v1"


def get_json(client, path, status=200, **params):
    response = client.get(path, params)
    assert response.status_code == status, response.content[:500]
    return response.json()


def walk(client, path, **params) -> list[dict]:
    """Every result of a list endpoint, following `next` to the end."""
    page = get_json(client, path, **params)
    results = list(page["results"])
    while page["next"]:
        parts = urlsplit(page["next"])
        page = get_json(client, f"{parts.path}?{parts.query}")
        results += page["results"]
    return results


# --- what the endpoints show ------------------------------------------------------------


def test_article_detail_has_the_body_as_html_and_markdown_and_everything_it_links(client, report):
    data = get_json(client, f"{API}/articles/{REPORT_SLUG}/")
    assert data["title"] == report.title
    assert data["body_markdown"] == report.body
    assert "<p" in data["body_html"] and "<script" not in data["body_html"]
    assert {c["slug"] for c in data["companies"]} == set(
        report.companies.values_list("slug", flat=True)
    )
    assert {p["slug"] for p in data["people"]} == {"leon-wang"}
    assert {t["slug"] for t in data["tags"]} == set(report.tags.values_list("slug", flat=True))
    for quote in data["quotes"]:
        assert quote["text"] in report.body
        assert quote["speaker"]["url"].endswith("/api/v1/people/leon-wang/")
    assert data["web_url"].endswith(f"/articles/{REPORT_SLUG}/")


def test_every_company_fact_cites_a_verbatim_passage_and_its_paragraph(client, report):
    data = get_json(client, f"{API}/companies/astrazeneca/")
    assert data["facts"], "the report states facts about AstraZeneca"
    assert len(data["facts"]) == Fact.objects.filter(company__slug="astrazeneca").count()
    for fact in data["facts"]:
        citation = fact["citation"]
        if citation["article"] is not None:
            assert citation["passage"] in report.source_text()
            assert citation["article"]["slug"] == REPORT_SLUG
            if citation["paragraph"]:
                assert f"#p-{citation['paragraph']}" in citation["web_url"]


def test_a_company_shows_its_relations_both_ways(client, report):
    company = Company.objects.get(slug="astrazeneca")
    data = get_json(client, f"{API}/companies/astrazeneca/")
    out = company.relations_out.count()
    into = company.relations_in.count()
    assert len(data["relations"]) == out + into
    sources = [r["source"]["slug"] for r in data["relations"]]
    targets = [r["target"]["slug"] for r in data["relations"]]
    assert sources.count("astrazeneca") == out and targets.count("astrazeneca") == into


def test_topic_endpoints_mirror_their_pages(client, report):
    person = get_json(client, f"{API}/people/leon-wang/")
    assert person["roles"] and person["roles"][0]["company"]["slug"] == "astrazeneca"
    assert all(q["article"]["slug"] == REPORT_SLUG for q in person["quotes"])
    event = get_json(client, f"{API}/events/ciie-4/")
    assert event["series"]["slug"] == "china-international-import-expo"
    assert event["participations"]
    tag = get_json(client, f"{API}/tags/shanghai/")
    assert tag["type"] == "tag" and tag["articles"][0]["slug"] == REPORT_SLUG
    assert any(entry["kind"] == "article" for entry in event["timeline"] + person["timeline"])


def test_directories_list_every_public_row_once_in_slug_order(client, report):
    for group, model in (("companies", Company), ("tags", Tag)):
        rows = walk(client, f"{API}/{group}/", limit=3)
        slugs = [row["slug"] for row in rows]
        assert slugs == sorted(set(slugs))
        assert set(slugs) == set(model.objects.public().values_list("slug", flat=True))
    astrazeneca = next(r for r in walk(client, f"{API}/companies/") if r["slug"] == "astrazeneca")
    assert astrazeneca["coverage"] == 1


def test_an_intersection_shows_the_articles_and_the_cited_links_of_both(client, report):
    data = get_json(client, f"{API}/together/event/ciie-4/company/astrazeneca/")
    assert (data["first"]["slug"], data["second"]["slug"]) == ("astrazeneca", "ciie-4")
    assert [a["slug"] for a in data["articles"]] == [REPORT_SLUG]
    assert data["connections"] and {c["type"] for c in data["connections"]} <= {
        "relation",
        "participation",
        "role",
    }
    for link in data["connections"]:
        assert link["citation"]["passage"] in report.source_text()
    assert data["web_url"].endswith("/together/company/astrazeneca/event/ciie-4/")
    get_json(client, f"{API}/together/company/astrazeneca/company/astrazeneca/", status=404)
    get_json(client, f"{API}/together/company/astrazeneca/tag/no-such/", status=404)


def test_search_finds_articles_and_entities(client, report):
    data = get_json(client, f"{API}/search/", q="AstraZeneca")
    assert data["articles"][0]["slug"] == REPORT_SLUG
    assert "astrazeneca" in {c["slug"] for c in data["companies"]}


# --- never more than the site ---------------------------------------------------------


@pytest.fixture
def unpublished(report):
    """A draft and a scheduled article, each about a company of its own that nothing
    live mentions, each the source of a fact about AstraZeneca."""
    drafts = {}
    for status, when in (
        (ArticleStatus.DRAFT, None),
        (ArticleStatus.PUBLISHED, timezone.now() + timedelta(days=2)),
    ):
        slug = f"secret-{status}"
        article = make_article(slug, status=status, published_at=when, body="Secret deal done.")
        company = make_company(f"hidden-{status}")
        article.companies.add(company)
        Fact.objects.create(
            company=Company.objects.get(slug="astrazeneca"),
            label="Secret",
            value="deal",
            citation=make_citation(article, "Secret deal done."),
        )
        drafts[slug] = company.slug
    return drafts


def test_drafts_and_scheduled_articles_are_nowhere_in_the_api(client, unpublished):
    listed = {a["slug"] for a in walk(client, f"{API}/articles/")}
    assert listed == {REPORT_SLUG}
    for article, company in unpublished.items():
        get_json(client, f"{API}/articles/{article}/", status=404)
        get_json(client, f"{API}/companies/{company}/", status=404)
        get_json(client, f"{API}/articles/", status=400, company=company)
    facts = get_json(client, f"{API}/companies/astrazeneca/")["facts"]
    assert "Secret" not in {fact["label"] for fact in facts}
    found = get_json(client, f"{API}/search/", q="Secret deal")
    assert found["articles"] == [] and found["companies"] == []
    directory = {row["slug"] for row in walk(client, f"{API}/companies/")}
    assert not directory & set(unpublished.values())


# --- filters, paging, fields --------------------------------------------------------------


@pytest.fixture
def archive(report):
    now = timezone.now()
    acme = make_company("acme")
    for n in range(7):
        article = make_article(
            f"story-{n}", published_at=now - timedelta(days=n + 1), section="Markets"
        )
        if n % 2:
            article.companies.add(acme)
    return acme


def test_article_list_walks_every_article_newest_first_without_repeats(client, archive):
    rows = walk(client, f"{API}/articles/", limit=2)
    assert [r["slug"] for r in rows[:3]] == ["story-0", "story-1", "story-2"]
    assert rows[-1]["slug"] == REPORT_SLUG  # the oldest
    times = [r["published_at"] for r in rows]
    assert times == sorted(times, reverse=True)
    assert len(rows) == len({r["slug"] for r in rows}) == 8


def test_article_list_filters(client, archive):
    about_acme = {r["slug"] for r in walk(client, f"{API}/articles/", company="acme")}
    assert about_acme == {"story-1", "story-3", "story-5"}
    markets = {r["slug"] for r in walk(client, f"{API}/articles/", section="Markets")}
    assert markets == {f"story-{n}" for n in range(7)}
    day = (timezone.now() - timedelta(days=3)).date().isoformat()
    assert {r["slug"] for r in walk(client, f"{API}/articles/", since=day, until=day)} == {
        "story-2"
    }


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "zz"},
        {"cursor": "bm90LWEtY3Vyc29y"},
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "x"},
        {"since": "yesterday"},
        {"until": "2026-13-40"},
        {"fields": "title,password"},
        {"company": "no-such-company"},
    ],
)
def test_bad_query_parameters_get_a_problem_document_naming_them(client, report, params):
    response = client.get(f"{API}/articles/", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"]
    assert set(problem["errors"]) == set(params)


def test_fields_keeps_only_the_fields_asked_for_on_every_endpoint(client, report):
    for path in (
        f"{API}/articles/{REPORT_SLUG}/",
        f"{API}/companies/astrazeneca/",
        f"{API}/people/leon-wang/",
        f"{API}/events/ciie-4/",
        f"{API}/tags/shanghai/",
    ):
        assert set(get_json(client, path, fields="slug,web_url")) == {"slug", "web_url"}
    together = f"{API}/together/company/astrazeneca/event/ciie-4/"
    assert set(get_json(client, together, fields="first,web_url")) == {"first", "web_url"}
    for path in (f"{API}/articles/", f"{API}/companies/", f"{API}/tags/"):
        page = get_json(client, path, fields="slug")
        assert page["results"] and all(set(row) == {"slug"} for row in page["results"])


# --- refusals --------------------------------------------------------------------------


def test_unknown_addresses_and_writes_are_refused_as_problem_documents(client, report):
    response = client.get(f"{API}/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "/api/v1/docs/" in response.json()["detail"]
    response = client.post(f"{API}/articles/", {"title": "x"}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["status"] == 405 and "GET" in response["Allow"]
    assert get_json(client, f"{API}/companies/no-such/", status=404)["title"] == "Not found."


def test_a_slug_no_database_accepts_is_a_404_not_a_500(client, report):
    assert client.get(f"{API}/companies/a%00b/").status_code == 404
    for name in ("tag", "section", "fields", "cursor", "limit"):
        assert client.get(f"{API}/articles/", {name: "a\x00b"}).status_code == 400
    assert client.get(f"{API}/search/", {"q": "\x00"}).status_code == 400


# --- caching, conditional requests, CORS ------------------------------------------------


def test_responses_carry_the_pages_dependency_keys_and_answer_304(client, report):
    path = f"{API}/companies/astrazeneca/"
    first = client.get(path)
    company = Company.objects.get(slug="astrazeneca")
    keys = first["Surrogate-Key"].split()
    assert f"company:{company.pk}" in keys and f"about:company:{company.pk}" in keys
    assert f"article:{report.pk}" in keys
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert client.get(path)["X-Page-Cache"] == "hit"


def test_a_rename_reaches_the_cached_api_response_at_once(client, report):
    path = f"{API}/articles/{REPORT_SLUG}/"
    assert client.get(path)["X-Page-Cache"] == "miss"
    company = Company.objects.get(slug="astrazeneca")
    company.name = "AstraZeneca plc"
    company.save()
    response = client.get(path)
    assert response["X-Page-Cache"] == "miss"
    assert "AstraZeneca plc" in {c["name"] for c in response.json()["companies"]}


def test_any_site_may_read_but_no_browser_may_write(client, report):
    response = client.get(f"{API}/articles/", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        f"{API}/articles/",
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "POST" not in preflight.get("Access-Control-Allow-Methods", "")
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN="https://x.example")


def test_a_client_that_says_who_it_is_is_not_served_from_the_shared_cache(client, report):
    path = f"{API}/articles/"
    client.get(path)
    assert client.get(path)["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in client.get(path, HTTP_AUTHORIZATION="Token abc")


# --- query budgets ------------------------------------------------------------------------


def queries(client, path, **params) -> int:
    with (
        override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=0),
        CaptureQueriesContext(connection) as context,
    ):
        assert client.get(path, params).status_code == 200
    return len(context)


BUDGETS = {
    f"{API}/articles/": 2,  # the page, its tags
    f"{API}/articles/{REPORT_SLUG}/": 7,  # as its page: tags, entities, roles, quotes
    f"{API}/companies/": 2,  # the rows, their counts
    f"{API}/companies/astrazeneca/": 9,  # as its page: facts, relations, roles, articles
    f"{API}/people/leon-wang/": 7,
    f"{API}/events/ciie-4/": 10,  # and the series' editions
    f"{API}/tags/shanghai/": 7,
    f"{API}/tags/": 1,  # the rows with their counts
    f"{API}/search/?q=AstraZeneca": 6,  # the ranking, each kind's matches, their tags
    f"{API}/together/company/astrazeneca/event/ciie-4/": 6,  # the pair, articles, links
}


@pytest.mark.parametrize("path, budget", BUDGETS.items())
def test_endpoints_stay_within_their_query_budget(client, report, path, budget):
    assert queries(client, path) <= budget


def test_query_counts_do_not_grow_with_page_size_or_related_rows(client, archive, report):
    before = {path: queries(client, path) for path in BUDGETS}
    small = queries(client, f"{API}/articles/", limit=1)
    astrazeneca = Company.objects.get(slug="astrazeneca")
    citation = make_citation(report, report.title)
    for n in range(30):
        tag = Tag.objects.create(name=f"Extra {n}", kind="place")
        report.tags.add(tag)
        astrazeneca.tags.add(tag)
        Fact.objects.create(company=astrazeneca, label=f"Extra {n}", value="x", citation=citation)
        extra = make_article(f"extra-{n}")
        extra.tags.add(tag)
        extra.companies.add(astrazeneca)  # on the company's list, with its tags
    assert {path: queries(client, path) for path in BUDGETS} == before
    assert queries(client, f"{API}/articles/", limit=100) == small


@pytest.mark.parametrize(
    "path",
    [f"{API}/articles/{REPORT_SLUG}/", f"{API}/companies/astrazeneca/", f"{API}/tags/shanghai/"],
)
def test_a_detail_kept_as_a_panel_reads_only_its_subject(client, report, path):
    """As for pages (articles/fragments.py): after a write that did not change it, a
    response costs its one lookup."""
    with override_settings(PAGE_CACHE_SECONDS=0):
        first = client.get(path).json()
        with CaptureQueriesContext(connection) as context:
            again = client.get(path).json()
    assert len(context) == 1 and again == first


# --- the schema ---------------------------------------------------------------------------


def test_the_schema_is_openapi_3_1_and_valid(client, report):
    import yaml
    from openapi_spec_validator import validate

    response = client.get(f"{API}/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.1")
    validate(schema)
    assert f"{API}/companies/{{slug}}/" in schema["paths"]


def test_the_committed_schema_is_the_one_the_code_makes(settings):
    """docs/openapi.yaml is what `make openapi` writes; CI fails when they differ."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("spectacular", "--validate", stdout=out)
    committed = (settings.BASE_DIR / "docs" / "openapi.yaml").read_text()
    assert out.getvalue() == committed, "run `make openapi` and commit docs/openapi.yaml"


def test_the_docs_page_loads_its_script_from_a_file_under_the_sites_policy(client, report):
    response = client.get(f"{API}/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert b"<script>" not in response.content and b"<style" not in response.content
    script = client.get(f"{API}/docs/", {"script": ""})
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
    assert json.dumps(f"{API}/schema/")[1:-1] in script.content.decode()
