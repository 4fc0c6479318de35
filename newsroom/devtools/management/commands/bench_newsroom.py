"""Measure the site while the newsroom works: readers on a Zipf mix, an editor saving.

Serves the site as `make run` does (gunicorn, production settings, the page cache
on) and drives it with wrk and newsroom/devtools/wrk/zipf.lua, which picks each
request from a list this command writes: 2,000 published articles (70% of requests),
the home page (10%) and 200 tag, company, person and event pages (20%; 50 of each,
spread from the most covered to the least), Zipf-like (s = 1.1) within each group.
Three conditions on the same server, one after the other: nobody edits, an editor
saves a different article every 10 s, and every second. The editor is a thread here
that changes an article's body through the ORM in a transaction, so the app's own
save signals run, and puts every body back afterwards. The static file (the site's
CSS) is measured in the same run, for the ratio. Writes the table to
docs/performance.md under a heading naming the database and the cache.
"""

import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db import connections as databases
from django.db.models import Count, Q
from django.templatetags.static import static

from articles.models import Article, Company, Event, Person, Tag
from newsroom.devtools.local_server import start_gunicorn
from newsroom.devtools.topology import ToolMissing, Varnish

from .benchmark import ACCEPT_GZIP, DOC, cache_name, machine, parse_wrk
from .benchmark import Command as Benchmark

LUA_SCRIPT = Path(__file__).resolve().parents[2] / "wrk" / "zipf.lua"
ZIPF_S = 1.1
WRK_TIMEOUT = 10
SHARES = {"article": 0.70, "home": 0.10, "topic": 0.20}
ARTICLES = 2_000
TOPICS_PER_KIND = 50
SEED = 13  # the same URLs on every run over the same database
CONDITIONS = (
    ("nobody edits", None),
    ("an editor saves every 10 s", 10.0),
    ("an editor saves every second", 1.0),
)
MARKER = "Benchmark edit"
# New tables go above this line in docs/performance.md, under the command's notes.
ANCHOR = "<!-- bench-newsroom tables above -->"


# --- what readers ask for -------------------------------------------------------------


@dataclass
class UrlList:
    articles: list[tuple[int, str]]  # (pk, path), most read first
    topics: list[str]  # tag, company, person and event pages, most read first
    home: str = "/"

    def lines(self) -> list[str]:
        """The file zipf.lua reads: each group's share, then its paths by rank."""
        lines = [f"share {group} {share:.2f}" for group, share in SHARES.items()]
        lines += [f"article {path}" for _, path in self.articles]
        lines += [f"home {self.home}"]
        lines += [f"topic {path}" for path in self.topics]
        return lines

    def __len__(self) -> int:
        return len(self.articles) + 1 + len(self.topics)


def spread(ranked: list, k: int) -> list:
    """k items of `ranked` evenly spaced from its first to its last."""
    if len(ranked) <= k:
        return list(ranked)
    return [ranked[round(i * (len(ranked) - 1) / (k - 1))] for i in range(k)]


def choose_urls(*, articles: int = ARTICLES, per_kind: int = TOPICS_PER_KIND) -> UrlList:
    """Published articles sampled across the archive, newest read most; topic pages
    spread over the whole range of coverage (not only the most covered), the most
    covered of each kind read most."""
    rng = random.Random(SEED)  # noqa: S311 (a reproducible sample, not a secret)
    published = list(Article.objects.published().order_by("pk").values_list("pk", flat=True))
    if not published:
        raise CommandError("No published articles: run `manage.py load_report` first.")
    chosen = rng.sample(published, k=min(articles, len(published)))
    ranked = Article.objects.filter(pk__in=chosen).order_by("-published_at", "-pk")
    live = Article.objects.published().values("pk")
    article_type = ContentType.objects.get_for_model(Article)
    by_kind = []
    for model, coverage in (
        (Tag, Q(tagged_items__content_type=article_type, tagged_items__object_id__in=live)),
        (Company, Q(articles__in=live)),
        (Person, Q(articles__in=live)),
        (Event, Q(articles__in=live)),
    ):
        # Ranked by live articles; a page with none is not public (it answers 404).
        covered = (
            model.objects.annotate(n=Count("pk", filter=coverage))
            .filter(n__gt=0)
            .order_by("-n", "pk")
            .values_list("pk", flat=True)
        )
        pks = spread(list(covered), per_kind)
        public = model.objects.public().in_bulk(pks)
        by_kind.append([public[pk].get_absolute_url() for pk in pks if pk in public])
    # Interleaved, so that each kind has pages at every rank.
    topics = [
        kinds[i] for i in range(max(map(len, by_kind))) for kinds in by_kind if i < len(kinds)
    ]
    return UrlList(articles=[(a.pk, a.get_absolute_url()) for a in ranked], topics=topics)


