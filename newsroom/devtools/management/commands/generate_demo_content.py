"""Fill the database with synthetic content at newsroom scale, for benchmarks.

Deterministic for a seed; long-tailed like real archives (a few tags, companies and
people appear everywhere, most almost nowhere), and so is the prose: its words follow
Zipf's law over a vocabulary of 30,000 (newsroom.devtools.prose), so a search word
matches as few articles as it would in a real archive. Bulk inserts in batches, so
100,000 articles take minutes. Every row it makes has a slug starting "demo-", and
it never changes or deletes anything else: the report's rows stay as they are.
"""

import itertools
import random
import sys
import time
from bisect import bisect
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import (
    Article,
    ArticleStatus,
    Citation,
    Company,
    CompanyKind,
    CompanyRelation,
    Event,
    Fact,
    Participation,
    Person,
    Role,
    Tag,
    TaggedItem,
    TagKind,
)
from articles.page_cache import bump_content_version
from newsroom.devtools.prose import ZipfProse

PREFIX = "demo-"
SYLLABLES = [
    "ar",
    "bel",
    "cor",
    "dan",
    "el",
    "fen",
    "gar",
    "hol",
    "ix",
    "jun",
    "kel",
    "lor",
    "mar",
    "nov",
    "or",
    "pel",
    "quin",
    "ros",
    "sol",
    "tor",
    "ul",
    "ven",
    "wex",
    "yar",
    "zen",
    "bri",
    "cal",
    "dor",
    "fel",
    "lin",
]
COMPANY_ENDINGS = [
    "Pharma",
    "Biologics",
    "Capital",
    "Holdings",
    "Therapeutics",
    "Medical",
    "Health",
    "Labs",
    "Systems",
    "Group",
    "Partners",
    "Diagnostics",
]
GIVEN = [
    "Li",
    "Wei",
    "Anna",
    "Jun",
    "Maria",
    "Chen",
    "David",
    "Sara",
    "Yan",
    "Omar",
    "Lena",
    "Hui",
    "Tom",
    "Mei",
    "Ravi",
    "Ines",
    "Kai",
    "Nora",
    "Bo",
    "Elif",
]
FAMILY = [
    "Wang",
    "Zhang",
    "Liu",
    "Smith",
    "Garcia",
    "Chen",
    "Kumar",
    "Müller",
    "Rossi",
    "Sato",
    "Kim",
    "Novak",
    "Silva",
    "Haddad",
    "Olsen",
    "Park",
    "Lopez",
    "Ivanova",
    "Yang",
    "Zhao",
]
EVENT_KINDS = ["Summit", "Forum", "Expo", "Conference", "Fair", "Week"]
TAG_KINDS = [TagKind.TOPIC] * 6 + [TagKind.PLACE] * 2 + [TagKind.PRODUCT, TagKind.SECTOR]


class Zipf:
    """Draw indexes 0..n-1 with weight 1/(rank+1)^s: a long tail, fast."""

    def __init__(self, n: int, s: float = 1.1):
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) ** s for rank in range(n)))

    def draw(self, rng: random.Random, k: int) -> set[int]:
        total = self.cumulative[-1]
        return {bisect(self.cumulative, rng.random() * total) for _ in range(k)}


