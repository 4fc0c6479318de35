"""The report as data: faithful to the seed, idempotent, and validated on load."""

import json
import shutil
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
        excerpts = list(Citation.objects.values_list("excerpt", flat=True))
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
                assert any(name.lower() in k for k in known), f"no {model.__name__} for {name!r}"

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
        unveiled = CompanyRelation.objects.get(target__slug="astrazeneca-rd-china-center")
        assert unveiled.date is None and unveiled.when == "early October"
        third = Participation.objects.get(event__slug="ciie-3")
        assert "four consecutive" in third.citation.excerpt and third.derivation
        # The report never gives the year of any CIIE, so no event carries a date.
        assert not Event.objects.exclude(starts_on=None).exists()

    def test_the_report_connects_entities_through_tags(self, report):
        shanghai = Tag.objects.get(slug="shanghai")
        tagged_models = {item.content_type.model for item in shanghai.tagged_items.all()}
        assert {"article", "company"} <= tagged_models
        assert Role.objects.get().title.startswith("Executive vice-president")


class TestLoading:
    def test_loading_twice_changes_nothing(self, report):
        first = content_snapshot()
        call_command("load_report", verbosity=0)
        assert content_snapshot() == first
        assert TaggedItem.objects.count() == 81

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
