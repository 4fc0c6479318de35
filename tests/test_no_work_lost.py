"""Revisions and restore, conflicting saves, and renames and merges that keep links."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import (
    Article,
    Company,
    CompanyRelation,
    Event,
    Fact,
    Participation,
    SlugRedirect,
    Tag,
)

from .factories import make_article
from .forms import form_data

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    return reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])


def save_via_admin(client, obj, **changes):
    page = client.get(change_url(obj)).content.decode()
    return client.post(change_url(obj), form_data(page, **changes))


class TestRevisions:
    def test_every_save_keeps_a_revision_that_can_be_compared_and_restored(self, client, editor):
        client.force_login(editor)
        article = make_article("story", title="First headline")
        save_via_admin(client, article, title="Second headline")
        save_via_admin(client, Article.objects.get(pk=article.pk), title="Third headline")
        versions = list(Version.objects.get_for_object(article).order_by("pk"))
        assert [v.field_dict["title"] for v in versions] == ["Second headline", "Third headline"]

        history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
        assert history.status_code == 200 and "version_id1" in history.content.decode()
        compare = client.get(
            reverse("admin:articles_article_compare", args=[article.pk]),
            {"version_id1": versions[0].pk, "version_id2": versions[1].pk},
        )
        html = compare.content.decode()
        assert compare.status_code == 200
        assert "Second" in html and "Third" in html
        assert "<del>" in html or "<ins>" in html

        revision_url = reverse("admin:articles_article_revision", args=[article.pk, versions[0].pk])
        page = client.get(revision_url).content.decode()
        assert 'value="Second headline"' in page
        response = client.post(revision_url, form_data(page))
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Article.objects.get(pk=article.pk).title == "Second headline"

    def test_bulk_actions_are_revisions_too(self, client, editor):
        client.force_login(editor)
        article = make_article("story", status="draft", published_at=None)
        client.post(
            "/admin/articles/article/",
            {"action": "publish_now", "confirm": "yes", "_selected_action": [article.pk]},
        )
        [version] = Version.objects.get_for_object(article)
        assert version.field_dict["status"] == "published"
        assert version.revision.comment == "Published" and version.revision.user == editor


class TestConflicts:
    def test_the_second_of_two_overlapping_saves_is_refused(self, client, editor):
        client.force_login(editor)
        article = make_article("story", title="Original")
        stale_page = client.get(change_url(article)).content.decode()  # editor A opens it
        save_via_admin(client, article, title="Editor B's headline")  # editor B saves first

        response = client.post(
            change_url(article), form_data(stale_page, title="Editor A's headline")
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "Someone else saved this article after you opened it" in html
        assert reverse("admin:articles_article_history", args=[article.pk]) in html
        assert Article.objects.get(pk=article.pk).title == "Editor B's headline"

    def test_saving_again_after_reloading_works(self, client, editor):
        client.force_login(editor)
        article = make_article("story", title="Original")
        save_via_admin(client, article, title="One")
        response = save_via_admin(client, Article.objects.get(pk=article.pk), title="Two")
        assert response.status_code == 302
        assert Article.objects.get(pk=article.pk).title == "Two"


class TestRenameAndMerge:
    def test_renaming_keeps_links_and_the_old_address_redirects(self, client, editor, report):
        client.force_login(editor)
        company = Company.objects.get(slug="abbisko")
        response = save_via_admin(
            client, company, name="Abbisko Therapeutics", slug="abbisko-therapeutics"
        )
        assert response.status_code == 302
        company.refresh_from_db()
        assert company.slug == "abbisko-therapeutics" and company.articles.exists()
        old = client.get("/companies/abbisko/")
        assert old.status_code == 301 and old["Location"] == "/companies/abbisko-therapeutics/"
        assert client.get("/companies/abbisko-therapeutics/").status_code == 200

    def test_renaming_back_drops_the_redirect(self, client, editor, report):
        client.force_login(editor)
        company = Company.objects.get(slug="abbisko")
        save_via_admin(client, company, slug="abbisko-2")
        save_via_admin(client, Company.objects.get(pk=company.pk), slug="abbisko")
        assert client.get("/companies/abbisko/").status_code == 200
        assert client.get("/companies/abbisko-2/")["Location"] == "/companies/abbisko/"
        # The live slug must not also be a redirect (it would shadow a later rename).
        assert not SlugRedirect.objects.filter(old_slug="abbisko").exists()
        assert SlugRedirect.objects.filter(old_slug="abbisko-2").exists()

    def test_merging_companies_moves_every_link(self, client, editor, report):
        client.force_login(editor)
        keep = Company.objects.get(slug="astrazeneca")
        duplicate = Company.objects.create(name="Astra Zeneca", slug="astra-zeneca", aliases="AZ")
        duplicate.articles.add(make_article("other-story"))
        duplicate.tags.add(Tag.objects.get(slug="wuxi"))
        citation = keep.facts.first().citation
        Fact.objects.create(company=duplicate, label="Note", value="x", citation=citation)
        expo = Event.objects.get(slug="ciie-1")
        Participation.objects.create(
            company=duplicate, event=expo, role="organiser", citation=citation
        )
        other = Company.objects.get(slug="abbisko")
        CompanyRelation.objects.create(
            source=other, kind="partner_of", target=duplicate, citation=citation
        )
        response = client.post(
            "/admin/articles/company/",
            {
                "action": "merge",
                "confirm": "yes",
                "keep": str(keep.pk),
                "_selected_action": [keep.pk, duplicate.pk],
            },
        )
        assert response.status_code == 302
        assert not Company.objects.filter(pk=duplicate.pk).exists()
        keep.refresh_from_db()
        assert {"Astra Zeneca", "AZ"} <= set(keep.alias_list)
        assert keep.articles.filter(slug="other-story").exists()
        assert keep.facts.filter(label="Note").exists()
        assert keep.tags.filter(slug="wuxi").exists()
        assert keep.participations.filter(event=expo, role="organiser").exists()
        assert keep.relations_in.filter(source=other, kind="partner_of").exists()
        assert client.get("/companies/astra-zeneca/")["Location"] == "/companies/astrazeneca/"

    def test_merging_tags_keeps_every_tagged_item(self, client, editor, report):
        client.force_login(editor)
        keep = Tag.objects.get(slug="china")
        twin = Tag.objects.create(name="PRC", kind="place")
        article = Article.objects.get()
        article.tags.add(twin)  # already tagged China: must not duplicate
        other = make_article("other-story")
        other.tags.add(twin)
        client.post(
            "/admin/articles/tag/",
            {
                "action": "merge",
                "confirm": "yes",
                "keep": str(keep.pk),
                "_selected_action": [keep.pk, twin.pk],
            },
        )
        assert not Tag.objects.filter(slug="prc").exists()
        assert keep in other.tags.all() and list(article.tags.filter(slug="china")) == [keep]
        assert client.get("/tags/prc/")["Location"] == "/tags/china/"
        assert SlugRedirect.objects.filter(old_slug="prc").exists()
