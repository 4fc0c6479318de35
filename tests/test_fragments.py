"""Panels kept on their own (articles/fragments.py): a page drawn from kept panels is
the page drawn from the database, carries the same dependency keys, and a write
redraws only the panels that show what it changed.

That no kept panel is ever stale after a write, on every page type, is asserted by
tests/test_invalidation.py, which compares every page after each write with a render
that keeps nothing.
"""

import pytest
from django.test import override_settings

from articles import fragments
from articles.models import Company, Event

from .factories import make_article

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/articles/astrazeneca-continues-to-grow-footprint-in-china-with-landmark-expansion/",
    "/companies/astrazeneca/",
    "/people/leon-wang/",
    "/events/ciie-4/",
    "/tags/shanghai/",
]


def render(client, path, *, panels: bool):
    with override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=300 if panels else 0):
        response = client.get(path)
    assert response.status_code == 200, path
    return response


@pytest.fixture
def drawn(monkeypatch):
    """The names of the panels rendered (not taken from the store), in order."""
    names = []
    real = fragments.cached

    def spy(name, about, render, **kwargs):
        def counted():
            names.append(name)
            return render()

        return real(name, about, counted, **kwargs)

    monkeypatch.setattr(fragments, "cached", spy)
    return names


@pytest.mark.parametrize("path", PAGES)
def test_a_page_from_kept_panels_is_the_page_and_carries_the_same_keys(client, report, path):
    nothing_kept = render(client, path, panels=False)
    first = render(client, path, panels=True)  # draws and keeps the panels
    from_panels = render(client, path, panels=True)
    assert from_panels.content == first.content == nothing_kept.content
    keys = set(nothing_kept["Surrogate-Key"].split())
    assert keys == set(first["Surrogate-Key"].split()) == set(from_panels["Surrogate-Key"].split())
    assert len(keys) > 2  # the page's own rows, not just "site"


def test_kept_panels_are_not_drawn_again(client, report, drawn):
    path = PAGES[1]
    render(client, path, panels=True)
    assert drawn == ["head", "article", "related"]
    drawn.clear()
    render(client, path, panels=True)
    assert drawn == []


def test_a_new_article_on_the_same_subject_redraws_the_related_panel_only(client, report, drawn):
    path = report.get_absolute_url()
    render(client, path, panels=True)
    drawn.clear()
    newer = make_article("astrazeneca-again", title="AstraZeneca opens another site")
    newer.companies.add(Company.objects.get(slug="astrazeneca"))
    page = render(client, path, panels=True).content.decode()
    assert drawn == ["related"]
    assert "AstraZeneca opens another site" in page


def test_a_company_renamed_is_renamed_in_the_article_panels(client, report):
    path = report.get_absolute_url()
    render(client, path, panels=True)
    company = Company.objects.get(slug="astrazeneca")
    company.name = "AstraZeneca Group"
    company.save()
    page = render(client, path, panels=True).content.decode()
    assert page == render(client, path, panels=False).content.decode()
    assert "AstraZeneca Group" in page


def test_a_series_renamed_is_renamed_on_its_editions_pages(client, report):
    edition = Event.objects.get(slug="ciie-4")
    assert edition.series is not None
    render(client, "/events/ciie-4/", panels=True)
    series = edition.series
    series.name = "The Import Expo"
    series.save()
    page = render(client, "/events/ciie-4/", panels=True).content.decode()
    assert "Editions of The Import Expo" in page


def test_an_editor_neither_gets_nor_leaves_a_kept_panel(client, report, admin_user, drawn):
    draft = make_article("a-draft", status="draft", title="Embargoed until Monday")
    draft.companies.add(Company.objects.get(slug="astrazeneca"))
    path = report.get_absolute_url()
    client.force_login(admin_user)
    assert "Embargoed until Monday" in render(client, draft.get_absolute_url(), panels=True).text
    render(client, path, panels=True)
    client.logout()
    drawn.clear()
    render(client, path, panels=True)
    assert drawn == ["head", "article", "related"]  # the editor's were not kept

    client.force_login(admin_user)
    drawn.clear()
    render(client, path, panels=True)
    assert drawn == ["head", "article", "related"]  # the reader's are not given to them


def test_the_compiled_lookup_answers_as_the_public_rule_at_each_moment(db, fixed_clock):
    """selectors.public_by_slug runs NamedEntityQuerySet.public compiled once: with
    this request's slug and time, never the ones it was compiled with."""
    from datetime import timedelta

    from django.utils import timezone

    from articles import selectors

    from .factories import make_company

    embargoed, live = make_company("embargoed"), make_company("live")
    later = make_article("later", published_at=timezone.now() + timedelta(hours=1))
    later.companies.add(embargoed)
    make_article("now").companies.add(live)
    assert selectors.public_by_slug(Company, "live") == live
    assert selectors.public_by_slug(Company, "embargoed") is None  # not before its article
    assert selectors.public_by_slug(Company, "nobody") is None
    fixed_clock.shift(timedelta(hours=2))
    assert selectors.public_by_slug(Company, "embargoed") == embargoed
    for slug in ("live", "embargoed"):
        assert selectors.public_by_slug(Company, slug) == Company.objects.public().get(slug=slug)


def test_a_tag_on_public_entities_only_is_found_and_one_on_nothing_public_is_not(db):
    """The compiled lookup asks the common case (a live article carries the tag); the
    whole TagQuerySet.public answers the rest."""
    from articles import selectors
    from articles.models import Tag

    from .factories import make_company

    place = Tag.objects.create(name="Cambridge", slug="cambridge", kind="place")
    company = make_company("acme")
    company.tags.add(place)
    hidden = Tag.objects.create(name="Hidden", slug="hidden", kind="topic")
    make_article("draft", status="draft").tags.add(hidden)
    assert selectors.public_by_slug(Tag, "cambridge") is None  # acme is on no live article
    make_article("acme-news").companies.add(company)
    assert selectors.public_by_slug(Tag, "cambridge") == place
    assert selectors.public_by_slug(Tag, "hidden") is None
    make_article("tagged").tags.add(hidden)
    assert selectors.public_by_slug(Tag, "hidden") == hidden


def test_a_subject_whose_newest_links_are_all_drafts_is_still_found(db):
    """The lookup asks the newest links first; a live article further back is found by
    the rule itself."""
    from articles import selectors

    from .factories import make_company

    company = make_company("acme")
    make_article("old-news").companies.add(company)
    for n in range(selectors.RELATED_PER_SUBJECT + 1):
        make_article(f"draft-{n}", status="draft").companies.add(company)
    assert selectors._on_a_recent_live_article(Company, "acme") is None
    assert selectors.public_by_slug(Company, "acme") == company
