"""Article bodies are rendered on save and stored, and a stored body is never stale."""

import pytest

from articles import rendering, stored_bodies
from articles.models import Article, Company
from articles.selectors import article_detail_queryset

from .factories import make_article, make_company

pytestmark = pytest.mark.django_db


def fresh(article):
    return article_detail_queryset().get(pk=article.pk)


@pytest.fixture
def story(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article("acme-story", body="Acme grows.\n\nMore on Acme.")
        article.companies.add(make_company("acme", name="Acme"))
    return fresh(article)


def test_a_save_stores_the_body_readers_get(story):
    assert story.body_html_key == stored_bodies.inputs_key(story)
    assert story.body_html == rendering.render_article_body(story)
    assert 'href="/companies/acme/"' in story.body_html


def test_the_page_serves_the_stored_body_without_rendering(client, story, monkeypatch):
    def no_render(article):
        raise AssertionError("rendered although stored")

    monkeypatch.setattr(stored_bodies, "render_article_body", no_render)
    assert 'href="/companies/acme/"' in client.get("/articles/acme-story/").content.decode()


def test_a_rename_renders_the_bodies_that_mention_it_again(
    story, django_capture_on_commit_callbacks
):
    company = Company.objects.get(slug="acme")
    with django_capture_on_commit_callbacks(execute=True):
        company.slug = "acme-group"
        company.save()
    story = fresh(story)
    assert 'href="/companies/acme-group/"' in story.body_html
    assert story.body_html_key == stored_bodies.inputs_key(story)


def test_a_missed_refresh_costs_a_render_never_a_stale_body(client, story):
    # A write that sends no signal (a bulk UPDATE) leaves the stored copy behind.
    Company.objects.filter(slug="acme").update(slug="acme-corp")
    html = client.get("/articles/acme-story/").content.decode()
    assert 'href="/companies/acme-corp/"' in html and "/companies/acme/" not in html


def test_unlinking_an_entity_renders_the_body_again(story, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        story.companies.clear()
    assert "/companies/acme/" not in fresh(story).body_html


def test_the_command_stores_what_bulk_inserts_left_empty(db):
    Article.objects.bulk_create([Article(title="Bulk", slug="bulk", body="Plain *text*.")])
    from django.core.management import call_command

    call_command("render_article_bodies", verbosity=0)
    stored = Article.objects.get(slug="bulk")
    assert stored.body_html == '<p id="p-1">Plain <em>text</em>.</p>'


def test_the_report_is_stored_when_loaded(report):
    article = fresh(report)
    assert article.body_html and article.body_html_key == stored_bodies.inputs_key(article)


def test_a_retitled_role_stores_the_bodies_of_its_person_again(
    django_capture_on_commit_callbacks,
):
    from articles.models import Role

    from .factories import make_citation, make_person

    with django_capture_on_commit_callbacks(execute=True):
        article = make_article("ada-story", body="Ada, the Chair, spoke.\n\nMore.")
        ada = make_person("ada", name="Ada")
        article.people.add(ada)
        role = Role.objects.create(
            person=ada, company=make_company("acme"), title="Chair", citation=make_citation(article)
        )
    before = fresh(article).body_html_key
    with django_capture_on_commit_callbacks(execute=True):
        role.title = "President"
        role.save()
    stored = fresh(article)
    assert stored.body_html_key != before
    assert stored.body_html_key == stored_bodies.inputs_key(stored)