def run_static(base, url_file: Path, duration, connections, **wrk) -> dict:
    """The static file, driven through zipf.lua like the pages (a list of one path), so
    both pay the same client: plain wrk answers far faster than wrk running Lua on
    every response, and the ratio would measure wrk. `wrk`: run_zipf's options."""
    static_file = url_file.with_name("bench-newsroom-static.txt")
    static_file.write_text(f"share static 1.00\nstatic {static('css/site.css')}\n")
    return run_zipf(base, static_file, duration, connections, **wrk)


# --- reading wrk --------------------------------------------------------------------


def parse_zipf_output(output: str) -> dict:
    """wrk's figures plus the cache counts zipf.lua's done() prints."""
    figures = parse_wrk(output)
    line = re.search(r"^page-cache((?:\s+\w+=\d+)+)\s*$", output, re.MULTILINE)
    if not line:
        raise CommandError("wrk printed no page-cache line: is zipf.lua running?")
    counts = {name: int(value) for name, value in re.findall(r"(\w+)=(\d+)", line.group(1))}
    errors = counts["non2xx"] + counts["socket"]
    if not counts.get("counted", 1):  # read no headers: the caller counts hits
        return {**figures, "hits": None, "misses": None, "hit_ratio": None, "errors": errors}
    hits = counts["hit"] + counts["stale"]
    answered = hits + counts["miss"] + counts["absent"]
    return {
        **figures,
        "hits": hits,
        "misses": counts["miss"] + counts["absent"],
        "hit_ratio": hits / answered if answered else 0.0,
        "errors": errors,
    }


def run_zipf(
    base: str,
    url_file: Path,
    duration: int,
    connections: int,
    header: str = "X-Page-Cache",
    cpus=None,
    gzip: bool = False,
    edge=None,
) -> dict:
    """wrk over the mix. Through an `edge`, its own counters give the hits and wrk
    reads no response (zipf.lua's HEADER "-"), so that the client costs the same for
    every page as for the static file answered again and again."""
    if edge is not None:
        header, before = "-", edge.counters()
    output = subprocess.run(  # noqa: S603 (wrk, fixed arguments)
        [  # noqa: S607
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            # With wrk's default of 2 s, a page slower than that would count as an
            # error and drop out of p99, which is where it should show.
            f"--timeout={WRK_TIMEOUT}s",
            *(ACCEPT_GZIP if gzip else ()),
            "--latency",
            "-s",
            str(LUA_SCRIPT),
            base,
            "--",
            str(url_file),
            str(ZIPF_S),
            header,  # which response header says hit or miss
        ],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
    ).stdout
    result = parse_zipf_output(output)
    if edge is not None:
        after = edge.counters()
        hits, misses = (after[name] - before[name] for name in ("hit", "miss"))
        result |= {"hits": hits, "misses": misses, "hit_ratio": hits / ((hits + misses) or 1)}
    return result


# --- the editor ---------------------------------------------------------------------


