"""Measure the site under gunicorn with wrk, as a reader sees it, and write it down.

Starts the site twice with production settings (DEBUG off, hashed static files):
once with the page cache off ("cold": every request renders) and once with it on
("warm"), and drives each page type with wrk. Every figure is also given as a
ratio to a static file served by the same server in the same run, which holds on a
noisy machine where absolute times do not. Writes the table, with the machine's
description, into docs/performance.md under a heading for this database.
"""

import os
import platform
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.templatetags.static import static
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import keyset, selectors
from articles.models import Article, Company, Event, Person, Tag
from newsroom.devtools.local_server import start_gunicorn

DOC = settings.BASE_DIR / "docs" / "performance.md"
# As every browser asks. Only for runs through the edge, which compresses pages: the app
# alone sends pages as they are (compression is the edge's job, issue 14), so asking it
# for gzip would compare a compressed static file with uncompressed pages.
ACCEPT_GZIP = ("-H", "Accept-Encoding: gzip")
# (name, PAGE_CACHE_SECONDS, FRAGMENT_CACHE_SECONDS) of each run of the server.
MODES = (("bare", "0", "0"), ("cold", "0", "300"), ("warm", "300", "300"))


def machine() -> str:
    cpu = "unknown CPU"
    try:
        model = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = model.group(1).strip() if model else cpu
    except OSError:
        pass
    memory = ""
    try:
        total = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)
        memory = f", {int(total) / 1024 / 1024:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    return (
        f"{os.cpu_count()} × {cpu}{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, Django {django.get_version()}"
    )


