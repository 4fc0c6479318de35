"""Where a fact came from: the verbatim passage that states it, and where it is.

Every row that records a fact inherits `Cited`, so a page can link each fact to the
exact passage of its source. The passage is either in one of our articles, which
`check_fixtures` proves word for word, or on a named outside page (an `OutsideSource`:
what a report does not say, taken from elsewhere and shown as such, never silently).
"""

from urllib.parse import quote

from django.db import models
from django.utils.dateformat import format as format_date


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


# How a date is shown at each precision: a report that says "in 2017" must not be
# shown as "1 January 2017".
_DATE_FORMATS = {DatePrecision.DAY: "j F Y", DatePrecision.MONTH: "F Y", DatePrecision.YEAR: "Y"}


def format_partial_date(value, precision: str, text: str = "") -> str:
    """The date as honestly as it is known: at its precision, else as the report says."""
    if value and precision in _DATE_FORMATS:
        return format_date(value, _DATE_FORMATS[precision])
    return text


def machine_partial_date(value, precision: str) -> str:
    """The date for a `datetime` attribute, no more precise than it is known (“2021-10”)."""
    if not value or precision not in _DATE_FORMATS:
        return ""
    return value.strftime(
        {DatePrecision.YEAR: "%Y", DatePrecision.MONTH: "%Y-%m"}.get(precision, "%Y-%m-%d")
    )


def _text_term(words: list[str]) -> str:
    # In a text directive "-", "," and "&" are syntax, so they are escaped too.
    return quote(" ".join(words), safe="").replace("-", "%2D")


class OutsideSource(models.Model):
    """A page outside our articles that a fact is taken from, named and linked."""

    publisher = models.CharField(
        max_length=255, help_text="Who published the page, as it names itself (“Global Times”)."
    )
    title = models.CharField(
        max_length=500,
        blank=True,
        help_text="The page's headline as printed; blank if the copy we read shows none.",
    )
    url = models.URLField(max_length=500, unique=True, help_text="Where readers can read it.")
    published_on = models.DateField(
        null=True, blank=True, help_text="When the page was published, if it says."
    )
    accessed_on = models.DateField(
        null=True, blank=True, help_text="When the newsroom read it, for a page that may change."
    )

    class Meta:
        ordering = ["publisher", "title"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(url=""), name="outside_source_has_url"),
        ]

    def __str__(self):
        return f"{self.publisher}: {self.title or self.url}"


class Citation(models.Model):
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.PROTECT,  # facts must not silently lose their source
        null=True,
        blank=True,
        related_name="citations",
        help_text="The article the passage is from. Leave empty for an outside source.",
    )
    outside_source = models.ForeignKey(
        OutsideSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
        help_text="The outside page the passage is from, for what our articles do not say.",
    )
    excerpt = models.TextField(
        help_text="The passage, copied verbatim from the article (its title, standfirst, "
        "image caption or body) or from the outside page, that states the fact."
    )

    class Meta:
        ordering = ["article", "outside_source", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "excerpt"], name="citation_unique_excerpt"),
            models.UniqueConstraint(
                fields=["outside_source", "excerpt"], name="citation_unique_outside_excerpt"
            ),
            models.CheckConstraint(
                condition=~models.Q(excerpt=""), name="citation_excerpt_not_empty"
            ),
            models.CheckConstraint(
                # Exactly one place the passage is from.
                condition=models.Q(article__isnull=False, outside_source__isnull=True)
                | models.Q(article__isnull=True, outside_source__isnull=False),
                name="citation_has_one_source",
            ),
        ]

    def __str__(self):
        # The passage first: it is what tells two citations of one article apart
        # (in autocomplete boxes above all).
        excerpt = self.excerpt if len(self.excerpt) <= 140 else self.excerpt[:139] + "…"
        return f"“{excerpt}” — {str(self.source)[:60]}"

    def get_absolute_url(self):
        """The article, scrolled to the paragraph and with the passage highlighted;
        for an outside source, its page with the passage highlighted.

        `#p-N` works everywhere; the `:~:text=` directive (URL Fragment Text
        Directives) adds the highlight where the browser supports it.
        """
        cached = self.__dict__.get("_url")
        if cached:  # a page may link the same citation from a fact and its timeline
            return cached
        words = self.excerpt.split()
        if len(words) > 8:
            directive = f"{_text_term(words[:4])},{_text_term(words[-4:])}"
        else:
            directive = _text_term(words)
        if self.is_outside:
            self._url = f"{self.outside_source.url}#:~:text={directive}"
            return self._url
        number = self.paragraph_number()
        anchor = f"p-{number}" if number else "article"
        self._url = f"{self.article.get_absolute_url()}#{anchor}:~:text={directive}"
        return self._url

    @property
    def is_outside(self) -> bool:
        """True when the passage is from an outside page, not from one of our articles."""
        return self.article_id is None

    @property
    def source(self):
        """The article or the outside page the passage is from."""
        return self.outside_source if self.is_outside else self.article

    def is_verbatim(self) -> bool:
        """The excerpt is word for word in its article. An outside page is not stored
        here, so its excerpts cannot be proved this way (see content_checks)."""
        return not self.is_outside and self.excerpt in self.article.source_text()

    def paragraph_number(self) -> int | None:
        """1-based number of the body paragraph holding the excerpt, if it is in the body."""
        if self.is_outside:
            return None
        for number, paragraph in enumerate(self.article.paragraphs(), start=1):
            if self.excerpt in paragraph:
                return number
        return None


class Cited(models.Model):
    """A fact from a report: its citation, any derivation, and its date if stated."""

    citation = models.ForeignKey(
        Citation,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        help_text="The passage that states this fact.",
    )
    derivation = models.TextField(
        blank=True,
        help_text="When the passage implies the fact rather than stating it, how it follows.",
    )
    date = models.DateField(
        null=True, blank=True, help_text="When it happened, if the source says."
    )
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        blank=True,
        help_text="How much of the date the source states: a report that says “in 2017” "
        "gives a year only.",
    )
    date_text = models.CharField(
        max_length=100,
        blank=True,
        help_text="The date in the source's words when it cannot be pinned down "
        "(“early October”, “this year”).",
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date__isnull=True, date_precision="")
                | models.Q(date__isnull=False, date_precision__in=DatePrecision.values),
                name="%(class)s_date_has_precision",
            ),
        ]

    @property
    def when(self) -> str:
        return format_partial_date(self.date, self.date_precision, self.date_text)
