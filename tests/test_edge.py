"""The edge cache: a real Varnish with xkey, the repository's VCL, in front of the app.

Readers are served from the edge; a committed write purges exactly the pages that
carry its keys before the save returns; editors and the admin always reach the app.
"""

import gzip
import http.client
import shutil
import time
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from articles.models import Article, ArticleStatus
from newsroom.devtools.management.commands import bench_newsroom

from .admin_helpers import make_user
from .conftest import REPORT_SLUG
from .edge import varnish, varnish_edge
from .test_bench_newsroom import FakeSite, serving, url_file
from .tools import require

pytestmark = pytest.mark.django_db(transaction=True)


def fetch(base: str, path: str, *, method="GET", headers=None, source="127.0.0.1"):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=10, source_address=(source, 0)
    )
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture
def edge(live_server, settings, tmp_path):
    call_command("load_report", verbosity=0)
    parts = urlsplit(live_server.url)
    with varnish(tmp_path / "varnish", [(parts.hostname, parts.port)]) as (url, admin):
        settings.EDGE_PURGE_URLS = [url]
        yield url, admin


@pytest.fixture
def report_path():
    return f"/articles/{REPORT_SLUG}/"


def test_a_page_is_kept_at_the_edge_and_a_committed_save_purges_it(edge, report_path):
    url, _ = edge
    status, headers, _ = fetch(url, report_path)
    assert (status, headers["X-Edge-Cache"]) == (200, "miss")
    status, headers, body = fetch(url, report_path)
    assert (status, headers["X-Edge-Cache"]) == (200, "hit")
    # Keys and edge lifetimes stay between the app and the edge.
    assert not {"Surrogate-Key", "Surrogate-Control", "xkey"} & set(headers)

    article = Article.objects.get(slug=REPORT_SLUG)
    article.title = "AstraZeneca grows its footprint: a headline changed at the desk"
    article.save()  # autocommit: on_commit purges before save() returns
    status, headers, body = fetch(url, report_path)
    assert (status, headers["X-Edge-Cache"]) == (200, "miss")
    assert b"a headline changed at the desk" in body


def test_a_save_purges_only_the_pages_that_show_it(edge):
    url, _ = edge
    fetch(url, "/companies/")
    fetch(url, "/tags/")
    article = Article.objects.get(slug=REPORT_SLUG)
    article.standfirst = "A new standfirst."
    article.save()  # its text: its own page and the lists showing it, not the directories
    assert fetch(url, "/companies/")[1]["X-Edge-Cache"] == "hit"
    assert fetch(url, "/tags/")[1]["X-Edge-Cache"] == "hit"


def test_an_unpublished_article_answers_404_at_once(edge, report_path):
    url, _ = edge
    assert fetch(url, report_path)[0] == 200
    assert fetch(url, report_path)[1]["X-Edge-Cache"] == "hit"
    article = Article.objects.get(slug=REPORT_SLUG)
    article.status = ArticleStatus.DRAFT
    article.save()
    assert fetch(url, report_path)[0] == 404


def test_a_purge_from_an_address_not_allowed_is_refused(edge, report_path):
    url, _ = edge
    fetch(url, report_path)
    status, _, body = fetch(
        url, "/", method="PURGE", headers={"xkey-purge": "site"}, source="127.0.0.2"
    )
    assert status == 403 and b"not allowed" in body
    assert fetch(url, report_path)[1]["X-Edge-Cache"] == "hit"  # nothing was purged
    status, _, _ = fetch(url, "/", method="PURGE", headers={"xkey-purge": "site"})
    assert status == 200
    assert fetch(url, report_path)[1]["X-Edge-Cache"] == "miss"