def parse_wrk(output: str) -> dict:
    """Requests per second, median and 99th percentile latency and errors from wrk's
    report (run with --latency)."""
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency.get("50", "?"),
        "p99": latency.get("99", "?"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def cache_name(backend: str | None = None) -> str:
    """What the page cache lives in, for the heading: Redis, local-memory, ..."""
    backend = backend or settings.CACHES["default"]["BACKEND"]
    if "redis" in backend.lower():
        return "Redis"
    if "locmem" in backend.lower():
        return "local-memory"
    return backend.rsplit(".", 1)[-1]


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--label", help="Heading in docs/performance.md (default: engine)")
        parser.add_argument("--duration", type=int, default=8, help="Seconds of wrk per page.")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-write", action="store_true", help="Print only.")

    def handle(self, *args, label, duration, connections, workers, no_write, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed: apt-get install wrk")
        # The database *and* the cache the pages were served from.
        label = label or (
            f"{connection.vendor} + {cache_name()} cache, {Article.objects.count():,} articles"
        )
        call_command("collectstatic", interactive=False, verbosity=0)
        pages = self.pages()
        queries = self.count_queries(pages)
        results = {}
        # Bare: nothing kept, every request draws every panel from the database. Cold:
        # no page kept, its panels are (a page a write made stale, but none of its
        # panels). Warm: the page cache.
        for mode, page_seconds, panel_seconds in MODES:
            env = {"PAGE_CACHE_SECONDS": page_seconds, "FRAGMENT_CACHE_SECONDS": panel_seconds}
            results[mode] = self.run_server(pages, env, duration, connections, workers)
        table = self.table(pages, queries, results, duration, connections, workers)
        self.stdout.write(table)
        if not no_write:
            self.write(label, table)
            self.stdout.write(
                self.style.SUCCESS(f"Written to {DOC.relative_to(settings.BASE_DIR)}.")
            )

    # --- what to measure ------------------------------------------------------------

    def pages(self) -> dict[str, str]:
        published = Article.objects.published()
        article = published.annotate(n=Count("tags")).order_by("-n", "-pk").first()
        company = Company.objects.annotate(n=Count("articles")).order_by("-n").first()
        person = Person.objects.annotate(n=Count("articles")).order_by("-n").first()
        event = Event.objects.annotate(n=Count("articles")).order_by("-n").first()
        tag = Tag.objects.annotate(n=Count("tagged_items")).order_by("-n").first()
        if not all((article, company, person, event, tag)):
            raise CommandError("No content to measure: run `manage.py load_report` first.")
        listing = selectors.article_listing()
        total = listing.count()
        deep_index = min(total - 1, 1000 * 20 - 1)
        deep = listing[deep_index] if total > 1 else None
        deep_url = f"/articles/?before={keyset.encode(deep)}" if deep else "/articles/"
        # A realistic query: a company's name, neither the most nor the least covered.
        named = Company.objects.annotate(n=Count("articles")).order_by("-n")
        word = named[min(50, named.count() - 1)].name.split()[0]
        return {
            "static file": static("css/site.css"),
            "home": "/",
            "article": article.get_absolute_url(),
            "company": company.get_absolute_url(),
            "person": person.get_absolute_url(),
            "event": event.get_absolute_url(),
            "tag": tag.get_absolute_url(),
            "search": f"/search/?q={word}",
            "list, page 1": "/articles/",
            f"list, deep (after {deep_index + 1} articles)": deep_url,
            # The API's main reads (docs/api.md), on the same subjects as the pages.
            "api: article list": reverse("api:article-list"),
            "api: article": reverse("api:article-detail", kwargs={"slug": article.slug}),
            "api: company": reverse("api:company-detail", kwargs={"slug": company.slug}),
        }

    def count_queries(self, pages) -> dict[str, int]:
        client, counts = Client(), {}
        # In-process requests are plain HTTP, like wrk's on loopback.
        with override_settings(
            PAGE_CACHE_SECONDS=0,
            FRAGMENT_CACHE_SECONDS=0,
            ALLOWED_HOSTS=["testserver"],
            SECURE_SSL_REDIRECT=False,
        ):
            for name, path in pages.items():
                if name == "static file":
                    counts[name] = 0
                    continue
                client.get(path)  # once first: one-off lookups (content types) are cached
                with CaptureQueriesContext(connection) as context:
                    status = client.get(path).status_code
                if status != 200:
                    raise CommandError(f"{path} answered {status}")
                counts[name] = len(context)
        return counts

    # --- running ----------------------------------------------------------------------

    def run_server(self, pages, env, duration, connections, workers) -> dict:
        env = {**env, "DJANGO_LOG_LEVEL": "WARNING"}
        server, base = start_gunicorn(workers=workers, env=env, output=subprocess.DEVNULL)
        try:
            rows = {}
            for name, path in pages.items():
                for _ in range(3):  # prime: connections, template cache, page cache
                    urllib.request.urlopen(base + path, timeout=30).read()  # noqa: S310
                rows[name] = self.wrk(base + path, duration, connections)
                self.stdout.write(f"  {name:<42} {rows[name]['rps']:>9.0f} req/s")
            rows["_rss_mb"] = self.worker_rss(server.pid)
            return rows
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    @staticmethod
    def wrk(url, duration, connections, cpus=None) -> dict:
        output = subprocess.run(  # noqa: S603
            ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
        ).stdout
        return parse_wrk(output)

    @staticmethod
    def worker_rss(master_pid) -> float:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
        total = []
        try:
            for pid in children.read_text().split():
                status = Path(f"/proc/{pid}/status").read_text()
                total.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        except (OSError, AttributeError):
            return 0.0
        return max(total, default=0.0)

    # --- writing ------------------------------------------------------------------------

    def table(self, pages, queries, results, duration, connections, workers) -> str:
        counts = {
            "articles": Article.objects.count(),
            "companies": Company.objects.count(),
            "people": Person.objects.count(),
            "events": Event.objects.count(),
            "tags": Tag.objects.count(),
        }
        lines = [
            f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}.",
            f"Data: {', '.join(f'{n:,} {k}' for k, n in counts.items())}. gunicorn "
            f"{workers} sync workers; wrk -t2 -c{connections} -d{duration}s. Bare: nothing "
            "kept, every request renders every panel. Cold: page cache off, the page's "
            "panels kept (a page a write made stale, none of its panels). Warm: page "
            "cache on (anonymous reader). Queries: bare.",
            "",
            "| page | queries | bare req/s | bare p99 | bare ratio | cold req/s | cold p50 "
            "| cold p99 | cold ratio | warm req/s | warm p50 | warm p99 | warm ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
            "| ---: |",
        ]
        static_rps = {mode: results[mode]["static file"]["rps"] for mode in results}
        for name in pages:
            cells = [name, str(queries[name])]
            for mode, *_ in MODES:
                row = results[mode][name]
                ratio = row["rps"] / static_rps[mode] if static_rps[mode] else 0
                errors = f" ({row['errors']} errors)" if row["errors"] else ""
                p50 = [] if mode == "bare" else [row["p50"]]
                cells += [f"{row['rps']:,.0f}{errors}", *p50, row["p99"], f"{ratio:.2f}"]
            lines.append("| " + " | ".join(cells) + " |")
        lines += [
            "",
            "Largest worker RSS after the run: "
            + ", ".join(f"{mode} {results[mode]['_rss_mb']:.0f} MB" for mode, *_ in MODES)
            + ".",
        ]
        return "\n".join(lines) + "\n"

    @staticmethod
    def write(label: str, table: str, *, before: str | None = None) -> None:
        """Put `table` under a heading `label`, replacing an earlier one; a new section
        goes just before the line `before` when the document has it, else at the end."""
        text = DOC.read_text() if DOC.exists() else "# Performance\n"
        start, end = f"<!-- bench:{label} -->", f"<!-- /bench:{label} -->"
        section = f"{start}\n## {label}\n\n{table}{end}"
        if start in text:
            text = re.sub(
                re.escape(start) + r".*?" + re.escape(end), lambda _: section, text, flags=re.DOTALL
            )
        elif before and before in text:
            text = text.replace(before, section + "\n\n" + before, 1)
        else:
            text = text.rstrip() + "\n\n" + section + "\n"
        DOC.write_text(text)
