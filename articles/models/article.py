"""Articles: the newsroom's reports, with their editorial workflow."""

import re

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from taggit.managers import TaggableManager

from ..image_uploads import validate_image_upload
from ..slug_urls import slug_path
from ..slugs import unique_slug
from .citations import DatePrecision, format_partial_date, machine_partial_date
from .naturalkeys import SlugNaturalKeyManager, SlugNaturalKeyMixin, choice_constraint
from .tags import TaggedItem

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"


class ArticleQuerySet(models.QuerySet):
    def published(self, at=None):
        """Live on the public site: published, and its publication time has come
        (`at`: the time to ask about, by default now).

        A future `published_at` is a schedule; the article appears by itself when
        the time passes, with no job to run.
        """
        moment = timezone.now() if at is None else at
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__lte=moment)

    def for_listing(self):
        return self.order_by("-published_at", "-pk")


class Article(SlugNaturalKeyMixin, models.Model):
    title = models.CharField(max_length=255, help_text="The headline, as readers will see it.")
    slug = models.SlugField(
        max_length=255,
        unique=True,
        blank=True,
        allow_unicode=True,
        help_text="The last part of the article's address, after /articles/. Leave blank "
        "to make one from the headline.",
    )
    standfirst = models.TextField(
        blank=True, help_text="One or two sentences under the headline that sum up the story."
    )
    body = models.TextField(
        help_text="Markdown. Separate paragraphs with a blank line; raw HTML is sanitised."
    )
    section = models.CharField(
        max_length=100, blank=True, db_index=True, help_text="For example “Special Reports”."
    )
    byline = models.CharField(
        max_length=255, blank=True, help_text="Who wrote it, as printed. Leave blank if unsigned."
    )
    status = models.CharField(
        max_length=10,
        choices=ArticleStatus.choices,
        default=ArticleStatus.DRAFT,
        help_text="Only published articles whose publication time has passed are public.",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the article goes live. A future time schedules it.",
    )
    source_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who first published the report, when this article is a copy of it "
        "(for example “SHINE (Shanghai Daily)”). Blank for our own reporting.",
    )
    source_url = models.URLField(
        max_length=500, blank=True, help_text="Where the original report can be read."
    )
    source_published_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the original was first published. Readers see this date, not "
        "the publication time here, which is when Newsroom published its copy.",
    )
    source_date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        blank=True,
        help_text="How much of the original's date is known: day, month or year.",
    )
    source_date_note = models.TextField(
        blank=True,
        help_text="How we know the original's date, when its page does not print it, "
        "with the outside sources used.",
    )
    # The body as readers get it (Markdown rendered, sanitised, mentions linked),
    # stored on save by articles/stored_bodies.py; `body_html_key` is the digest of
    # everything that rendering read, so a stale copy is never served.
    body_html = models.TextField(blank=True, editable=False)
    body_html_key = models.CharField(max_length=64, blank=True, editable=False)
    # Maintained by the database (a trigger; see migration 0005) on PostgreSQL; on
    # SQLite an FTS5 table does the job and this column stays empty.
    search_vector = SearchVectorField(null=True, editable=False)
    lock_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Counts saves, so that a save based on an older copy is refused.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="articles_started",
        help_text="Who started the article: the desk shows them what is sent back to them.",
    )
    review_note = models.TextField(
        blank=True,
        editable=False,
        help_text="The editor's note when sending the article back; cleared on resubmission.",
    )
    image = models.ImageField(
        upload_to="articles/%Y/%m/",
        blank=True,
        validators=[validate_image_upload],
        help_text="JPEG, PNG, WebP or GIF, up to 10 MB and 40 megapixels.",
    )
    image_caption = models.CharField(max_length=500, blank=True)
    image_alt = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required with an image.",
    )
    image_credit = models.CharField(max_length=200, blank=True)
    autolink = models.BooleanField(
        default=True,
        help_text="Link the first mention of each company, person, event, place and "
        "product attached to this article to its page.",
    )
    autolink_skip = models.TextField(
        blank=True,
        help_text="Names or slugs not to link in this article, one a line.",
    )
    companies = models.ManyToManyField(
        "articles.Company",
        blank=True,
        related_name="articles",
        help_text="Companies and organisations the article is about.",
    )
    people = models.ManyToManyField(
        "articles.Person",
        blank=True,
        related_name="articles",
        help_text="People the article is about or quotes.",
    )
    events = models.ManyToManyField(
        "articles.Event",
        blank=True,
        related_name="articles",
        help_text="Events the article reports on.",
    )
    tags = TaggableManager(through=TaggedItem, blank=True)

    objects = SlugNaturalKeyManager.from_queryset(ArticleQuerySet)()

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]
        constraints = [
            choice_constraint("status", ArticleStatus, "article_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=ArticleStatus.PUBLISHED)
                | models.Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(image="") | ~models.Q(image_alt=""),
                name="article_image_has_alt",
            ),
            models.CheckConstraint(
                condition=models.Q(source_published_on__isnull=True, source_date_precision="")
                | models.Q(
                    source_published_on__isnull=False,
                    source_date_precision__in=DatePrecision.values,
                ),
                name="article_source_date_has_precision",
            ),
        ]
        indexes = [
            # The listing order exactly (newest first, key breaking ties), so a page of
            # any depth is read from the index without sorting the archive.
            models.Index(fields=["status", "-published_at", "-id"], name="article_listing_idx"),
            # The admin's article list, newest edit first: read in order, 100 rows a page.
            models.Index(fields=["-updated_at"], name="article_updated_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Count from the stored value, not this copy's: a restored revision or a
        # stale form must still move the counter forward (see admin conflict check).
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("lock_version", flat=True)
            # A revision restore writes the old counter first; the admin passes the one
            # it replaced (lock_floor), so a counter value is never used twice.
            floor = getattr(self, "lock_floor", None) or 0
            self.lock_version = max(stored.first() or 0, floor) + 1
        if not self.slug:
            self.slug = unique_slug(type(self), self.title, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_path("article_detail", self.slug)

    @property
    def is_live(self) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def date_for_readers(self) -> str:
        """The date readers should see: the report's own, at the precision it is known.

        An article that is a copy of a report first published elsewhere shows when
        it was first published there; `published_at` (when Newsroom published its
        copy) is shown only for the newsroom's own reporting.
        """
        if self.source_published_on:
            return format_partial_date(self.source_published_on, self.source_date_precision)
        if self.published_at:
            return format_partial_date(
                timezone.localtime(self.published_at).date(), DatePrecision.DAY
            )
        return ""

    @property
    def machine_date_for_readers(self) -> str:
        """`date_for_readers` for a `datetime` attribute (“2021-11-05”)."""
        if self.source_published_on:
            return machine_partial_date(self.source_published_on, self.source_date_precision)
        if self.published_at:
            return machine_partial_date(
                timezone.localtime(self.published_at).date(), DatePrecision.DAY
            )
        return ""

    @property
    def autolink_skip_list(self) -> set[str]:
        return {line.strip().lower() for line in self.autolink_skip.splitlines() if line.strip()}

    def paragraphs(self) -> list[str]:
        """The body's paragraphs: the blocks between blank lines, as anchored on its page."""
        return [
            block.strip() for block in PARAGRAPH_BREAK.split(self.body.strip()) if block.strip()
        ]

    def source_text(self) -> str:
        """Everything a citation or quote may be taken from, one part a line."""
        return "\n".join([self.title, self.standfirst, self.image_caption, self.body])
