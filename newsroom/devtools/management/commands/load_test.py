"""Readers at full speed and editors saving at the same time, against gunicorn.

Bounded in time and on loopback only. Passes when no request answered 5xx, no
save failed ("database is locked" or anything else) and every save is in the
database afterwards. Writes the figures to docs/load-test.md unless --no-write.
"""

import re
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from articles.models import Article
from newsroom.devtools.local_server import start_gunicorn

from .benchmark import machine

DOC = settings.BASE_DIR / "docs" / "load-test.md"


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--readers", type=int, default=8)
        parser.add_argument("--editors", type=int, default=2)
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--no-write", action="store_true")

    def handle(self, *args, seconds, readers, editors, workers, no_write, **options):
        if seconds < 1 or seconds > 600:
            raise CommandError("--seconds must be between 1 and 600.")
        call_command("collectstatic", interactive=False, verbosity=0)
        articles = list(Article.objects.published().order_by("-published_at")[:1])
        if not articles:
            raise CommandError("No published articles: run `manage.py load_report` first.")
        pages = [
            "/",
            "/articles/",
            articles[0].get_absolute_url(),
            "/companies/",
            "/tags/",
            "/search/?q=China",
            "/feed/",
        ]
        log_path = settings.VAR_DIR / "load-test-gunicorn.log"
        settings.VAR_DIR.mkdir(exist_ok=True)
        with open(log_path, "w") as log:
            server, base = start_gunicorn(workers=workers, env={}, output=log)
        # Each editor saves a draft of its own: two editors on one row could not tell
        # whose save should be the one stored. Drafts are removed afterwards.
        drafts = [
            Article.objects.create(
                title=f"Load test draft {n}", slug=f"load-test-draft-{n}", body="Draft."
            )
            for n in range(editors)
        ]
        try:
            result = self.drive(base, pages, drafts, seconds, readers, editors)
        finally:
            server.terminate()
            server.wait(timeout=30)
            Article.objects.filter(pk__in=[draft.pk for draft in drafts]).delete()
        server_log = log_path.read_text()
        result["locked_in_log"] = len(re.findall(r"database is locked", server_log))
        result["tracebacks_in_log"] = server_log.count("Traceback")
        report = self.report(result, seconds, readers, editors, workers)
        self.stdout.write(report)
        if not no_write:
            self.write(report)
        failed = (
            result["statuses"].get("5xx", 0)
            or result["read_errors"]
            or result["save_errors"]
            or result["lost"]
            or result["locked_in_log"]
            or result["tracebacks_in_log"]
        )
        if failed:
            raise CommandError("The load test failed; see the table above.")

    def drive(self, base, pages, articles, seconds, readers, editors) -> dict:
        stop = time.monotonic() + seconds
        statuses, lock = Counter(), threading.Lock()
        read_errors, save_errors, saved = [], [], {}
        saves = Counter()

        def reader(offset):
            n = offset
            while time.monotonic() < stop:
                path = pages[n % len(pages)]
                n += 1
                try:
                    with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310
                        response.read()
                        code = response.status
                except urllib.error.HTTPError as error:
                    code = error.code
                except OSError as error:
                    read_errors.append(f"{path}: {error}")
                    continue
                with lock:
                    statuses[f"{code // 100}xx"] += 1

        def editor(index):
            mine = [articles[index]]
            count = 0
            try:
                while time.monotonic() < stop:
                    article = Article.objects.get(pk=mine[count % len(mine)].pk)
                    count += 1
                    article.standfirst = f"Load test save {index}-{count}"
                    try:
                        article.save()
                        saved[article.pk] = article.standfirst
                        with lock:
                            saves["ok"] += 1
                    except Exception as error:
                        save_errors.append(str(error))
                    time.sleep(0.05)  # an editor saves often, not in a tight loop
            finally:
                connections.close_all()

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
        threads += [threading.Thread(target=editor, args=(i,)) for i in range(editors)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stored = dict(Article.objects.filter(pk__in=saved).values_list("pk", "standfirst"))
        lost = [pk for pk, text in saved.items() if stored.get(pk) != text]
        saves = sum(1 for _ in saved)  # articles touched
        total_saves = len(save_errors) + self._count_saves(saved)
        return {
            "statuses": statuses,
            "read_errors": len(read_errors),
            "save_errors": len(save_errors),
            "saves": total_saves,
            "articles_saved": saves,
            "lost": len(lost),
            "error_samples": (read_errors + save_errors)[:5],
        }

    @staticmethod
    def _count_saves(saved: dict) -> int:
        # Each stored standfirst ends in its save counter: the sum is the saves made.
        return sum(int(text.rsplit("-", 1)[1]) for text in saved.values())

    def report(self, result, seconds, readers, editors, workers) -> str:
        requests = sum(result["statuses"].values())
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items()))
        lines = [
            f"### {connection.vendor}, {seconds} s — "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            "",
            f"Machine: {machine()}. gunicorn {workers} workers; {readers} readers at full "
            f"speed, {editors} editors saving.",
            "",
            "| requests | by status | read errors | saves | save errors "
            "| saves lost | 'database is locked' | tracebacks |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {requests:,} | {statuses} | {result['read_errors']} | {result['saves']:,} "
            f"| {result['save_errors']} | {result['lost']} | {result['locked_in_log']} "
            f"| {result['tracebacks_in_log']} |",
        ]
        if result["error_samples"]:
            lines += ["", "Errors: " + "; ".join(result["error_samples"])]
        return "\n".join(lines) + "\n"

    @staticmethod
    def write(report: str) -> None:
        text = (
            DOC.read_text()
            if DOC.exists()
            else (
                "# Load test\n\n`make load-test` (manage.py load_test) runs the site under "
                "gunicorn while readers request pages at full speed and editors save "
                "articles, on loopback, for a bounded time. Newest runs first.\n"
            )
        )
        head, _, rest = text.partition("\n### ")
        DOC.write_text(head.rstrip() + "\n\n" + report + ("\n### " + rest if rest else ""))