class Progress:
    def __init__(self, stream, label: str, total: int):
        self.stream, self.label, self.total, self.done = stream, label, total, 0
        self.started = time.monotonic()

    def advance(self, count: int):
        self.done += count
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        seconds = time.monotonic() - self.started
        self.stream.write(
            f"\r{self.label:<14} [{'#' * filled}{'.' * (width - filled)}] "
            f"{self.done:>7}/{self.total} {seconds:5.1f}s"
        )
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--companies", type=int, default=5_000)
        parser.add_argument("--people", type=int, default=20_000)
        parser.add_argument("--events", type=int, default=3_000)
        parser.add_argument("--tags", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=2_000)
        parser.add_argument(
            "--replace", action="store_true", help="Delete earlier demo rows (slug demo-…) first."
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing if demo content is there."
        )

    def handle(self, *args, **options):
        counts = {k: options[k] for k in ("articles", "companies", "people", "events", "tags")}
        if min(counts.values()) < 1:
            raise CommandError("Every count must be at least 1.")
        if Article.objects.filter(slug__startswith=PREFIX).exists():
            if options["if_missing"]:
                self.stdout.write("Demo content is already there; leaving it as it is.")
                return
            if not options["replace"]:
                raise CommandError("Demo content is already there; add --replace to make it anew.")
            self._delete_demo()
        self.rng = random.Random(options["seed"])  # noqa: S311 (reproducible, not secret)
        self.prose = ZipfProse()
        self.batch = options["batch"]
        self.out = self.stderr if sys.stderr.isatty() else self.stdout
        started = time.monotonic()
        with transaction.atomic():
            tags = self._tags(counts["tags"])
            companies = self._named(
                Company,
                counts["companies"],
                self._company_name,
                extra=lambda i: {"kind": self.rng.choice(CompanyKind.values)},
            )
            people = self._named(Person, counts["people"], self._person_name)
            events = self._named(
                Event, counts["events"], self._event_name, extra=self._event_fields
            )
            articles = self._articles(counts["articles"], tags, companies, people, events)
            self._facts(articles, companies, people, events)
        # Bulk inserts send no save signals: store the bodies readers will get.
        call_command("render_article_bodies", stdout=self.stdout, stderr=self.stderr)
        bump_content_version()
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would gather them in a minute or so: a
            # benchmark started at once would otherwise meet plans made for empty
            # tables (the home page took 44 s instead of 0.2 s at 100,000 articles).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Made {counts['articles']} articles, {counts['companies']} companies, "
                f"{counts['people']} people, {counts['events']} events and {counts['tags']} tags "
                f"in {time.monotonic() - started:.0f} s."
            )
        )

    # --- names ------------------------------------------------------------------

    def _word(self, syllables: int = 2) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()

    def _company_name(self, i: int) -> str:
        return f"{self._word(self.rng.choice((2, 3)))} {self.rng.choice(COMPANY_ENDINGS)}"

    def _person_name(self, i: int) -> str:
        return f"{self.rng.choice(GIVEN)} {self.rng.choice(FAMILY)}"

    def _event_name(self, i: int) -> str:
        return f"{self._word()} {self.rng.choice(EVENT_KINDS)} {2015 + i % 12}"

    def _event_fields(self, i: int) -> dict:
        start = timezone.localdate() - timedelta(days=self.rng.randint(-400, 3600))
        return {
            "kind": "conference",
            "starts_on": start,
            "ends_on": start + timedelta(days=2),
            "date_precision": "day",
            "location": self._word(),
        }

    def _sentence(self, names=()) -> str:
        return self.prose.sentence(self.rng, names)

    # --- rows -------------------------------------------------------------------

    def _bulk(self, model, rows, label):
        progress = Progress(self.out, label, len(rows))
        created = []
        for start in range(0, len(rows), self.batch):
            chunk = rows[start : start + self.batch]
            created += model.objects.bulk_create(chunk)
            progress.advance(len(chunk))
        return created

    def _tags(self, n):
        rows = []
        for i in range(n):
            name = f"{self._word()} {self._word()} {i}"
            rows.append(
                Tag(name=name, slug=PREFIX + slugify(name), kind=self.rng.choice(TAG_KINDS))
            )
        return self._bulk(Tag, rows, "tags")

    def _named(self, model, n, namer, extra=lambda i: {}):
        rows = []
        for i in range(n):
            name = namer(i)
            rows.append(model(name=name, slug=f"{PREFIX}{slugify(name)}-{i}", **extra(i)))
        return self._bulk(model, rows, model._meta.verbose_name_plural)

    def _articles(self, n, tags, companies, people, events):
        now = timezone.now()
        popular = {
            name: Zipf(len(items))
            for name, items in (
                ("tags", tags),
                ("companies", companies),
                ("people", people),
                ("events", events),
            )
        }
        rows, links = [], []
        for i in range(n):
            about = {
                "companies": [
                    companies[j]
                    for j in popular["companies"].draw(self.rng, self.rng.randint(1, 4))
                ],
                "people": [
                    people[j] for j in popular["people"].draw(self.rng, self.rng.randint(0, 3))
                ],
                "events": [
                    events[j] for j in popular["events"].draw(self.rng, self.rng.randint(0, 2))
                ],
                "tags": [tags[j] for j in popular["tags"].draw(self.rng, self.rng.randint(2, 8))],
            }
            names = [obj.name for key in ("companies", "people", "events") for obj in about[key]]
            body = "\n\n".join(
                " ".join(self._sentence(names) for _ in range(self.rng.randint(2, 4)))
                for _ in range(self.rng.randint(4, 9))
            )
            roll = self.rng.random()
            status = (
                ArticleStatus.PUBLISHED
                if roll < 0.94
                else (ArticleStatus.DRAFT if roll < 0.98 else ArticleStatus.REVIEW)
            )
            published_at = now - timedelta(minutes=self.rng.randint(1, 60 * 24 * 3650))
            lead = about["companies"][0].name
            title = f"{lead} {' '.join(self.prose.headline(self.rng, 2))} {i}"
            rows.append(
                Article(
                    title=title,
                    slug=f"{PREFIX}{slugify(title)}",
                    standfirst=self._sentence(names),
                    body=body,
                    section=self.rng.choice(["Business", "Markets", "Companies", "Health"]),
                    status=status,
                    published_at=published_at if status == ArticleStatus.PUBLISHED else None,
                )
            )
            links.append(about)
        articles = self._bulk(Article, rows, "articles")
        self._links(articles, links)
        return articles

    def _links(self, articles, links):
        article_type = ContentType.objects.get_for_model(Article)
        tagged, through = [], {field: [] for field in ("companies", "people", "events")}
        for article, about in zip(articles, links, strict=True):
            tagged += [
                TaggedItem(tag_id=tag.pk, content_type=article_type, object_id=article.pk)
                for tag in about["tags"]
            ]
            for field, model_field in (
                ("companies", "company_id"),
                ("people", "person_id"),
                ("events", "event_id"),
            ):
                model = getattr(Article, field).through
                through[field] += [
                    model(article_id=article.pk, **{model_field: obj.pk}) for obj in about[field]
                ]
        self._bulk(TaggedItem, tagged, "taggings")
        for field, rows in through.items():
            self._bulk(getattr(Article, field).through, rows, f"article {field}")

    def _facts(self, articles, companies, people, events):
        """Cited facts and relations, each citing the first sentence of a real article."""
        published = [a for a in articles if a.status == ArticleStatus.PUBLISHED]
        sample = self.rng.sample(published, k=min(len(published), max(len(companies), 1)))
        citations = self._bulk(
            Citation,
            [Citation(article=a, excerpt=a.body.split(".")[0] + ".") for a in sample],
            "citations",
        )
        pick = self.rng.choice
        facts = [
            Fact(
                company=pick(companies),
                label="Revenue",
                value=f"{self.rng.randint(1, 900)} million yuan",
                citation=pick(citations),
            )
            for _ in range(len(companies) * 2)
        ]
        self._bulk(Fact, facts, "facts")
        relations, seen = [], set()
        for _ in range(len(companies)):
            source, target = pick(companies), pick(companies)
            if source.pk != target.pk and (source.pk, target.pk) not in seen:
                seen.add((source.pk, target.pk))
                relations.append(
                    CompanyRelation(
                        source=source, target=target, kind="invested_in", citation=pick(citations)
                    )
                )
        self._bulk(CompanyRelation, relations, "relations")
        roles = {
            (p.pk, c.pk): Role(person=p, company=c, title="Director", citation=pick(citations))
            for p, c in ((pick(people), pick(companies)) for _ in range(len(people) // 2))
        }
        self._bulk(Role, list(roles.values()), "roles")
        parts = {
            (c.pk, e.pk): Participation(
                company=c, event=e, role="exhibitor", citation=pick(citations)
            )
            for c, e in ((pick(companies), pick(events)) for _ in range(len(events) * 2))
        }
        self._bulk(Participation, list(parts.values()), "participations")

    def _delete_demo(self):
        with transaction.atomic():
            demo_articles = Article.objects.filter(slug__startswith=PREFIX)
            article_type = ContentType.objects.get_for_model(Article)
            TaggedItem.objects.filter(
                content_type=article_type, object_id__in=demo_articles.values("pk")
            ).delete()
            for model in (Fact, Role, CompanyRelation, Participation):
                model.objects.filter(citation__article__in=demo_articles).delete()
            Citation.objects.filter(article__in=demo_articles).delete()
            demo_articles.delete()
            for model in (Event, Person, Company, Tag):
                model.objects.filter(slug__startswith=PREFIX).delete()
