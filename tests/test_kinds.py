"""The registry of topic-page kinds, and the page objects built for them.

Every part that lists the kinds (URLs, feeds, sitemap, search, mentions, tag
groups, intersections) must read the registry, so each entry is checked here
through those parts, not by comparing lists.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import mentions, search, selectors, topic_pages
from articles.kinds import ENTITY_KINDS, KINDS, kind_of
from articles.models import Article, ArticleStatus, Citation, Company, Event, Fact, Person, Tag
from articles.sitemaps import SITEMAPS

from .factories import make_article


def test_every_model_of_a_topic_page_is_registered_once():
    assert [kind.model for kind in KINDS.values()] == [Company, Person, Event, Tag]
    for kind in KINDS.values():
        assert kind_of(kind.model) is kind
        # The article field it names is a real many-to-many of Article's.
        assert Article._meta.get_field(kind.article_field).related_model is kind.model


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kind_has_its_list_page_feed_and_search_group(client, report, name):
    kind = KINDS[name]
    obj = getattr(report, kind.article_field).first()
    assert obj is not None, f"the report names no {name}"
    assert client.get(reverse(kind.list_url_name)).status_code == 200
    assert client.get(obj.get_absolute_url()).status_code == 200
    feed = reverse("entity_feed", kwargs={"kind": name, "slug": obj.slug})
    assert client.get(feed).status_code == 200
    results = search.search(obj.name)
    assert obj in results.groups[kind.group]
    assert kind.model in mentions.ATTACH_FIELDS


def test_an_unregistered_kind_word_is_404_in_feeds_and_intersections(client, report):
    assert client.get("/feed/article/x/").status_code == 404
    assert client.get("/together/company/astrazeneca/fund/x/").status_code == 404


@pytest.mark.parametrize("name", list(ENTITY_KINDS))
def test_each_named_entity_kind_has_a_sitemap_and_a_tag_group(name):
    kind = ENTITY_KINDS[name]
    assert kind.group in SITEMAPS
    assert kind.group in selectors.TAG_GROUPS


class TestPageObjects:
    def _hidden_fact(self, company, state):
        hidden = make_article(
            state,
            status=ArticleStatus.DRAFT if state == "draft" else ArticleStatus.PUBLISHED,
            published_at=None if state == "draft" else timezone.now() + timedelta(hours=1),
            body="Acme has a secret plan.",
        )
        citation = Citation.objects.create(article=hidden, excerpt="Acme has a secret plan.")
        return Fact.objects.create(company=company, label="Secret", value="plan", citation=citation)

    @pytest.mark.parametrize("state", ["draft", "scheduled"])
    def test_a_company_page_keeps_only_facts_readers_may_see(self, report, state):
        company = Company.objects.get(slug="astrazeneca")
        hidden = self._hidden_fact(company, state)
        loaded = selectors.company_detail_queryset().get(pk=company.pk)
        page = topic_pages.company_page(loaded)
        assert hidden in loaded.cited_facts  # loaded, then dropped by the page
        assert hidden not in page.facts
        assert page.facts, "the report's own facts stay"
        assert page.key_facts == page.facts[: topic_pages.KEY_FACTS]
        assert page.key_facts + page.more_facts == page.facts

    def test_page_objects_carry_what_the_template_shows(self, report):
        event = selectors.event_detail_queryset().get(slug="china-international-import-expo")
        page = topic_pages.event_page(event)
        editions = [edition.edition for edition in page.editions]
        assert editions == sorted(editions) and len(editions) == 4
        context = page.context()
        assert context["entity"] == event and context["page"] is page
        assert {"key_facts", "more_facts", "together", "timeline"} <= set(context)

    def test_an_edition_knows_its_neighbours_in_series_order(self, report):
        series = Event.objects.get(slug="china-international-import-expo")
        second = series.editions.get(edition=2)
        page = topic_pages.event_page(selectors.event_detail_queryset().get(pk=second.pk))
        assert page.previous_edition.edition == 1
        assert page.next_edition.edition == 3

    def test_a_person_page_holds_roles_and_live_quotes(self, report):
        person = Person.objects.get(slug="leon-wang")
        page = topic_pages.person_page(selectors.person_detail_queryset().get(pk=person.pk))
        assert page.roles and page.quotes
        assert all(quote.article.is_live for quote in page.quotes)
