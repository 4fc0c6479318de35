"""The things reports are about: companies and organisations, people and events."""

from django.db import models
from taggit.managers import TaggableManager

from ..image_uploads import validate_image_upload
from ..slug_urls import slug_path
from ..slugs import unique_slug
from .citations import DatePrecision, format_partial_date
from .naturalkeys import SlugNaturalKeyManager, SlugNaturalKeyMixin, choice_constraint
from .tags import TaggedItem


class NamedEntityQuerySet(models.QuerySet):
    def public(self, at=None):
        """On the public site: attached to at least one live article (live `at`, by
        default now).

        A company, person or event made for a scheduled article stays out of every
        list, search, sitemap and count until the article goes live: its mere
        existence would give the embargoed story away. This is the one place that
        decides (docs/security.md, "Embargo").
        """
        from .article import Article

        # Each row's own links first, then each linked article by its key: a
        # correlated EXISTS per link fixes that order whatever the planner's
        # statistics say. `article__in=<published ids>` made SQLite walk every
        # published article for each row (3 s for the home page's events at 100,000
        # articles), and so did a plain join once the statistics were stale.
        live = Article.objects.published(at).filter(pk=models.OuterRef("article_id"))
        links = self.model.articles.through.objects.filter(
            models.Exists(live), **{self.model._meta.model_name: models.OuterRef("pk")}
        )
        return self.filter(models.Exists(links))


class NamedEntity(SlugNaturalKeyMixin, models.Model):
    """What every entity page has: a name, a slug and the other names it goes by."""

    name = models.CharField(max_length=255, help_text="The name readers know it by.")
    slug = models.SlugField(
        max_length=255,
        unique=True,
        blank=True,
        allow_unicode=True,
        help_text="Its address on the site. Leave blank to make one from the name.",
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other names and abbreviations used in reports, one a line (for example “CIIE”).",
    )
    name_given_by_us = models.BooleanField(
        default=False,
        help_text="The reports do not print this name: the newsroom gave it (the "
        "description says what the reports call it instead).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SlugNaturalKeyManager.from_queryset(NamedEntityQuerySet)()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class CompanyKind(models.TextChoices):
    COMPANY = "company", "Company"
    FUND = "fund", "Fund"
    INSTITUTION = "institution", "Institution"
    INNOVATION_CENTRE = "innovation_centre", "Innovation centre"
    GOVERNMENT = "government", "Government body"


class Company(NamedEntity):
    kind = models.CharField(
        max_length=20,
        choices=CompanyKind.choices,
        default=CompanyKind.COMPANY,
        help_text="Company, fund, institution, innovation centre or government body.",
    )
    description = models.TextField(blank=True, help_text="What it is, in the newsroom's words.")
    website = models.URLField(blank=True)
    logo = models.ImageField(upload_to="logos/", blank=True, validators=[validate_image_upload])
    tags = TaggableManager(through=TaggedItem, blank=True)

    class Meta(NamedEntity.Meta):
        verbose_name_plural = "companies"
        constraints = [choice_constraint("kind", CompanyKind, "company_kind_valid")]

    def get_absolute_url(self):
        return slug_path("company_detail", self.slug)


class Person(NamedEntity):
    bio = models.TextField(blank=True, help_text="Who they are, in the newsroom's words.")
    photo = models.ImageField(upload_to="people/", blank=True, validators=[validate_image_upload])
    tags = TaggableManager(through=TaggedItem, blank=True)

    class Meta(NamedEntity.Meta):
        verbose_name_plural = "people"

    def get_absolute_url(self):
        return slug_path("person_detail", self.slug)


class EventKind(models.TextChoices):
    EXPO_SERIES = "expo_series", "Expo (series)"
    EXPO = "expo", "Expo"
    CONFERENCE = "conference", "Conference"
    LAUNCH = "launch", "Launch or opening"
    ANNOUNCEMENT = "announcement", "Announcement"


class Event(NamedEntity):
    kind = models.CharField(
        max_length=20,
        choices=EventKind.choices,
        default=EventKind.EXPO,
        help_text="A series (such as an annual expo) holds its editions as events of their own.",
    )
    series = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="editions",
        help_text="The series this event is an edition of.",
    )
    edition = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Which edition of the series (1 for the first)."
    )
    starts_on = models.DateField(
        null=True,
        blank=True,
        help_text="When it starts. If no report says, cite the outside source in a fact.",
    )
    ends_on = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        blank=True,
        help_text="How much of the dates is known: day, month or year.",
    )
    date_text = models.CharField(
        max_length=100,
        blank=True,
        help_text="The date in the source's words when it cannot be pinned down (“early October”).",
    )
    location = models.CharField(
        max_length=255,
        blank=True,
        help_text="Where it is held. If no report says, cite the outside source in a fact.",
    )
    description = models.TextField(blank=True)
    tags = TaggableManager(through=TaggedItem, blank=True)

    class Meta(NamedEntity.Meta):
        ordering = ["series_id", "edition", "name"]
        # The home page walks out from today to the nearest dated events.
        indexes = [models.Index(fields=["starts_on"], name="event_starts_on_idx")]
        constraints = [
            choice_constraint("kind", EventKind, "event_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True, date_precision="")
                | models.Q(starts_on__isnull=False, date_precision__in=DatePrecision.values),
                name="event_date_has_precision",
            ),
            models.CheckConstraint(
                condition=models.Q(edition__isnull=True) | models.Q(series__isnull=False),
                name="event_edition_needs_series",
            ),
            models.UniqueConstraint(fields=["series", "edition"], name="event_unique_edition"),
        ]

    def get_absolute_url(self):
        return slug_path("event_detail", self.slug)

    @property
    def when(self) -> str:
        start = format_partial_date(self.starts_on, self.date_precision, self.date_text)
        end = format_partial_date(self.ends_on, self.date_precision)
        return f"{start} – {end}" if end and end != start else start
