import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction

from articles import content_checks, stored_bodies
from articles.models import Article

REPORT_DIR = settings.BASE_DIR / "fixtures" / "report"


def report_fixtures(directory=REPORT_DIR) -> list[str]:
    """The report's fixture files, in load order (their names are numbered)."""
    files = sorted(str(path) for path in directory.glob("*.json"))
    if not files:
        raise CommandError(f"No fixture files found in {directory}.")
    return files


def read_fixtures(files: list[str]) -> dict[str, list]:
    parsed = {}
    for name in files:
        try:
            with open(name, encoding="utf-8") as handle:
                parsed[name] = json.load(handle)
        except (OSError, ValueError) as error:
            raise CommandError(
                f"Nothing was loaded; the database is unchanged.\n"
                f"Cannot read fixture {name}: {error}"
            ) from error
    return parsed


def report_article_slugs(parsed: dict[str, list]) -> list[str]:
    return [
        obj["fields"]["slug"]
        for objects in parsed.values()
        for obj in objects
        if isinstance(obj, dict) and obj.get("model") == "articles.article"
    ]


def dangling_slug_references(parsed: dict[str, list]) -> list[str]:
    """References by slug to rows that neither the fixtures nor the database hold.

    loaddata would only notice these after the fact, and name the constraint that
    the missing row then breaks rather than the missing row itself.
    """
    defined, references = set(), []
    for name, objects in parsed.items():
        for obj in objects:
            try:
                model = apps.get_model(obj["model"])
            except (KeyError, LookupError, TypeError, ValueError):
                return []  # an unknown model: loaddata names it better than we could
            fields = obj.get("fields", {})
            if "slug" in fields:
                defined.add((model, fields["slug"]))
            for field_name, value in fields.items():
                try:
                    field = model._meta.get_field(field_name)
                except FieldDoesNotExist:
                    continue
                target = field.related_model
                if not field.is_relation or target is None or not _slug_keyed(target):
                    continue
                keys = value if field.many_to_many else [value]
                for key in keys or []:
                    if isinstance(key, list) and len(key) == 1:
                        references.append((name, obj, field_name, target, key[0]))
    problems = []
    for name, obj, field_name, target, slug in references:
        if (target, slug) in defined or target._default_manager.filter(slug=slug).exists():
            continue
        problems.append(
            f"{Path(name).name}: {obj['model']} pk={obj.get('pk')} field “{field_name}” refers "
            f"to {target._meta.verbose_name} “{slug}”, which is in neither the fixtures nor "
            f"the database."
        )
    return problems


def _slug_keyed(model) -> bool:
    return hasattr(model._default_manager, "get_by_natural_key") and any(
        field.name == "slug" for field in model._meta.fields
    )


class Command(BaseCommand):
    help = (
        "Load the report's fixtures and validate them, all or nothing: on any error the "
        "database is left as it was. Loading twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing if the report's article is already in the database, so "
            "that editors' later changes survive `make run`.",
        )
        parser.add_argument(
            "--fixture-dir", default=str(REPORT_DIR), help="Directory of fixture files to load."
        )

    def handle(self, *args, fixture_dir, if_missing, **options):
        files = report_fixtures(Path(fixture_dir))
        parsed = read_fixtures(files)
        if if_missing:
            slugs = report_article_slugs(parsed)
            if slugs and Article.objects.filter(slug__in=slugs).exists():
                self.stdout.write("The report is already loaded; leaving it as it is.")
                return
        dangling = dangling_slug_references(parsed)
        if dangling:
            listing = "\n".join(f"  - {problem}" for problem in dangling)
            raise CommandError(f"Nothing was loaded; the database is unchanged.\n{listing}")
        try:
            with transaction.atomic():
                call_command("loaddata", *files, verbosity=0)
                problems = content_checks.find_problems()
                if problems:
                    listing = "\n".join(f"  - {problem}" for problem in problems)
                    raise CommandError(f"{len(problems)} problem(s) in the fixtures:\n{listing}")
        except CommandError as error:
            raise CommandError(
                f"Nothing was loaded; the database is unchanged.\n{error}"
            ) from error
        except (DeserializationError, DatabaseError, ValueError, LookupError) as error:
            raise CommandError(
                f"Nothing was loaded; the database is unchanged.\n{type(error).__name__}: {error}"
            ) from error
        # Fixtures load raw (no save signals): store the bodies readers will get.
        stored_bodies.refresh(Article.objects.values_list("pk", flat=True))
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {len(files)} fixture files: {content_checks.summary()}.")
        )
