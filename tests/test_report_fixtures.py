"""The report as data: faithful to the seed, idempotent, and validated on load."""

import json
import re
import shutil
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.management.commands.load_report import REPORT_DIR
from articles.models import (
    ArticleStatus,
    Citation,
    Company,
    CompanyRelation,
    Event,
    Fact,
    OutsideSource,
    Participation,
    Person,
    Quote,
    Role,
    Tag,
    TaggedItem,
)

from .html import parse, text
from .snapshots import content_snapshot, is_empty

pytestmark = pytest.mark.django_db

# Every company, organisation, person, event, place, product and programme the report
# names, as it names them. Each must be in the report and in the database.
NAMED_IN_REPORT = {
    Company: [
        "AstraZeneca",
        "AstraZeneca China",
        "China International Capital Corporation",
        "Abbisko",
        "Zhizhong Healthcare",
        "Deepwise",
        "ETERN Therapeutics",
        "Cellular Biomedicine Group",
        "R&D China Center",
        "Shanghai International Life Science Innovation Campus",
        "Medical Healthcare AI Innovation Center",
        "China Health IoT Innovation Center",
        "iCampus",
        "healthcare industry fund",
    ],
    Person: ["Leon Wang"],
    Event: ["China International Import Expo", "CIIE", "first CIIE", "second CIIE", "4th CIIE"],
    Tag: [
        "China",
        "Chinese mainland",
        "Shanghai",
        "Jing'an District",
        "Beijing",
        "Hangzhou",
        "Guangzhou",
        "Chengdu",
        "Yantai",
        "Hainan Province",
        "Wuxi",
        "Yixing",
        "Yangtze River Delta",
        "Boao Lecheng pilot zone",
        "Flumucil",
        "Broncho-Vaxom",
        "Roxadustat",
        "Linzess",
    ],
}


def seed_parts(seed_text: str) -> dict:
    lines = [line.strip() for line in seed_text.splitlines()]
    return {
        "title": lines[0],
        "standfirst": lines[2],
        "caption": lines[5],
        # Body: after the caption, without blank lines and the closing furniture.
        "paragraphs": [line for line in lines[7:] if line and line != "Special Reports"],
    }


class TestFidelity:
    def test_article_is_the_report_verbatim(self, report, seed_text):
        seed = seed_parts(seed_text)
        assert report.title == seed["title"]
        assert report.standfirst == seed["standfirst"]
        assert report.image_caption == "AstraZeneca's booth at the 4th CIIE" == seed["caption"]
        assert len(seed["paragraphs"]) == 24
        assert report.paragraphs() == seed["paragraphs"]
        # The repeated headline and the "Special Reports" line are page furniture.
        assert report.title not in report.body
        assert "Special Reports" not in report.body
        assert report.section == "Special Reports"
        assert report.status == ArticleStatus.PUBLISHED and report.is_live

    def test_every_excerpt_and_quote_is_verbatim_in_the_seed(self, report, seed_text):
        excerpts = list(Citation.objects.filter(article=report).values_list("excerpt", flat=True))
        quotes = list(Quote.objects.values_list("text", flat=True))
        assert len(excerpts) >= 40 and len(quotes) == 4
        for passage in excerpts + quotes:
            assert passage in seed_text, passage

    def test_every_named_entity_has_a_row(self, report, seed_text):
        for model, names in NAMED_IN_REPORT.items():
            rows = list(model.objects.all())
            known = {name.lower() for row in rows for name in [row.name, *row.alias_list]}
            for name in names:
                assert name in seed_text, f"{name!r} is not in the report"
                # Exactly a name or alias: a substring ("CIIE" in "first CIIE") would pass
                # with the alias itself missing.
                assert name.lower() in known, f"no {model.__name__} for {name!r}"

    def test_every_entity_states_cited_facts(self, report):
        for company in Company.objects.all():
            cited = (
                company.facts.count()
                + company.relations_out.count()
                + company.relations_in.count()
                + company.participations.count()
            )
            assert cited, f"{company} has no cited fact"
        for person in Person.objects.all():
            assert person.roles.exists() and person.quotes.exists()
        for event in Event.objects.all():
            assert event.facts.exists() or event.participations.exists(), event
        for tag in Tag.objects.filter(kind__in=["product", "programme"]):
            assert tag.facts.exists(), tag

    def test_amounts_are_stored_in_both_currencies(self, report):
        fund = Company.objects.get(slug="healthcare-industry-fund")
        amounts = {fact.unit: fact.quantity for fact in fund.facts.exclude(quantity=None)}
        assert amounts == {"CNY": 2_200_000_000, "USD": 338_000_000}

    def test_dates_keep_their_precision_and_derivations_are_written_down(self, report):
        founded = Fact.objects.get(company__slug="china-health-iot-innovation-center")
        assert founded.when == "2017"
        unveiled = CompanyRelation.objects.get(
            source__slug="astrazeneca", target__slug="astrazeneca-rd-china-center"
        )
        # “Early October”, a month before the report: October 2021, and it says how.
        assert unveiled.when == "October 2021" and unveiled.date_text == "early October"
        assert "5 November 2021" in unveiled.derivation
        third = Participation.objects.get(event__slug="ciie-3")
        assert "four consecutive" in third.citation.excerpt and third.derivation
        # The report never dates a CIIE; the series has no outside source, so no date.
        series = Event.objects.get(slug="china-international-import-expo")
        assert series.starts_on is None and series.location == ""

    def test_the_report_connects_entities_through_tags(self, report):
        shanghai = Tag.objects.get(slug="shanghai")
        tagged_models = {item.content_type.model for item in shanghai.tagged_items.all()}
        assert {"article", "company"} <= tagged_models

    def test_the_role_title_is_kept_as_printed(self, report, seed_text):
        title = Role.objects.get().title
        assert title == "executive vice-president, International and China president"
        assert f"Leon Wang, {title} of AstraZeneca" in seed_text


