"""Anonymous pages come from the cache, and are never stale."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import page_cache, page_store
from articles.models import ArticleStatus, Company

from .conftest import REPORT_SLUG
from .factories import make_article

pytestmark = pytest.mark.django_db
COMPANY = "/companies/astrazeneca/"


def get(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    return response, len(queries)


def test_a_repeat_visit_is_served_from_the_cache_without_queries(client, report):
    first, _ = get(client, COMPANY)
    second, queries = get(client, COMPANY)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert queries == 0
    assert second.content == first.content


def test_an_edit_shows_at_once(client, report):
    get(client, COMPANY)
    company = Company.objects.get(slug="astrazeneca")
    company.description = "Freshly edited description."
    company.save()
    response, _ = get(client, COMPANY)
    assert response["X-Page-Cache"] == "miss"
    assert "Freshly edited description." in response.content.decode()


def test_publishing_and_unpublishing_show_at_once(client, report):
    get(client, "/")
    article = make_article("breaking", status=ArticleStatus.DRAFT, published_at=None)
    assert "Breaking" not in get(client, "/")[0].content.decode()
    article.status, article.published_at = ArticleStatus.PUBLISHED, timezone.now()
    article.save()
    assert "Breaking" in get(client, "/")[0].content.decode()
    article.status = ArticleStatus.DRAFT
    article.save()
    assert "Breaking" not in get(client, "/")[0].content.decode()


def test_tagging_and_linking_show_at_once(client, report):
    get(client, "/companies/abbisko/")
    report.companies.remove(Company.objects.get(slug="abbisko"))
    html = get(client, "/companies/abbisko/")[0].content.decode()
    assert f'href="/articles/{REPORT_SLUG}/"' not in html


def test_pages_are_kept_no_longer_than_the_next_scheduled_publication(client, report, monkeypatch):
    make_article("soon", published_at=timezone.now() + timedelta(seconds=90))
    stored = {}
    store = page_store.store()
    real_put = store.put

    def spy(digest, entry, ttl, since):
        stored[digest] = ttl
        return real_put(digest, entry, ttl, since)

    monkeypatch.setattr(store, "put", spy)
    get(client, "/")
    # The page and each of its panels (articles/fragments.py).
    timeouts = [ttl for digest, ttl in stored.items() if digest != page_cache.NEXT_PUBLICATION]
    assert len(timeouts) > 1
    assert all(0 < timeout <= 90 for timeout in timeouts)


def test_with_nothing_scheduled_pages_keep_the_default_time(client, report, settings):
    assert page_cache.page_ttl() == settings.PAGE_CACHE_SECONDS


def test_scheduling_an_article_shortens_what_is_already_known(client, report):
    assert page_cache.seconds_until_next_publication() is None
    make_article("later", published_at=timezone.now() + timedelta(seconds=120))
    assert 0 < page_cache.seconds_until_next_publication() <= 120


def test_conditional_get_answers_304(client, report):
    first, _ = get(client, COMPANY)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert get(client, COMPANY, HTTP_IF_NONE_MATCH=etag)[0].status_code == 304
    assert get(client, COMPANY, HTTP_IF_MODIFIED_SINCE=modified)[0].status_code == 304
    company = Company.objects.get(slug="astrazeneca")
    company.description = "Changed."
    company.save()
    assert get(client, COMPANY, HTTP_IF_NONE_MATCH=etag)[0].status_code == 200


def test_staff_always_get_a_fresh_page(client, admin_user, report):
    get(client, COMPANY)
    client.force_login(admin_user)
    response, queries = get(client, COMPANY)
    assert "X-Page-Cache" not in response and queries > 0


def test_errors_and_search_misses_are_not_cached(client, report):
    get(client, "/companies/nope/")
    assert "X-Page-Cache" not in get(client, "/companies/nope/")[0]
    for _ in range(2):
        response = client.get("/search/", {"q": "zebra unicorn"})
        assert response.status_code == 200 and not response.context["results"].total
        assert "X-Page-Cache" not in response


def test_search_hits_are_cached(client, report):
    assert client.get("/search/", {"q": "Shanghai"})["X-Page-Cache"] == "miss"
    assert client.get("/search/", {"q": "Shanghai"})["X-Page-Cache"] == "hit"


def test_workers_of_one_machine_share_invalidations(settings, client, report):
    """With the local store, another process's save reaches this one's pages."""
    import subprocess
    import sys
    from pathlib import Path

    if settings.REDIS_URL:
        pytest.skip("the pages live in Redis, shared by every process")
    assert get(client, COMPANY)[0]["X-Page-Cache"] == "miss"
    assert get(client, "/companies/abbisko/")[0]["X-Page-Cache"] == "miss"
    company = Company.objects.get(slug="astrazeneca")
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='newsroom.settings'; "
        "django.setup(); from django.conf import settings; from pathlib import Path; "
        f"settings.PAGE_CACHE_JOURNAL = Path({str(settings.PAGE_CACHE_JOURNAL)!r}); "
        "from articles.page_cache import invalidate; "
        f"invalidate({{'list:company:{company.pk}'}})"
    )
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True, timeout=60)
    assert get(client, COMPANY)[0]["X-Page-Cache"] == "miss"  # it declared list:company:N
    assert get(client, "/companies/abbisko/")[0]["X-Page-Cache"] == "hit"  # it did not


@pytest.mark.django_db(transaction=True)
def test_an_unpublish_leaves_no_stale_page_for_a_reader_in_the_gap():
    """A reader on another connection renders while the takedown is saved but not yet
    committed: it sees the still-published row. Once the save returns, the page must
    be gone, not served from what that reader cached."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs two real connections, each seeing only committed rows: run with "
            "DATABASE_URL=postgres://… (SQLite's test database is one in-memory connection)"
        )
    article = make_article("takedown", title="Takedown candidate")
    path = article.get_absolute_url()
    assert Client().get(path).status_code == 200
    seen = {}

    def reader():
        try:
            response = Client().get(path)
            seen["status"], seen["cache"] = response.status_code, response.get("X-Page-Cache")
        finally:
            connection.close()  # this thread's own connection

    with transaction.atomic():
        article.status = ArticleStatus.DRAFT
        article.save()
        thread = threading.Thread(target=reader)
        thread.start()
        thread.join(timeout=60)
    # The reader really ran in the gap: it rendered the old, still-published row.
    assert seen == {"status": 200, "cache": "miss"}
    assert Client().get(path).status_code == 404


