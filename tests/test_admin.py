"""The admin: registration, grouping, changelists and their query budgets."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Company, Tag

from .factories import make_article
from .html import parse, text

pytestmark = pytest.mark.django_db

CONTENT_MODELS = list(apps.get_app_config("articles").get_models())


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
    doc = parse(admin_client.get("/admin/articles/article/"))
    # The table's own headers and cells: the nav sidebar and filters name the same words.
    headers = [text(th) for th in doc.cssselect("#result_list thead th")]
    for column in ("Title", "Status", "Section", "Companies", "People", "Events"):
        assert column in headers, headers
    [row] = doc.cssselect("#result_list tbody tr")
    cell = {c.get("class").split()[0]: text(c) for c in row.cssselect("td, th")}
    assert cell["field-section"] == "Special Reports"
    assert cell["field-companies_count"] == str(report.companies.count())
    assert cell["field-people_count"] == str(report.people.count())
    assert cell["field-events_count"] == str(report.events.count())
    filters = [text(h) for h in doc.cssselect("#changelist-filter summary, #changelist-filter h3")]
    for filter_title in ("By status", "By section", "By tag kind", "By published at"):
        assert filter_title in filters, filters


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
