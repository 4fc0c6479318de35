"""A write makes stale exactly the cached pages that show what it changed.

Every page type is cached, a write is made through the ORM (the hook every write
path shares), and then every page is fetched again and compared with a fresh
render of it (page cache off): a page served from the cache must be the page a
fresh render gives (nothing stale), and the pages that do not show what changed
must still come from the cache (nothing emptied for nothing). With REDIS_URL set
the same checks run against the Redis store.
"""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from articles import intersections
from articles.models import Article, ArticleStatus, Fact, Role, Tag

from .factories import make_article, make_citation, make_company, make_event, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    """Two stories that share nothing: Acme's (with Ada, the Expo and a Widgets tag)
    and Globex's (tagged Shanghai)."""
    acme, globex = make_company("acme"), make_company("globex")
    ada, expo = make_person("ada"), make_event("expo")
    widgets = Tag.objects.create(name="Widgets", slug="widgets", kind="topic")
    shanghai = Tag.objects.create(name="Shanghai", slug="shanghai", kind="place")
    a = make_article(
        "acme-story",
        title="Acme opens a plant",
        body="Acme and Ada at the Expo.\n\nMore.",
        published_at=timezone.now() - timedelta(hours=2),
    )
    a.companies.add(acme)
    a.people.add(ada)
    a.events.add(expo)
    a.tags.add(widgets)
    b = make_article("globex-story", title="Globex in Shanghai", body="Globex grows.\n\nMore.")
    b.companies.add(globex)
    b.tags.add(shanghai)
    Fact.objects.create(company=acme, label="Staff", value="12", citation=make_citation(a, "Acme"))
    Role.objects.create(person=ada, company=acme, title="Chair", citation=make_citation(a, "Ada"))
    return {
        "a": a,
        "b": b,
        "acme": acme,
        "globex": globex,
        "ada": ada,
        "expo": expo,
        "widgets": widgets,
        "shanghai": shanghai,
    }


def page_paths(site) -> dict[str, str]:
    s = site
    return {
        "home": "/",
        "article list": "/articles/",
        "article a": s["a"].get_absolute_url(),
        "article b": s["b"].get_absolute_url(),
        "companies": "/companies/",
        "acme": s["acme"].get_absolute_url(),
        "globex": s["globex"].get_absolute_url(),
        "people": "/people/",
        "ada": s["ada"].get_absolute_url(),
        "events": "/events/",
        "expo": s["expo"].get_absolute_url(),
        "tags": "/tags/",
        "widgets": s["widgets"].get_absolute_url(),
        "shanghai": s["shanghai"].get_absolute_url(),
        "widgets articles": "/tags/widgets/articles/",
        "acme × ada": intersections.intersection_url(s["acme"], s["ada"]),
        "search acme": "/search/?q=Acme",
        "site feed": "/feed/",
        "acme feed": "/feed/company/acme/",
        "globex feed": "/feed/company/globex/",
        "sitemap": "/sitemap.xml",
    }


def fresh(path):
    """The page rendered from the database alone: no page, no panel kept."""
    with override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=0):
        response = Client().get(path)
    return response.status_code, response.content


def warm(client, paths):
    for name, path in paths.items():
        client.get(path)
        response = client.get(path)
        assert response.get("X-Page-Cache") == "hit", f"{name} ({path}) is not cached"


def after_write(client, paths) -> dict[str, str]:
    """Fetch every page; fail on any page served stale, whole from the page cache or
    drawn again from kept panels (articles/fragments.py). Returns name -> hit/miss."""
    states = {}
    for name, path in paths.items():
        response = client.get(path)
        states[name] = response.get("X-Page-Cache", "uncached")
        status, content = fresh(path)
        assert response.status_code == status, name
        assert response.content == content, f"{name} ({path}) was served stale ({states[name]})"
    return states


