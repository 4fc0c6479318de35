from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from articles.models import (
    Article,
    ArticleStatus,
    Citation,
    Company,
    CompanyRelation,
    DatePrecision,
    Event,
    Fact,
    OutsideSource,
    Person,
    Tag,
)
from articles.models.citations import format_partial_date, machine_partial_date

from .factories import make_article, make_citation, make_company, make_event, make_person
from .html import parse, text

pytestmark = pytest.mark.django_db


def violates(name: str, create) -> bool:
    """True if `create()` is refused by the database constraint called `name`."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        create()
    # Both SQLite and PostgreSQL name the CHECK constraint; for slugs, "unique".
    return name in str(caught.value).lower()


class TestPublished:
    def test_only_published_articles_whose_time_has_come(self):
        live = make_article("live")
        make_article("draft", status=ArticleStatus.DRAFT, published_at=None)
        make_article("in-review", status=ArticleStatus.REVIEW)
        make_article("scheduled", published_at=timezone.now() + timedelta(minutes=5))

        assert list(Article.objects.published()) == [live]

    def test_scheduled_article_appears_when_its_time_passes(self):
        soon = timezone.now() + timedelta(seconds=30)
        article = make_article("scheduled", published_at=soon)
        assert not article.is_live
        Article.objects.filter(pk=article.pk).update(published_at=soon - timedelta(minutes=1))
        assert list(Article.objects.published()) == [article]

    def test_for_listing_puts_newest_first(self):
        older = make_article("older", published_at=timezone.now() - timedelta(days=2))
        newer = make_article("newer")
        assert list(Article.objects.published().for_listing()) == [newer, older]


class TestConstraints:
    def test_published_article_needs_a_publication_time(self):
        assert violates(
            "article_published_has_date",
            lambda: make_article(status=ArticleStatus.PUBLISHED, published_at=None),
        )

    def test_status_must_be_a_known_choice(self):
        assert violates("article_status_valid", lambda: make_article(status="live"))

    def test_article_slugs_are_unique(self):
        make_article("same")
        assert violates("unique", lambda: make_article("same"))

    @pytest.mark.parametrize("factory", [make_company, make_person, make_event])
    def test_entity_slugs_are_unique(self, factory):
        factory(slug="same")
        assert violates("unique", lambda: factory(slug="same", name="Other"))

    def test_event_cannot_end_before_it_starts(self):
        assert violates(
            "event_ends_after_start",
            lambda: make_event(
                starts_on=date(2021, 11, 10),
                ends_on=date(2021, 11, 5),
                date_precision=DatePrecision.DAY,
            ),
        )

    def test_event_dates_need_a_precision(self):
        assert violates("event_date_has_precision", lambda: make_event(starts_on=date(2021, 11, 5)))

    def test_edition_needs_a_series(self):
        assert violates("event_edition_needs_series", lambda: make_event(edition=4))

    def test_company_cannot_relate_to_itself(self):
        acme = make_company()
        citation = make_citation(make_article())
        assert violates(
            "company_relation_not_self",
            lambda: CompanyRelation.objects.create(
                source=acme, target=acme, kind="invested_in", citation=citation
            ),
        )

    def test_fact_has_exactly_one_subject(self):
        citation = make_citation(make_article())
        acme, ada = make_company(), make_person()
        assert violates(
            "fact_has_one_subject",
            lambda: Fact.objects.create(
                company=acme, person=ada, label="x", value="y", citation=citation
            ),
        )
        assert violates(
            "fact_has_one_subject",
            lambda: Fact.objects.create(label="x", value="y", citation=citation),
        )

    def test_fact_date_needs_a_precision(self):
        citation = make_citation(make_article())
        assert violates(
            "fact_date_has_precision",
            lambda: Fact.objects.create(
                company=make_company(),
                label="x",
                value="y",
                citation=citation,
                date=date(2017, 1, 1),
            ),
        )

    def test_tag_kind_must_be_a_known_choice(self):
        assert violates("tag_kind_valid", lambda: Tag.objects.create(name="X", kind="colour"))

    def test_a_citation_is_from_an_article_or_an_outside_source_not_both(self):
        article, outside = make_article(), make_outside_source()
        assert violates(
            "citation_has_one_source",
            lambda: Citation.objects.create(
                article=article, outside_source=outside, excerpt="about Acme"
            ),
        )
        assert violates(
            "citation_has_one_source", lambda: Citation.objects.create(excerpt="about Acme")
        )

    def test_an_outside_source_has_a_url(self):
        assert violates(
            "outside_source_has_url",
            lambda: OutsideSource.objects.create(publisher="Daily Acme", url=""),
        )

    def test_the_original_date_needs_a_precision(self):
        assert violates(
            "article_source_date_has_precision",
            lambda: make_article(source_name="Daily Acme", source_published_on=date(2021, 11, 5)),
        )


class TestNaturalKeys:
    @pytest.mark.parametrize(
        "model, factory",
        [
            (Article, make_article),
            (Company, make_company),
            (Person, make_person),
            (Event, make_event),
        ],
    )
    def test_content_is_found_by_its_slug(self, model, factory):
        obj = factory(slug="by-slug")
        assert obj.natural_key() == ("by-slug",)
        assert model.objects.get_by_natural_key("by-slug") == obj

    def test_tags_are_found_by_slug(self):
        tag = Tag.objects.create(name="Shanghai", kind="place")
        assert tag.slug == "shanghai"
        assert tag.natural_key() == ["shanghai"]
        assert Tag.objects.get_by_natural_key("shanghai") == tag


class TestCitation:
    def test_links_to_the_paragraph_and_highlights_the_passage(self):
        article = make_article(
            body="One.\n\nThe fund raised 2.2 billion yuan in its first-phase round."
        )
        citation = make_citation(
            article, "The fund raised 2.2 billion yuan in its first-phase round."
        )
        assert citation.is_verbatim()
        assert citation.paragraph_number() == 2
        url = citation.get_absolute_url()
        assert url.startswith(f"/articles/{article.slug}/#p-2:~:text=")
        # "-" is syntax in a text directive and must arrive escaped.
        assert "first%2Dphase" in url

    def test_excerpt_outside_the_body_links_to_the_article(self):
        article = make_article(standfirst="A four-time participant.")
        citation = make_citation(article, "A four-time participant.")
        assert citation.is_verbatim()
        assert citation.paragraph_number() is None
        assert "#article:~:text=" in citation.get_absolute_url()

    def test_an_altered_excerpt_is_not_verbatim(self):
        citation = make_citation(make_article(), "about Acme Corp")
        assert not citation.is_verbatim()

    def test_an_outside_citation_links_to_its_page_and_says_so(self):
        outside = make_outside_source(url="https://news.example/expo-2021")
        citation = Citation.objects.create(
            outside_source=outside, excerpt="The expo runs from November 5 to 10"
        )
        assert citation.is_outside and citation.source == outside
        assert citation.paragraph_number() is None
        # Not one of our articles, so nothing here can prove it verbatim.
        assert not citation.is_verbatim()
        assert citation.get_absolute_url() == (
            "https://news.example/expo-2021#:~:text=The%20expo%20runs%20from%20November%205%20to%2010"
        )
        assert str(citation) == (
            # The passage first: it tells two citations of one source apart.
            "“The expo runs from November 5 to 10” — Daily Acme: https://news.example/expo-2021"
        )


def make_outside_source(url="https://news.example/acme", **fields):
    fields.setdefault("publisher", "Daily Acme")
    return OutsideSource.objects.create(url=url, **fields)


class TestDateForReaders:
    """Readers see when a report was first published, not when Newsroom copied it."""

    def test_a_copy_shows_the_original_date_at_its_precision(self):
        copy = make_article(
            source_name="Daily Acme",
            source_published_on=date(2021, 11, 5),
            source_date_precision=DatePrecision.DAY,
        )
        assert copy.date_for_readers == "5 November 2021"
        assert copy.machine_date_for_readers == "2021-11-05"
        Article.objects.filter(pk=copy.pk).update(source_date_precision=DatePrecision.MONTH)
        copy.refresh_from_db()
        assert (copy.date_for_readers, copy.machine_date_for_readers) == (
            "November 2021",
            "2021-11",
        )

    def test_our_own_reporting_shows_its_publication_date(self):
        ours = make_article(published_at=timezone.now() - timedelta(days=3))
        expected = timezone.localtime(ours.published_at).date()
        assert ours.machine_date_for_readers == expected.isoformat()
        assert ours.date_for_readers == format_partial_date(expected, DatePrecision.DAY)

    def test_the_source_line_names_the_publisher_date_and_how_we_know(self):
        copy = make_article(
            source_name="Daily Acme",
            source_url="https://news.example/acme",
            source_published_on=date(2021, 11, 5),
            source_date_precision=DatePrecision.DAY,
            source_date_note="The page's address holds the date: https://news.example/acme",
        )
        doc = parse(render_to_string("includes/source_line.html", {"article": copy}))
        line = doc.cssselect(".source-line p")[0]
        assert text(line) == "First published by Daily Acme, 5 November 2021"
        assert line.cssselect("a")[0].get("href") == "https://news.example/acme"
        assert line.cssselect("time")[0].get("datetime") == "2021-11-05"
        note = doc.cssselect("details.source-date-note")[0]
        assert text(note.cssselect("summary")[0]) == "How we know this"
        assert "address holds the date" in text(note)

    def test_no_source_line_for_our_own_reporting(self):
        html = render_to_string("includes/source_line.html", {"article": make_article()})
        assert "First published" not in html


@pytest.mark.parametrize(
    "value, precision, text, shown",
    [
        (date(2021, 10, 5), DatePrecision.DAY, "", "5 October 2021"),
        (date(2021, 10, 1), DatePrecision.MONTH, "", "October 2021"),
        (date(2017, 1, 1), DatePrecision.YEAR, "", "2017"),
        (None, "", "early October", "early October"),
    ],
)
def test_dates_are_shown_at_their_precision(value, precision, text, shown):
    assert format_partial_date(value, precision, text) == shown


@pytest.mark.parametrize(
    "precision, machine",
    [(DatePrecision.DAY, "2021-11-05"), (DatePrecision.MONTH, "2021-11"), ("year", "2021")],
)
def test_machine_dates_are_no_more_precise_than_known(precision, machine):
    assert machine_partial_date(date(2021, 11, 5), precision) == machine