# --- what keys a page: one client must not be able to defeat the cache ----------------


def test_query_parameters_no_view_reads_neither_key_nor_reach_the_page(client, report):
    assert get(client, "/")[0]["X-Page-Cache"] == "miss"
    for path in ("/?utm_source=mail", "/?x=1", "/?x=2&utm_campaign=y", "/?page=7"):
        response, queries = get(client, path)
        assert response["X-Page-Cache"] == "hit" and queries == 0, path
    response = client.get("/companies/?utm_source=mail&x=3")
    assert response["X-Page-Cache"] == "miss"
    assert "utm_source" not in response.content.decode()
    assert client.get("/companies/")["X-Page-Cache"] == "hit"


def test_the_parameters_a_view_reads_still_key_their_pages(client, report):
    china = client.get("/search/?q=China&utm_source=mail")
    assert china["X-Page-Cache"] == "miss"
    assert client.get("/search/?q=China")["X-Page-Cache"] == "hit"
    shanghai = client.get("/search/?q=Shanghai")
    assert shanghai["X-Page-Cache"] == "miss" and shanghai.content != china.content
    # Repeated, the view reads the last value; so does the key.
    assert client.get("/search/?q=Nothing&q=China")["X-Page-Cache"] == "hit"


def test_a_stray_or_anonymous_session_cookie_is_served_from_the_cache(client, report):
    get(client, COMPANY)
    client.cookies["sessionid"] = "not-a-session"
    client.cookies["tracking"] = "abc"
    response, queries = get(client, COMPANY)
    assert response["X-Page-Cache"] == "hit" and queries == 0
    # Even a forged "signed in" marker only costs a session lookup, never a fresh page.
    client.cookies[page_cache.SIGNED_IN_COOKIE] = "1"
    response, queries = get(client, COMPANY)
    assert response["X-Page-Cache"] == "hit" and queries <= 1
    assert response.cookies[page_cache.SIGNED_IN_COOKIE].value == ""  # and it is cleared


def test_signing_in_and_out_through_the_admin_sets_and_clears_the_marker(client, admin_user):
    make_article("story")
    get(client, "/")
    client.get("/admin/login/")
    signed_in = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": admin_user.username,
            "password": "password",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert signed_in.status_code == 302
    assert signed_in.cookies[page_cache.SIGNED_IN_COOKIE].value == "1"
    assert "X-Page-Cache" not in client.get("/")  # fresh for staff
    signed_out = client.post(
        "/admin/logout/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert signed_out.cookies[page_cache.SIGNED_IN_COOKIE].value == ""
    assert client.get("/")["X-Page-Cache"] == "hit"