# Words whose referent the passage leaves to the text around it.
REFERRING = re.compile(
    r"\bIt\b|\bIt's\b|\bThe area\b|\bthe (city|company|country)\b|\b[Tt]his year"
)
QUOTED = re.compile(r"“([^”]+)”")
ICAMPUS_PLAN = "At this year's CIIE, the iCampus will bring in more than 10 companies"


def cited_rows():
    for model in (Fact, Role, CompanyRelation, Participation):
        yield from model.objects.select_related("citation__article", "citation__outside_source")


class TestCorrections:
    """What a careful data editor corrected: each assertion fails on the old data."""

    def test_the_article_records_where_and_when_it_was_first_published(self, report):
        assert report.source_name == "SHINE (Shanghai Daily)"
        assert report.source_url == "http://www.shine.cn/biz/company/2111057559/"
        assert report.source_published_on == date(2021, 11, 5)
        assert report.source_date_precision == "day"
        # How we know: the story number and an outside source for the expo's dates.
        assert "211105" in report.source_date_note
        assert "https://tass.com/economy/1358045" in report.source_date_note
        # Readers see the report's own date; published_at stays Newsroom's copy.
        assert report.date_for_readers == "5 November 2021"
        assert report.published_at.date() != report.source_published_on

    def test_the_article_page_shows_the_original_source(self, report, client):
        doc = parse(client.get(report.get_absolute_url()))
        [line] = doc.cssselect(".source-line > p")
        assert text(line) == "First published by SHINE (Shanghai Daily), 5 November 2021"
        assert line.cssselect("time")[0].get("datetime") == "2021-11-05"
        [note] = doc.cssselect(".source-line details")
        assert text(note.cssselect("summary")[0]) == "How we know this"

    def test_names_the_report_never_prints_are_marked_as_ours(self, report, seed_text):
        for model in (Company, Person, Event):
            for entity in model.objects.all():
                printed = entity.name in seed_text
                assert entity.name_given_by_us is not printed, entity
                if entity.name_given_by_us:
                    assert "ours" in entity.description or "describes it" in entity.description
        ours = set(Event.objects.filter(name_given_by_us=True).values_list("slug", flat=True))
        assert ours == {"ciie-1", "ciie-2", "ciie-3", "ciie-4"}
        assert Company.objects.get(slug="astrazeneca-rd-china-center").name_given_by_us

    def test_every_inference_has_a_derivation(self, report):
        checked = 0
        for row in cited_rows():
            excerpt = row.citation.excerpt
            if REFERRING.search(excerpt):
                assert row.derivation, f"{row}: “{excerpt}” needs a derivation"
                checked += 1
            if row.date and str(row.date.year) not in excerpt:
                assert str(row.date.year) in row.derivation, f"{row}: how is {row.when} known?"
        assert checked >= 15

    def test_derivations_quote_the_article_faithfully(self, report):
        source = report.source_text().lower()
        for row in cited_rows():
            if row.citation.is_outside:
                continue
            for passage in QUOTED.findall(row.derivation):
                assert passage.lower() in source, f"{row}: “{passage}” is not in the report"

    def test_the_fund_derivations_point_at_the_sentence_that_names_it(self, report):
        names_it = (
            "AstraZeneca and China International Capital Corporation jointly established a "
            "healthcare industry fund at the second CIIE."
        )
        paragraphs = report.paragraphs()
        rows = [
            *CompanyRelation.objects.filter(source__slug="healthcare-industry-fund"),
            *Fact.objects.filter(company__slug="healthcare-industry-fund").exclude(derivation=""),
        ]
        assert len(rows) == 8
        for row in rows:
            assert f"“{names_it}”" in row.derivation
            number = row.citation.paragraph_number()
            paragraph = paragraphs[number - 1]
            if "paragraph before" in row.derivation:
                assert paragraphs[number - 2].startswith(names_it), row
                assert not paragraph.startswith(names_it)
            else:
                assert "sentence before" in row.derivation
                # The sentence that holds the excerpt follows the one that names the fund.
                start = paragraph.index(row.citation.excerpt)
                sentence_start = paragraph[:start].rfind(". ") + 2
                assert paragraph[:sentence_start].rstrip().endswith(names_it), row

    def test_the_icampus_plans_keep_the_future_tense(self, report):
        plans = Fact.objects.filter(company__slug="icampus", citation__excerpt__contains="will")
        assert plans.count() == 2
        for fact in plans:
            assert ICAMPUS_PLAN in fact.citation.excerpt
            assert fact.value.startswith("Will "), fact.value
            assert "A plan" in fact.derivation
            assert (fact.date.year, fact.date_precision) == (2021, "year")

    def test_the_icampus_at_the_4th_ciie_is_marked_as_an_inference(self, report):
        participation = Participation.objects.get(company__slug="icampus")
        assert participation.event.slug == "ciie-4"
        assert participation.derivation.startswith("Inferred, not stated")

    def test_this_year_is_2021_with_how_it_is_known(self, report):
        rows = [row for row in cited_rows() if re.search("[Tt]his year", row.citation.excerpt)]
        assert len(rows) >= 5
        for row in rows:
            assert (row.date, row.date_precision) == (date(2021, 1, 1), "year"), row
            assert "5 November 2021" in row.derivation

    def test_the_article_is_tagged_with_every_place_and_topic_it_names(self, report):
        article_tags = set(report.tags.values_list("slug", flat=True))
        words = report.source_text().lower()
        places_and_topics = Tag.objects.filter(kind__in=["place", "topic"])
        assert places_and_topics.count() == 27
        for tag in places_and_topics:
            assert any(name.lower() in words for name in [tag.name, *tag.alias_list]), tag
            assert tag.slug in article_tags, f"the article names {tag} but is not tagged"
        assert "beijing" in article_tags
        # Every place the report names resolves to a tag that tags the article.
        for name in NAMED_IN_REPORT[Tag]:
            tag = next(t for t in Tag.objects.all() if name in [t.name, *t.alias_list])
            assert tag.slug in article_tags, name

    def test_no_near_duplicate_tags_remain(self, report):
        def fold(name):
            return re.sub(r"[^a-z]", "", name.lower()).removesuffix("s").removeprefix("bio")

        seen = {}
        for tag in Tag.objects.all():
            for name in {fold(n) for n in [tag.name, *tag.alias_list]}:
                assert seen.setdefault(name, tag) == tag, f"{tag} and {seen[name]}: one thing?"
        # The pairs a reader would confuse are merged or told apart.
        assert not Tag.objects.filter(slug__in=["chinese-mainland", "biopharmaceuticals"])
        assert "Chinese mainland" in Tag.objects.get(slug="china").alias_list
        assert "biopharmaceutical" in Tag.objects.get(slug="pharmaceuticals").description
        digital = Tag.objects.get(slug="digital-healthcare")
        internet = Tag.objects.get(slug="internet-based-healthcare")
        assert "Internet-based healthcare" in digital.description
        assert "digital healthcare" in internet.description