def test_an_editors_page_never_reaches_a_reader(edge, report_path, client):
    url, _ = edge
    article = Article.objects.get(slug=REPORT_SLUG)
    article.status = ArticleStatus.DRAFT
    article.save()
    client.force_login(make_user("desk", superuser=True))
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    status, headers, body = fetch(url, report_path, headers={"Cookie": cookies})
    assert status == 200 and b"Draft preview" in body
    assert headers["X-Edge-Cache"] == "pass"
    assert "private" in headers["Cache-Control"]
    # The reader after the editor: the draft is not theirs to see.
    assert fetch(url, report_path)[0] == 404
    status, headers, _ = fetch(url, "/admin/login/")
    assert headers["X-Edge-Cache"] == "pass"


def test_no_host_or_forwarded_header_poisons_the_edge(edge, report_path):
    url, _ = edge
    assert fetch(url, report_path, headers={"Host": "evil.example"})[0] == 400
    status, _, body = fetch(url, report_path, headers={"X-Forwarded-Host": "evil.example"})
    assert status == 200 and b"evil.example" not in body
    status, _, body = fetch(url, report_path)
    assert status == 200 and b"evil.example" not in body
    # Tracking parameters share the page's one copy.
    assert fetch(url, report_path + "?utm_source=x&utm_medium=y")[1]["X-Edge-Cache"] == "hit"


def test_html_is_compressed_at_the_edge(edge, report_path):
    url, _ = edge
    _, _, plain = fetch(url, report_path)
    _, headers, packed = fetch(url, report_path, headers={"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed) == plain
    assert len(packed) < len(plain) / 2


def test_readers_get_the_last_good_page_while_the_app_servers_are_down(edge, report_path, settings):
    url, admin = edge
    settings.PAGE_CACHE_SECONDS = 1  # the app lets the edge keep pages for a second
    assert fetch(url, report_path)[1]["X-Edge-Cache"] == "miss"
    admin("backend.set_health", "app1", "sick")
    time.sleep(1.5)  # the page's edge lifetime runs out
    status, headers, body = fetch(url, report_path)
    assert (status, headers["X-Edge-Cache"]) == (200, "stale")
    assert b"AstraZeneca" in body
    # A page the edge never had cannot be served: a message, and when to retry.
    status, headers, body = fetch(url, "/people/")
    assert status == 503 and headers["Retry-After"] == "30"
    assert b"briefly unavailable" in body


def test_the_edge_passes_a_request_id_on_to_the_app(edge, live_server):
    url, _ = edge
    status, headers, _ = fetch(url, "/companies/", headers={"X-Request-ID": "reader-7"})
    assert (status, headers["X-Request-ID"]) == (200, "reader-7")
    # One the edge made: its transaction id, which the app kept and echoed.
    status, headers, _ = fetch(url, "/people/")
    assert status == 200 and headers["X-Request-ID"].isdigit()


class CacheableSite(FakeSite):
    """Every page kept at the edge for a minute, but one that answers 404."""

    def do_GET(self):
        self.send_response(404 if self.path == "/tags/t1/" else 200)
        self.send_header("Surrogate-Control", "max-age=60")
        self.send_header("Surrogate-Key", "site")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


def test_make_bench_newsroom_counts_hits_by_the_edges_own_counters(tmp_path):
    """Through the edge the benchmark's wrk reads no response (so that a page costs
    the client no more than the static file); Varnish's counters give the hits."""
    require(shutil.which("wrk") is not None, "wrk is not installed (apt-get install wrk)")
    with (
        serving(CacheableSite) as address,
        varnish_edge(tmp_path / "varnish", [address]) as edge,
    ):
        urls = url_file(tmp_path)
        bench_newsroom.prime_every_page(edge.url, urls, workers=1, connections=4)
        # Each of the 121 paths fetched once, then the second request a hit.
        assert edge.counters() == {"miss": 121, "hit": 121}
        result = bench_newsroom.run_zipf(edge.url, urls, 1, 2, edge=edge)
        assert result["misses"] == 0 and result["hits"] > 121
        assert result["hit_ratio"] == 1.0
        assert result["errors"] > 0  # /tags/t1/'s 404s, counted by wrk itself
