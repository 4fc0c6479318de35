"""`make bench-newsroom`'s own logic: the URL mix, the Lua script, reading wrk, the table.

The full run needs wrk, 100,000 articles and minutes; these parts do not.
"""

import contextlib
import http.server
import json
import re
import shutil
import subprocess
import threading
from collections import Counter

import pytest
from django.core.management import call_command

from articles.models import Article, Company
from newsroom.devtools.management.commands import bench_newsroom
from newsroom.devtools.management.commands.bench_newsroom import (
    LUA_SCRIPT,
    MARKER,
    SHARES,
    Editor,
    UrlList,
    choose_urls,
    parse_zipf_output,
    spread,
    table,
)

from .tools import require

WRK_OUTPUT = """Running 30s test @ http://127.0.0.1:8000
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.00ms   20.00ms 400.00ms   90.00%
  Latency Distribution
     50%    5.10ms
     75%    9.00ms
     90%   30.00ms
     99%  120.50ms
  3450 requests in 30.00s, 40.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    115.00
Transfer/sec:      1.33MB
page-cache hit=2400 stale=100 miss=900 absent=50 non2xx=3 socket=1
"""


def test_reads_requests_latency_and_the_cache_counts():
    result = parse_zipf_output(WRK_OUTPUT)
    assert result["rps"] == 115.0
    assert (result["p50"], result["p99"]) == ("5.10ms", "120.50ms")
    # "stale" was served from the cache; no header counts as rendered.
    assert (result["hits"], result["misses"]) == (2500, 950)
    assert result["hit_ratio"] == pytest.approx(2500 / 3450)
    assert result["errors"] == 4  # three non-2xx answers, one socket error


def test_a_run_that_read_no_response_leaves_the_hits_to_the_caller():
    output = WRK_OUTPUT.replace(
        "page-cache hit=2400 stale=100 miss=900 absent=50 non2xx=3 socket=1",
        "page-cache hit=0 stale=0 miss=0 absent=0 non2xx=3 socket=1 counted=0",
    )
    result = parse_zipf_output(output)
    assert (result["hits"], result["misses"], result["hit_ratio"]) == (None, None, None)
    assert (result["rps"], result["errors"]) == (115.0, 4)


def test_the_edge_table_compares_with_the_static_file_before_and_after():
    statics = [
        {"turn": turn, "rps": rps, "p50": "1ms", "p99": "2ms", "hit_ratio": 1.0, "errors": 0}
        for turn, rps in (("before", 10_000.0), ("after", 9_000.0))
    ]
    row = {"condition": "through the edge", "saves": 15, "rps": 8_550.0, "p50": "1ms"}
    row |= {"p99": "3ms", "hit_ratio": 0.9995, "errors": 0}
    text = bench_newsroom.edge_table(statics, row)
    cells = {
        line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
        for line in text.splitlines()
        if line.startswith("| ") and "---" not in line
    }
    # 8,550 against the mean of 10,000 and 9,000.
    assert cells["through the edge"][:3] == ["15", "8,550", "**0.900**"]
    assert cells["through the edge"][-2:] == ["100.0%", "0"]
    assert cells["static file, edge, before"][2] == "1.053"
    assert cells["static file, edge, after"][2] == "0.947"


def test_the_table_gives_each_condition_against_the_static_file():
    static = {"rps": 4000.0, "p50": "3.90ms", "p99": "6.00ms", "errors": 0}
    rows = [
        {"condition": "nobody edits", "saves": 0, "rps": 2000.0, "p50": "4ms", "p99": "9ms"}
        | {"hit_ratio": 0.95, "errors": 0},
        {"condition": "an editor saves every second", "saves": 30, "rps": 40.0}
        | {"p50": "90ms", "p99": "600ms", "hit_ratio": 0.21, "errors": 2},
    ]
    meta = {"workers": 2, "cache": "Redis", "connections": 16, "duration": 30}
    text = table(static=static, rows=rows, meta=meta | {"urls": 2201, "warmup": 10})
    cells = {
        line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
        for line in text.splitlines()
        if line.startswith("| ") and "---" not in line
    }
    assert cells["static file"] == ["–", "4,000", "1.00", "3.90ms", "6.00ms", "–", "0"]
    assert cells["nobody edits"] == ["0", "2,000", "0.500", "4ms", "9ms", "95.0%", "0"]
    assert cells["an editor saves every second"][:3] == ["30", "40", "0.010"]
    assert cells["an editor saves every second"][-2:] == ["21.0%", "2"]
    assert "page cache on (Redis)" in text and "2,201 URLs" in text