@dataclass
class Editor:
    """Saves a different article each tick, and puts every body back afterwards."""

    article_pks: list[int]
    attempts: int = 0
    saves: int = 0
    errors: list[str] = field(default_factory=list)
    originals: dict[int, str] = field(default_factory=dict)

    def save_next(self) -> int:
        pk = self.article_pks[self.attempts % len(self.article_pks)]
        self.attempts += 1
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=pk)
            original = self.originals.setdefault(pk, article.body)
            article.body = f"{original}\n\n{MARKER} {self.attempts}: the desk updated this."
            article.save()
        self.saves += 1
        return pk

    def every(self, interval: float, stop: threading.Event) -> None:
        """Save at once, then every `interval` seconds until `stop` is set (a thread)."""
        started, ticks = time.monotonic(), 0
        try:
            while not stop.wait(max(0.0, started + ticks * interval - time.monotonic())):
                ticks += 1
                try:
                    self.save_next()
                except Exception as error:  # a failed save is a result, not a crash
                    self.errors.append(str(error))
        finally:
            databases.close_all()  # this thread's own connection

    def restore(self) -> None:
        for pk, body in self.originals.items():
            with transaction.atomic():
                article = Article.objects.get(pk=pk)
                article.body = body
                article.save()


def prime_every_page(base: str, url_file: Path, workers: int, connections: int) -> float:
    """Request every page of the mix twice a worker, as a server that has run for a
    while has: the conditions then measure the steady state, not a cold start."""
    from concurrent.futures import ThreadPoolExecutor

    rows = [line.split() for line in url_file.read_text().splitlines()]
    paths = [row[1] for row in rows if len(row) == 2 and row[0] != "share"]
    started = time.monotonic()

    def fetch(path):
        with contextlib.suppress(urllib.error.URLError, OSError):  # counted later, not here
            urllib.request.urlopen(base + path, timeout=60).read()  # noqa: S310 (loopback)

    with ThreadPoolExecutor(max_workers=connections) as pool:
        list(pool.map(fetch, paths * (2 * workers)))
    return time.monotonic() - started


# --- writing ------------------------------------------------------------------------


def default_label() -> str:
    return (
        f"bench-newsroom: {connection.vendor} + {cache_name()} cache, "
        f"{Article.objects.count():,} articles"
    )


def table(*, static: dict, rows: list[dict], meta: dict) -> str:
    primed = "every page was requested twice a worker and " if meta.get("prime") else ""
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}.",
        f"gunicorn {meta['workers']} sync workers, page cache on ({meta['cache']}); "
        f"wrk -t2 -c{meta['connections']} -d{meta['duration']}s with zipf.lua over "
        f"{meta['urls']:,} URLs (articles 70%, home 10%, tag/company/person/event pages 20%; "
        f"s = {ZIPF_S}), after {primed}"
        f"a {meta['warmup']} s warm-up; conditions in this order on "
        "one server.",
        "",
        "| condition | saves | req/s | ratio to static | p50 | p99 | cache hit ratio | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| static file | – | {static['rps']:,.0f} | 1.00 | {static['p50']} | {static['p99']} "
        f"| – | {static['errors']} |",
    ]
    for row in rows:
        ratio = row["rps"] / static["rps"] if static["rps"] else 0.0
        lines.append(
            f"| {row['condition']} | {row['saves']} | {row['rps']:,.0f} | {ratio:.3f} "
            f"| {row['p50']} | {row['p99']} | {row['hit_ratio']:.1%} | {row['errors']} |"
        )
    if meta.get("notes"):
        lines += ["", *meta["notes"]]
    return "\n".join(lines) + "\n"


def worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def edge_table(statics: list[dict], row: dict) -> str:
    static_rps = sum(turn["rps"] for turn in statics) / len(statics)
    ratio = row["rps"] / static_rps if static_rps else 0.0
    lines = [
        "Through the edge (Varnish with xkey in front of the same server, purged on every "
        "save; the static file through the same edge before and after the pages, the ratio "
        "to the mean of the two; hit ratio from the edge's own counters, wrk reading no "
        "response; the edge and wrk on the first core, the app server and the editor on "
        "the other, as on separate hosts):",
        "",
        "| condition | saves | req/s | ratio to static | p50 | p99 | edge hit ratio | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for turn in statics:
        lines.append(
            f"| static file, edge, {turn['turn']} | – | {turn['rps']:,.0f} "
            f"| {turn['rps'] / static_rps:.3f} | {turn['p50']} | {turn['p99']} "
            f"| {turn['hit_ratio']:.1%} | {turn['errors']} |"
        )
    lines.append(
        f"| {row['condition']} | {row['saves']} | {row['rps']:,.0f} | **{ratio:.3f}** "
        f"| {row['p50']} | {row['p99']} | {row['hit_ratio']:.1%} | {row['errors']} |"
    )
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--label", help="Heading in docs/performance.md.")
        parser.add_argument("--duration", type=int, default=30, help="Seconds per condition.")
        parser.add_argument("--warmup", type=int, default=30, help="Seconds before the first.")
        parser.add_argument(
            "--no-prime",
            dest="prime",
            action="store_false",
            help="Do not request every page before the warm-up (measure a cold start).",
        )
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-write", action="store_true", help="Print only.")
        parser.add_argument(
            "--no-edge",
            dest="edge",
            action="store_false",
            help="Skip the last condition, through Varnish in front of the same server.",
        )

    def handle(
        self, *args, label, duration, warmup, prime, connections, workers, no_write, edge, **options
    ):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed: apt-get install wrk")
        cache_seconds = os.environ.get("PAGE_CACHE_SECONDS", "300").strip()
        if cache_seconds in ("", "0"):
            raise CommandError("This measures the page cache: unset PAGE_CACHE_SECONDS=0.")
        label = label or default_label()
        call_command("collectstatic", interactive=False, verbosity=0)
        urls = choose_urls()
        settings.VAR_DIR.mkdir(exist_ok=True)
        url_file = settings.VAR_DIR / "bench-newsroom-urls.txt"
        url_file.write_text("\n".join(urls.lines()) + "\n")
        self.stdout.write(f"{label}: {len(urls):,} URLs in {url_file.name}")
        log_path = settings.VAR_DIR / "bench-newsroom-gunicorn.log"
        with open(log_path, "w") as log:
            server, base = start_gunicorn(
                workers=workers,
                env={"PAGE_CACHE_SECONDS": cache_seconds, "DJANGO_LOG_LEVEL": "WARNING"},
                output=log,
            )
        editor = Editor(
            article_pks=random.Random(SEED).sample(  # noqa: S311
                [pk for pk, _ in urls.articles], k=len(urls.articles)
            )
        )
        try:
            self.check_pages(base, urls)
            if prime:
                seconds = prime_every_page(base, url_file, workers, connections)
                self.stdout.write(f"  primed every page in {seconds:.0f} s")
            if warmup:
                run_zipf(base, url_file, warmup, connections)
            static_row = run_static(base, url_file, duration, connections)
            self.stdout.write(f"  {'static file':<30} {static_row['rps']:>9,.0f} req/s")
            rows = [
                self.condition(name, interval, editor, base, url_file, duration, connections)
                for name, interval in CONDITIONS
            ]
            edge_rows = (
                self.through_the_edge(base, url_file, duration, connections, editor, server)
                if edge
                else None
            )
            rss = Benchmark.worker_rss(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            editor.restore()
        tracebacks = log_path.read_text().count("Traceback")
        notes = [f"Largest worker RSS after the run: {rss:.0f} MB."]
        if editor.errors:
            notes.append(f"Failed saves: {len(editor.errors)} ({editor.errors[0]}).")
        if tracebacks:
            notes.append(f"Tracebacks in the server log: {tracebacks}.")
        meta = {
            "workers": workers,
            "cache": cache_name(),
            "connections": connections,
            "duration": duration,
            "urls": len(urls),
            "warmup": warmup,
            "prime": prime,
            "notes": notes,
        }
        text = table(static=static_row, rows=rows, meta=meta)
        if edge_rows:
            text += "\n" + edge_table(*edge_rows)
        self.stdout.write(text)
        if not no_write:
            Benchmark.write(label, text, before=ANCHOR)
            self.stdout.write(
                self.style.SUCCESS(f"Written to {DOC.relative_to(settings.BASE_DIR)}.")
            )

    def condition(
        self,
        name,
        interval,
        editor,
        base,
        url_file,
        duration,
        connections,
        **wrk,
    ) -> dict:
        """The mix for `duration` while the editor saves every `interval` seconds (never,
        if 0). `wrk`: run_zipf's options."""
        before = editor.saves
        stop = threading.Event()
        thread = None
        if interval:
            thread = threading.Thread(target=editor.every, args=(interval, stop))
            thread.start()
        try:
            result = run_zipf(base, url_file, duration, connections, **wrk)
        finally:
            stop.set()
            if thread:
                thread.join()
        row = {"condition": name, "saves": editor.saves - before, **result}
        self.stdout.write(
            f"  {name:<30} {row['rps']:>9,.0f} req/s, hit ratio {row['hit_ratio']:.1%}, "
            f"p99 {row['p99']}, {row['saves']} saves, {row['errors']} errors"
        )
        return row

    def through_the_edge(self, base, url_file, duration, connections, editor, server):
        """Varnish (deploy/varnish/newsroom.vcl) in front of the same server, purged by
        the editor's saves; the static file through the same edge for the ratio.

        In production the edge has a host of its own; here, with two cores or more, the
        edge and wrk get the first core and the app server and the editor the rest, so
        that the app's renders do not take the edge's CPU."""
        parts = urlsplit(base)
        cpus = sorted(os.sched_getaffinity(0))
        edge_cpus, app_cpus = ({cpus[0]}, set(cpus[1:])) if len(cpus) > 1 else (None, None)
        if app_cpus:
            for pid in [server.pid, *worker_pids(server.pid)]:
                os.sched_setaffinity(pid, app_cpus)
            os.sched_setaffinity(0, app_cpus)  # this thread, and the editor it starts
        try:
            edge = Varnish(
                settings.VAR_DIR / "bench-edge", [(parts.hostname, parts.port)], cpus=edge_cpus
            )
        except ToolMissing as missing:
            self.stdout.write(f"  through the edge: skipped ({missing})")
            return None
        try:
            edge.wait_healthy()
            settings.EDGE_PURGE_URLS = [f"{edge.url}/"]
            prime_every_page(edge.url, url_file, 1, connections)

            # The static file before and after the pages: the ratio is to the mean of
            # the two, so that the machine drifting during the run cancels out.
            def static_turn(turn: str) -> dict:
                result = run_static(
                    edge.url, url_file, duration, connections, cpus=edge_cpus, gzip=True, edge=edge
                )
                self.stdout.write(
                    f"  {'static file, edge, ' + turn:<30} {result['rps']:>9,.0f} req/s"
                )
                return result | {"turn": turn}

            before = static_turn("before")
            row = self.condition(
                "through the edge, an editor saves every second",
                1.0,
                editor,
                edge.url,
                url_file,
                duration,
                connections,
                cpus=edge_cpus,
                gzip=True,
                edge=edge,
            )
            statics = [before, static_turn("after")]
        finally:
            settings.EDGE_PURGE_URLS = []
            edge.stop()
            os.sched_setaffinity(0, cpus)
        return statics, row

    @staticmethod
    def check_pages(base: str, urls: UrlList) -> None:
        """Fail early, and say which, if a page of each group does not answer 200."""
        for path in (urls.home, urls.articles[0][1], urls.articles[-1][1], *urls.topics[:4]):
            try:
                urllib.request.urlopen(base + path, timeout=30).read()  # noqa: S310
            except urllib.error.HTTPError as error:
                raise CommandError(f"{path} answered {error.code}") from error
            except OSError as error:  # a page slower than the wait is as good as down
                raise CommandError(f"{path} did not answer in 30 s: {error}") from error
