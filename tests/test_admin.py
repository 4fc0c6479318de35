"""The admin: registration, grouping, changelists and their query budgets."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Autosave, Company, Event, Fact, Person, Tag

from .admin_helpers import make_user
from .conftest import REPORT_SLUG
from .factories import make_article
from .html import parse, text

pytestmark = pytest.mark.django_db

# Autosaved copies are each editor's own, reached through the article form only.
CONTENT_MODELS = [m for m in apps.get_app_config("articles").get_models() if m is not Autosave]


def test_every_model_is_in_the_admin():
    assert CONTENT_MODELS
    for model in CONTENT_MODELS:
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_changelist_add_and_change_pages_open(admin_client, report, model):
    info = (model._meta.app_label, model._meta.model_name)
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert admin_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
    first = model.objects.first()
    if first is not None:
        change = reverse("admin:{}_{}_change".format(*info), args=[first.pk])
        assert admin_client.get(change).status_code == 200


def test_admin_is_branded_and_grouped(admin_client):
    doc = parse(admin_client.get("/admin/"))
    assert text(doc.find(".//title")) == "Newsroom | Newsroom admin"
    assert text(doc.cssselect("#site-name")[0]) == "Newsroom"
    # The index's own sections, in order and first (third-party apps such as Axes
    # follow): the header's "Newsroom" does not count.
    sections = [text(c) for c in doc.cssselect("#content-main .module caption")]
    assert sections[:4] == ["Newsroom", "Directory", "Sources and facts", "Accounts"]


def test_admin_needs_a_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[0][0].startswith("/admin/login/")


def test_article_changelist_shows_what_editors_scan_for(admin_client, report):
    report_author = make_user("desk-writer")
    report_author.first_name, report_author.last_name = "Staff", "Writer"
    report_author.save()
    report.created_by = report_author
    report.save()
    doc = parse(admin_client.get("/admin/articles/article/"))
    # The table's own headers and cells: the nav sidebar and filters name the same words.
    headers = [text(th) for th in doc.cssselect("#result_list thead th")]
    for column in ("Title", "State", "Author", "Section", "Tags", "Companies · people · events"):
        assert column in headers, headers
    [row] = doc.cssselect("#result_list tbody tr")
    cell = {c.get("class").split()[0]: text(c) for c in row.cssselect("td, th")}
    assert cell["field-section"] == "Special Reports"
    assert cell["field-state_chip"] == "Published"
    assert cell["field-author"] == report_author.get_full_name()
    # A count, not the list of 22 names.
    assert cell["field-tag_count"] == str(report.tags.count())
    assert cell["field-entities"] == " · ".join(
        str(getattr(report, field).count()) for field in ("companies", "people", "events")
    )
    filters = [text(h) for h in doc.cssselect("#changelist-filter summary, #changelist-filter h3")]
    for filter_title in ("By whose", "By state", "By section", "By tag kind", "By published at"):
        assert filter_title in filters, filters


@pytest.mark.parametrize(
    "query, expected",
    [("state=live", 1), ("state=draft", 1), ("state=review", 0), ("whose=mine", 1)],
)
def test_the_changelist_filters_by_state_and_by_whose(
    admin_client, admin_user, report, query, expected
):
    draft = make_article("a-draft", status="draft", published_at=None)
    draft.created_by = admin_user
    draft.save()
    doc = parse(admin_client.get(f"/admin/articles/article/?{query}"))
    assert len(doc.cssselect("#result_list tbody tr")) == expected, query


def count(client, path) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context)


CHANGELISTS = [
    "/admin/articles/article/",
    "/admin/articles/company/",
    "/admin/articles/person/",
    "/admin/articles/event/",
    "/admin/articles/tag/",
    "/admin/articles/citation/",
    "/admin/articles/fact/",
    "/admin/articles/companyrelation/",
    "/admin/articles/role/",
    "/admin/articles/participation/",
    "/admin/articles/quote/",
    "/admin/articles/taggeditem/",
]


def test_changelists_run_no_query_per_row(admin_client, report):
    before = {path: count(admin_client, path) for path in CHANGELISTS}
    shanghai = Tag.objects.get(slug="shanghai")
    for n in range(30):
        article = make_article(f"more-{n}")
        article.tags.add(shanghai)
        article.companies.add(Company.objects.create(name=f"More {n}", slug=f"more-{n}"))
    after = {path: count(admin_client, path) for path in CHANGELISTS}
    assert after == before
    assert Article.objects.count() == 31


# The budget of each change form and of the desk, on the report's data: the number of
# queries a page may run, and proof that it does not grow with the rows it shows.
CHANGE_FORMS = {
    "desk": (lambda: "/admin/", 12),
    # The report by slug: "first" differs by engine once drafts without a date exist.
    "article": (lambda: f"/admin/articles/article/{_pk(Article, REPORT_SLUG)}/change/", 32),
    "company": (lambda: f"/admin/articles/company/{_pk(Company, 'astrazeneca')}/change/", 22),
    "person": (lambda: f"/admin/articles/person/{_pk(Person, 'leon-wang')}/change/", 14),
    "event": (lambda: f"/admin/articles/event/{_pk(Event, 'ciie-4')}/change/", 14),
    "tag": (lambda: f"/admin/articles/tag/{_pk(Tag, 'china')}/change/", 8),
}


def _pk(model, slug):
    return model.objects.get(slug=slug).pk


@pytest.mark.parametrize("name", list(CHANGE_FORMS))
def test_change_forms_and_the_desk_stay_within_their_query_budget(admin_client, report, name):
    url, budget = CHANGE_FORMS[name]
    citation = report.citations.first()
    # One row of each list first: growth is counted from one row to many.
    Fact.objects.create(tag=Tag.objects.get(slug="china"), label="E", value="x", citation=citation)
    count(admin_client, url())  # the first request warms per-process caches (content types)
    before = count(admin_client, url())
    assert before <= budget, f"{name}: {before} queries"
    # More of what the page lists: facts, tags, articles on the desk.
    shanghai = Tag.objects.get(slug="shanghai")
    company = Company.objects.get(slug="astrazeneca")
    for n in range(10):
        make_article(f"more-{n}", status="review", published_at=None).tags.add(shanghai)
        Fact.objects.create(company=company, label=f"Extra {n}", value="x", citation=citation)
        Fact.objects.create(
            tag=Tag.objects.get(slug="china"), label=f"E{n}", value="x", citation=citation
        )
    assert count(admin_client, url()) == before, name


def test_the_article_list_searches_every_state_through_the_full_text_index(admin_client, report):
    make_article("a-draft", status="draft", published_at=None, body="Investments in Ningbo.")
    make_article("other", body="Nothing about ports.")
    doc = parse(admin_client.get("/admin/articles/article/", {"q": "ningbo invest"}))
    titles = [text(a) for a in doc.cssselect("#result_list .field-title a")]
    assert titles == ["A Draft"]
    assert doc.cssselect("#searchbar")  # the box stays