# The CIIE editions' dates come from outside pages found and cited, never the report.
EDITION_DATES = {
    "ciie-1": (date(2018, 11, 5), date(2018, 11, 10)),
    "ciie-2": (date(2019, 11, 5), date(2019, 11, 10)),
    "ciie-3": (date(2020, 11, 5), date(2020, 11, 10)),
    "ciie-4": (date(2021, 11, 5), date(2021, 11, 10)),
}


class TestOutsideSources:
    def test_each_ciie_edition_is_dated_from_a_cited_outside_source(self, report, seed_text):
        for slug, (starts, ends) in EDITION_DATES.items():
            event = Event.objects.get(slug=slug)
            assert (event.starts_on, event.ends_on, event.date_precision) == (starts, ends, "day")
            assert event.when == f"{starts:%-d %B %Y} – {ends:%-d %B %Y}"
            dates = event.facts.get(label="Dates")
            citation = dates.citation
            assert citation.is_outside and citation.outside_source.url.startswith("http")
            assert citation.outside_source.publisher
            assert citation.excerpt not in seed_text
            # The page's words give both days; the year is in them or said where from.
            assert re.search(rf"\b{starts.day}\b.*\b{ends.day}\b", citation.excerpt)
            assert str(starts.year) in citation.excerpt + dates.derivation
            assert dates.value.startswith(f"{starts.day} to {ends:%-d %B %Y}, according to ")
            venue = event.facts.get(label="Venue")
            assert venue.citation.is_outside
            assert "National Exhibition and Convention Center" in venue.citation.excerpt
            assert event.location == "National Exhibition and Convention Center (Shanghai)"

    def test_outside_facts_say_whose_they_are_on_the_page(self, report, client):
        doc = parse(client.get("/events/ciie-1/"))
        # In the key-facts box or the list below it.
        facts = " ".join(text(dl) for dl in doc.cssselect(".key-facts dl, dl.facts"))
        assert "5 to 10 November 2018, according to ciie.org" in facts
        assert any(
            href.startswith("https://www.ciie.org/zbh/faqs/#:~:text=")
            for href in (a.get("href") for a in doc.cssselect(".key-facts dl a, dl.facts a"))
        )

    def test_outside_sources_are_not_checked_against_the_report(self, report):
        out = StringIO()
        call_command("check_fixtures", stdout=out)
        assert "7 citations of outside sources, 4 outside sources" in out.getvalue()
        assert OutsideSource.objects.filter(citations__isnull=True).count() == 0


