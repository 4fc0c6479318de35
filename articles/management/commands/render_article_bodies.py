"""Render and store every article body whose stored copy is missing or out of date."""

import sys

from django.core.management.base import BaseCommand

from articles import stored_bodies
from articles.models import Article


class Command(BaseCommand):
    help = __doc__.strip()

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Check every article, not only those never stored (after a renderer change).",
        )

    def handle(self, *args, all=False, **options):
        articles = Article.objects.all() if all else Article.objects.filter(body_html_key="")
        ids = list(articles.order_by("-pk").values_list("pk", flat=True))
        stored = 0
        out = self.stderr if sys.stderr.isatty() else None
        for start in range(0, len(ids), 2000):
            stored += stored_bodies.refresh(ids[start : start + 2000])
            if out:
                out.write(f"\r{min(start + 2000, len(ids)):>7}/{len(ids)} articles")
        if out:
            out.write("\n")
        self.stdout.write(f"Stored {stored} of {len(ids)} article bodies (the rest were current).")