SCENARIOS = {
    # name: (the write, pages that do not show what it changes and must stay cached)
    "an article's text is edited": (
        lambda s: _save(s["a"], body="Acme and Ada at the Expo, with news.\n\nMore."),
        # Every page that lists it by headline stays: only its own page, its feeds'
        # update times, the sitemap and search snippets show the text.
        {
            "article b",
            "globex",
            "shanghai",
            "companies",
            "people",
            "tags",
            "globex feed",
            "home",
            "article list",
            "acme",
            "ada",
            "expo",
            "widgets",
            "widgets articles",
            "acme × ada",
        },
    ),
    "an article's headline is edited": (
        lambda s: _save(s["b"], title="Globex doubles in Shanghai"),
        {"article a", "acme", "ada", "expo", "widgets", "widgets articles", "acme × ada"},
    ),
    "a company is renamed": (
        lambda s: _save(s["globex"], name="Globex Group"),
        {"article a", "acme", "ada", "expo", "widgets", "acme × ada", "acme feed"},
    ),
    "a fact is added to a company": (
        lambda s: Fact.objects.create(
            company=s["acme"], label="Plants", value="3", citation=Fact.objects.get().citation
        ),
        {"article a", "article b", "home", "globex", "ada", "expo", "widgets", "site feed"},
    ),
    "a person's role is retitled": (
        lambda s: _save(Role.objects.get(person=s["ada"]), title="President"),
        {"article b", "globex", "shanghai", "home", "expo", "widgets", "globex feed"},
    ),
    "an article is unpublished": (
        lambda s: _save(s["b"], status=ArticleStatus.DRAFT),
        {"article a", "acme", "ada", "expo", "widgets", "widgets articles", "acme feed"},
    ),
    "an article is linked to another company": (
        lambda s: s["b"].companies.add(s["acme"]),
        {"ada", "expo", "widgets", "site feed", "globex feed"},
    ),
    "an article is unlinked by clearing its companies": (
        lambda s: s["b"].companies.clear(),
        {"article a", "acme", "ada", "expo", "widgets", "acme feed"},
    ),
    "an article is tagged": (
        lambda s: s["a"].tags.add(s["shanghai"]),
        {"globex", "globex feed"},
    ),
    "a new article is published": (
        lambda s: make_article("globex-again", title="Globex again").companies.add(s["globex"]),
        {"article a", "acme", "ada", "expo", "widgets", "widgets articles", "acme × ada"},
    ),
    "an event is deleted": (
        lambda s: s["expo"].delete(),
        {"article b", "globex", "shanghai", "globex feed"},
    ),
}


def _save(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_write_makes_stale_exactly_the_pages_that_show_it(client, site, scenario):
    write, untouched = SCENARIOS[scenario]
    paths = page_paths(site)
    warm(client, paths)
    before = {name: fresh(path) for name, path in paths.items()}
    write(site)
    states = after_write(client, paths)
    changed = {name for name, path in paths.items() if fresh(path) != before[name]}
    assert changed, "the write changed no page: the scenario tests nothing"
    assert not changed & untouched, "the scenario's untouched pages do show the change"
    assert {name for name in untouched if states[name] != "hit"} == set(), states
    # And every page that shows the change was rendered afresh.
    assert {name for name in changed if states[name] == "hit"} == set()


def test_pages_carry_their_keys_in_the_surrogate_key_header(client, site):
    response = client.get(site["a"].get_absolute_url())
    keys = set(response["Surrogate-Key"].split())
    a, acme = site["a"], site["acme"]
    assert {f"article:{a.pk}", f"about:article:{a.pk}", f"company:{acme.pk}", "site"} <= keys
    # A hit carries the same keys, for an edge cache that stores it.
    assert set(client.get(a.get_absolute_url())["Surrogate-Key"].split()) == keys
    home = set(client.get("/")["Surrogate-Key"].split())
    assert {"list:article", f"article:{a.pk}"} <= home


def test_a_page_with_many_rows_of_one_kind_carries_one_key_for_them(client, site):
    tags = [Tag(name=f"Topic {i}", slug=f"topic-{i}", kind="topic") for i in range(120)]
    Tag.objects.bulk_create(tags)
    site["a"].tags.add(*Tag.objects.filter(slug__startswith="topic-"))
    keys = set(client.get("/tags/")["Surrogate-Key"].split())
    assert "all:tag" in keys and not any(k.startswith("tag:") for k in keys)
    tag = Tag.objects.get(slug="topic-7")
    tag.name = "Topic seven"
    tag.save()
    assert client.get("/tags/")["X-Page-Cache"] == "miss"


def test_only_listing_changes_of_an_article_touch_its_lists(site, monkeypatch):
    """A text edit invalidates the article's text key alone; a new publication time,
    which reorders every list it is on, invalidates those lists too."""
    invalidated = []
    monkeypatch.setattr("articles.signals.invalidate", invalidated.append)
    a, widgets = Article.objects.get(pk=site["a"].pk), site["widgets"]
    _save(a, body="Fixed a typo.\n\nMore.")
    keys = set().union(*invalidated)
    # Only the pages that show its text: not every page that links to it.
    assert keys == {f"text:article:{a.pk}", "all:text:article"}, keys
    invalidated.clear()
    _save(a, published_at=timezone.now() - timedelta(minutes=1))
    keys = set().union(*invalidated)
    assert {"list:article", f"list:tag:{widgets.pk}", f"list:company:{site['acme'].pk}"} <= keys