class TestLoading:
    def test_loading_twice_changes_nothing(self, report):
        first = content_snapshot()
        call_command("load_report", verbosity=0)
        assert content_snapshot() == first
        assert TaggedItem.objects.count() == 94

    def test_if_missing_keeps_editors_changes(self, report):
        Company.objects.filter(slug="abbisko").update(description="Edited by an editor.")
        out = StringIO()
        call_command("load_report", "--if-missing", stdout=out)
        assert "already loaded" in out.getvalue()
        assert Company.objects.get(slug="abbisko").description == "Edited by an editor."

    def test_dump_and_reload_keeps_every_tag_and_relation(self, report, tmp_path):
        before = content_snapshot()
        dump = tmp_path / "dump.json"
        call_command(
            "dumpdata", "articles", "--natural-foreign", "--output", str(dump), verbosity=0
        )
        delete_all_content()
        assert is_empty()
        call_command("loaddata", str(dump), verbosity=0)
        assert content_snapshot() == before

    def test_check_fixtures_passes_on_the_report(self, report):
        out = StringIO()
        call_command("check_fixtures", stdout=out)
        assert "Content checks passed: 42 citations, 4 quotes" in out.getvalue()


def delete_all_content():
    for model in (TaggedItem, Quote, Fact, Role, CompanyRelation, Participation, Citation):
        model.objects.all().delete()
    OutsideSource.objects.all().delete()
    from articles.models import Article

    Article.objects.all().delete()
    Event.objects.exclude(series=None).delete()
    for model in (Event, Company, Person, Tag):
        model.objects.all().delete()