def test_the_label_names_the_database_and_the_cache(db):
    label = bench_newsroom.default_label()
    assert re.fullmatch(
        r"bench-newsroom: (sqlite|postgresql) \+ [\w-]+ cache, [\d,]+ articles", label
    )
    assert bench_newsroom.cache_name("newsroom.cache_backends.ResilientRedisCache") == "Redis"
    locmem = "django.core.cache.backends.locmem.LocMemCache"
    assert bench_newsroom.cache_name(locmem) == "local-memory"


def test_spread_runs_from_the_first_to_the_last():
    assert spread(list(range(100)), 5) == [0, 25, 50, 74, 99]
    assert spread([1, 2], 5) == [1, 2]


@pytest.fixture
def small_site(db):
    counts = {"articles": 200, "companies": 40, "people": 60, "events": 30, "tags": 60}
    call_command("generate_demo_content", **counts, verbosity=0)


def test_the_url_mix(small_site):
    urls = choose_urls(articles=50, per_kind=10)
    paths = [path for _, path in urls.articles]
    assert len(set(paths)) == 50 and all(path.startswith("/articles/") for path in paths)
    articles = Article.objects.in_bulk([pk for pk, _ in urls.articles])
    assert all(a in Article.objects.published() for a in articles.values())
    # Newest first: the most read are the most recent.
    dates = [articles[pk].published_at for pk, _ in urls.articles]
    assert dates == sorted(dates, reverse=True)
    # 10 of each kind, interleaved, each kind from its most to its least covered.
    prefixes = ["/tags/", "/companies/", "/people/", "/events/"]
    assert len(urls.topics) == 40
    assert [next(p for p in prefixes if t.startswith(p)) for t in urls.topics[:4]] == prefixes
    companies = [t for t in urls.topics if t.startswith("/companies/")]
    coverage = {c.get_absolute_url(): c.articles.count() for c in Company.objects.all()}
    covered = sorted((n for n in coverage.values() if n), reverse=True)
    assert coverage[companies[0]] == covered[0]
    assert coverage[companies[-1]] == covered[-1] < covered[0]
    # The file zipf.lua reads: shares first, then each group's paths by rank.
    lines = urls.lines()
    assert lines[:3] == ["share article 0.70", "share home 0.10", "share topic 0.20"]
    assert sum(SHARES.values()) == pytest.approx(1.0)
    assert Counter(line.split()[0] for line in lines[3:]) == {"article": 50, "home": 1, "topic": 40}
    assert len(urls) == 91


def test_the_editor_saves_a_different_article_each_time_and_puts_them_back(small_site):
    pks = list(Article.objects.published().values_list("pk", flat=True)[:3])
    bodies = {a.pk: a.body for a in Article.objects.filter(pk__in=pks)}
    editor = Editor(article_pks=pks)
    assert [editor.save_next(), editor.save_next()] == pks[:2]
    assert editor.saves == 2
    assert MARKER in Article.objects.get(pk=pks[0]).body
    assert Article.objects.get(pk=pks[2]).body == bodies[pks[2]]
    editor.restore()
    assert {a.pk: a.body for a in Article.objects.filter(pk__in=pks)} == bodies


# --- the Lua script ---------------------------------------------------------------------

LUA_HARNESS = """
wrk = {format = function(method, path) return path end}
dofile(arg[1])
local thread = {set = function(self, k, v) _G[k] = v end, get = function(self, k) return _G[k] end}
setup(thread)
init({arg[2], "1.1"})
local counts = {}
for _ = 1, 50000 do
  local path = request()
  counts[path] = (counts[path] or 0) + 1
end
response(200, {["X-Page-Cache"] = "hit"}, "")
response(200, {["x-page-cache"] = "stale"}, "")
response(200, {["X-PAGE-CACHE"] = "miss"}, "")
response(404, {}, "")
done({errors = {connect = 0, read = 1, write = 0, timeout = 0, status = 1}}, nil, nil)
local parts = {}
for path, n in pairs(counts) do table.insert(parts, string.format("%q:%d", path, n)) end
print("{" .. table.concat(parts, ",") .. "}")
"""


