"""Time the editors' admin pages as the server renders them, and write it down.

Signs a superuser in (an editor sees no fewer rows), opens the desk, the article
changelist and change forms, the directory's change forms and the live preview,
each once to warm up and then `--runs` times, and records the median and the worst
server time (the whole Django request, middleware included, in this process) with the
query count. The target (issue "The editors' desk"): under 300 ms with the report
alone, under 500 ms at 100,000 articles. Writes a table to docs/performance.md under a
heading naming the database.
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Company, Event, Person, Tag

from .benchmark import Command as Benchmark
from .benchmark import machine

USERNAME = "benchmark-admin"


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=9)
        parser.add_argument("--no-write", action="store_true", help="Print, do not write.")

    def handle(self, *args, runs, no_write, **options):
        report = Article.objects.filter(slug__startswith="astrazeneca").first()
        if report is None:
            raise CommandError("Load the report first: manage.py load_report.")
        user, _ = get_user_model().objects.get_or_create(
            username=USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        client = Client()
        client.force_login(user)
        pages = self.pages(report)
        rows = []
        with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
            for name, (method, path, data) in pages.items():
                rows.append((name, *self.measure(client, method, path, data, runs)))
        user.delete()
        generated = Article.objects.filter(slug__startswith="demo-").count()
        size = f"{generated:,} generated articles" if generated else "the report alone"
        engine = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor)
        label = f"Admin pages, {engine or connection.vendor}, {size}"
        lines = [
            f"Server time per admin page ({runs} runs after one warm-up, in-process "
            f"Django test client, signed in as a superuser), measured with "
            f"`manage.py benchmark_admin` on {machine()}.",
            "",
            "| page | median ms | worst ms | queries |",
            "| --- | ---: | ---: | ---: |",
            *(f"| {n} | {med:.0f} | {worst:.0f} | {q} |" for n, med, worst, q in rows),
        ]
        table = "\n".join(lines) + "\n"
        self.stdout.write(table)
        if not no_write:
            Benchmark.write(label, table)

    @staticmethod
    def pages(report) -> dict:
        company = Company.objects.filter(slug="astrazeneca").first()
        person = Person.objects.filter(slug="leon-wang").first()
        event = Event.objects.filter(slug="ciie-4").first()
        tag = Tag.objects.filter(slug="china").first()
        change = "/admin/articles/{}/{}/change/"
        return {
            "desk": ("get", "/admin/", None),
            "article changelist": ("get", "/admin/articles/article/", None),
            "article changelist, search": ("get", "/admin/articles/article/?q=china", None),
            "article add": ("get", "/admin/articles/article/add/", None),
            "article change (the report)": ("get", change.format("article", report.pk), None),
            "company changelist": ("get", "/admin/articles/company/", None),
            "company change (AstraZeneca)": ("get", change.format("company", company.pk), None),
            "person change": ("get", change.format("person", person.pk), None),
            "event change": ("get", change.format("event", event.pk), None),
            "tag change": ("get", change.format("tag", tag.pk), None),
            "live preview (the report's body)": (
                "post",
                "/admin/articles/article/preview/",
                {"body": report.body, "article": str(report.pk)},
            ),
        }

    @staticmethod
    def measure(client, method, path, data, runs) -> tuple[float, float, int]:
        call = getattr(client, method)
        call(path, data)  # warm-up: template and content-type caches
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as context:
                started = time.perf_counter()
                response = call(path, data)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{path} answered {response.status_code}")
        return statistics.median(times), max(times), len(context)