class TestCheckFixtures:
    """check_fixtures names each kind of corruption and exits non-zero."""

    def run_check(self) -> str:
        with pytest.raises(CommandError) as caught:
            call_command("check_fixtures")
        return str(caught.value)

    def test_excerpt_not_verbatim(self, report):
        Citation.objects.filter(pk=1).update(excerpt="AstraZeneca, a five-time CIIE participant")
        assert "excerpt is not verbatim" in self.run_check()

    def test_quote_not_verbatim(self, report):
        Quote.objects.filter(position=1).update(text="The CIIE is merely a platform")
        assert "Quote 1 by Leon Wang: not verbatim" in self.run_check()

    def test_tagged_item_points_at_nothing(self, report):
        TaggedItem.objects.filter(pk=1).update(object_id=999_999)
        assert "articles.Article 999999, which does not exist" in self.run_check()

    def test_unused_tag(self, report):
        Tag.objects.create(name="Unused", kind="topic")
        assert "Tag “unused” tags nothing" in self.run_check()

    def test_citation_supporting_nothing(self, report):
        Citation.objects.create(article=report, excerpt="AstraZeneca")
        assert "supports no fact: “AstraZeneca”" in self.run_check()

    def test_outside_excerpt_says_nothing(self, report):
        Citation.objects.filter(outside_source__url__contains="ciie.org").update(excerpt="   ")
        assert "the excerpt is empty" in self.run_check()

    def test_outside_source_cited_by_nothing(self, report):
        OutsideSource.objects.create(publisher="Daily Acme", url="https://news.example/acme")
        assert "(https://news.example/acme) is cited by nothing" in self.run_check()

    def test_entity_in_no_article(self, report):
        Person.objects.create(name="Nobody", slug="nobody")
        assert "Person “nobody” is in no article" in self.run_check()

    def test_lists_every_problem_at_once(self, report):
        Tag.objects.create(name="Unused", kind="topic")
        Person.objects.create(name="Nobody", slug="nobody")
        message = self.run_check()
        assert message.startswith("2 problem(s)")


@pytest.fixture
def fixture_copy(tmp_path):
    """A writable copy of the report's fixtures, to corrupt."""
    target = tmp_path / "report"
    shutil.copytree(REPORT_DIR, target)
    return target


def edit(path, change):
    objects = json.loads(path.read_text())
    change(objects)
    path.write_text(json.dumps(objects))


def first(objects, model):
    return next(obj for obj in objects if obj["model"] == f"articles.{model}")


def truncate(path):
    path.write_text(path.read_text()[:500])


def rename_model(objects):
    first(objects, "company")["model"] = "articles.nonsuch"


def dangle(objects):
    first(objects, "fact")["fields"]["company"] = ["no-such-company"]


def duplicate_slug(objects):
    twin = json.loads(json.dumps(first(objects, "company")))
    twin["pk"] = 999
    objects.append(twin)


def bad_choice(objects):
    first(objects, "company")["fields"]["kind"] = "conglomerate"


def bad_date(objects):
    first(objects, "fact")["fields"].update(date="2021-02-30", date_precision="day")


def reversed_dates(objects):
    first(objects, "event")["fields"].update(
        starts_on="2021-11-10", ends_on="2021-11-05", date_precision="day"
    )


def altered_excerpt(objects):
    first(objects, "citation")["fields"]["excerpt"] = "AstraZeneca, a five-time CIIE participant"


@pytest.mark.parametrize(
    "filename, corrupt, message",
    [
        ("02-entities.json", truncate, "02-entities.json"),
        ("02-entities.json", rename_model, "Invalid model identifier: articles.nonsuch"),
        ("05-facts.json", dangle, "refers to company “no-such-company”, which is in neither"),
        ("02-entities.json", duplicate_slug, "unique"),
        ("02-entities.json", bad_choice, "company_kind_valid"),
        ("05-facts.json", bad_date, "invalid date"),
        ("02-entities.json", reversed_dates, "event_ends_after_start"),
        ("04-citations.json", altered_excerpt, "excerpt is not verbatim"),
    ],
    ids=[
        "bad-json",
        "unknown-model",
        "dangling-reference",
        "duplicate-slug",
        "invalid-choice",
        "invalid-date",
        "event-ends-before-start",
        "excerpt-not-verbatim",
    ],
)
def test_malformed_fixtures_are_refused_and_load_nothing(fixture_copy, filename, corrupt, message):
    path = fixture_copy / filename
    corrupt(path) if corrupt is truncate else edit(path, corrupt)

    with pytest.raises(CommandError) as caught:
        call_command("load_report", "--fixture-dir", str(fixture_copy))

    text = str(caught.value)
    assert text.startswith("Nothing was loaded; the database is unchanged.")
    assert message.lower() in text.lower()
    assert is_empty()


def test_a_bad_reload_leaves_loaded_content_as_it_was(report, fixture_copy):
    before = content_snapshot()
    edit(fixture_copy / "02-entities.json", bad_choice)
    with pytest.raises(CommandError):
        call_command("load_report", "--fixture-dir", str(fixture_copy))
    assert content_snapshot() == before