def url_file(tmp_path):
    urls = UrlList(
        articles=[(n, f"/articles/a{n}/") for n in range(1, 101)],
        topics=[f"/tags/t{n}/" for n in range(1, 21)],
    )
    path = tmp_path / "urls.txt"
    path.write_text("\n".join(urls.lines()) + "\n")
    return path


def run_lua(tmp_path, harness_text: str) -> list[str]:
    """Run `harness_text` (which loads zipf.lua) under LuaJIT; its output's lines."""
    lua = shutil.which("luajit") or shutil.which("lua5.1") or shutil.which("lua")
    require(lua is not None, "no luajit or lua to run zipf.lua (apt-get install luajit)")
    harness = tmp_path / "harness.lua"
    harness.write_text(harness_text)
    run = subprocess.run(
        [lua, str(harness), str(LUA_SCRIPT), str(url_file(tmp_path))],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return run.stdout.strip().splitlines()


def test_the_lua_zipf_pick_under_luajit(tmp_path):
    cache_line, counts_line = run_lua(tmp_path, LUA_HARNESS)
    assert cache_line == "page-cache hit=1 stale=1 miss=1 absent=1 non2xx=1 socket=1 counted=1"
    counts = json.loads(counts_line)
    total = sum(counts.values())
    share = Counter()
    for path, n in counts.items():
        group = "home" if path == "/" else "article" if path.startswith("/articles/") else "topic"
        share[group] += n / total
    assert dict(share) == pytest.approx(SHARES, abs=0.02)
    # Zipf within a group: rank 1 against rank 10 is about 10^1.1, 12.6.
    assert 8 < counts["/articles/a1/"] / counts["/articles/a10/"] < 20
    assert counts.get("/articles/a100/", 0) < counts["/articles/a10/"]


LUA_UNCOUNTED = """
wrk = {format = function(method, path) return path end}
dofile(arg[1])
local thread = {set = function(self, k, v) _G[k] = v end, get = function(self, k) return _G[k] end}
setup(thread)
init({arg[2], "1.1", "-"})
local first = {}
for n = 1, 65536 do first[n] = request() end
local same = 0
for n = 1, 65536 do if request() == first[n] then same = same + 1 end end
print(tostring(response), same)
done({errors = {connect = 0, read = 0, write = 0, timeout = 0, status = 7}}, nil, nil)
"""


def test_the_lua_script_can_read_no_response_and_draws_its_requests_ahead(tmp_path):
    reader_line, cache_line = run_lua(tmp_path, LUA_UNCOUNTED)
    # No response(): wrk then parses no headers and hands Lua no body. The requests
    # were drawn in init(): the next 65,536 repeat the first, at no cost per request.
    assert reader_line.split() == ["nil", "65536"]
    # The statuses over 399 are wrk's own count.
    assert cache_line == "page-cache hit=0 stale=0 miss=0 absent=0 non2xx=7 socket=0 counted=0"


class FakeSite(http.server.BaseHTTPRequestHandler):
    """Answers like the site would: a hit, a stale copy, a miss, no header, a 500."""

    protocol_version = "HTTP/1.1"
    answers = {
        "/": (200, "hit"),
        "/articles/a1/": (200, "stale"),
        "/articles/a2/": (200, "miss"),
        "/tags/t1/": (500, None),
    }

    def do_GET(self):
        status, state = self.answers.get(self.path, (200, None))
        self.send_response(status)
        if state:
            self.send_header("X-Page-Cache", state)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(handler):
    """`handler` answering on a free loopback port; yields its address."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address
    finally:
        server.shutdown()
        server.server_close()


def test_wrk_runs_the_script_and_counts_by_header(tmp_path):
    require(shutil.which("wrk") is not None, "wrk is not installed (apt-get install wrk)")
    with serving(FakeSite) as address:
        base = f"http://127.0.0.1:{address[1]}"
        result = bench_newsroom.run_zipf(base, url_file(tmp_path), duration=1, connections=2)
    assert result["rps"] > 0
    assert result["hits"] > 0 and result["misses"] > 0
    assert 0 < result["hit_ratio"] < 1
    assert result["errors"] > 0  # /tags/t1/ answers 500
    assert re.fullmatch(r"[\d.]+\w+", result["p99"])
