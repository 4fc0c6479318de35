"""Where a fact came from: the article and the verbatim passage that states it.

Every row that records a fact taken from a report inherits `Cited`, so a page can
link each fact to the exact passage of its source, and `check_fixtures` can prove
that each passage is verbatim in its article.
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


def _text_term(words: list[str]) -> str:
    # In a text directive "-", "," and "&" are syntax, so they are escaped too.
    return quote(" ".join(words), safe="").replace("-", "%2D")


class Citation(models.Model):
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.PROTECT,  # facts must not silently lose their source
        related_name="citations",
    )
    excerpt = models.TextField(
        help_text="The passage, copied verbatim from the article (its title, standfirst, "
        "image caption or body), that states the fact."
    )

    class Meta:
        ordering = ["article", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "excerpt"], name="citation_unique_excerpt"),
            models.CheckConstraint(
                condition=~models.Q(excerpt=""), name="citation_excerpt_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.article}: “{self.excerpt[:60]}”"

    def get_absolute_url(self):
        """The article, scrolled to the paragraph and with the passage highlighted.

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
        number = self.paragraph_number()
        anchor = f"p-{number}" if number else "article"
        self._url = f"{self.article.get_absolute_url()}#{anchor}:~:text={directive}"
        return self._url

    def is_verbatim(self) -> bool:
        return self.excerpt in self.article.source_text()

    def paragraph_number(self) -> int | None:
        """1-based number of the body paragraph holding the excerpt, if it is in the body."""
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
