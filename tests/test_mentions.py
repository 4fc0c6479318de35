import pytest
from django.urls import reverse

from articles.mentions import suggestions
from articles.models import Article, Company, Event, Tag

from .admin_helpers import article_form_data
from .factories import make_article
from .forms import form_data
from .html import parse

pytestmark = pytest.mark.django_db


def test_suggests_known_names_the_article_is_not_linked_to(report):
    article = make_article(
        "follow-up",
        # "Investment" is a topic tag: named here, and still never suggested.
        body="Abbisko and the CIIE met in Shanghai; AstraZeneca too.\n\nAbbisko again. "
        "Investment rose.",
    )
    article.companies.add(Company.objects.get(slug="astrazeneca"))
    found = {(s.field, s.obj.slug, s.name) for s in suggestions(article)}
    assert ("companies", "abbisko", "Abbisko") in found
    assert ("events", "china-international-import-expo", "CIIE") in found
    assert ("tags", "shanghai", "Shanghai") in found
    assert not any(slug == "astrazeneca" for _, slug, _ in found)  # already attached
    assert not any(field == "tags" and slug == "investment" for field, slug, _ in found)


def test_the_editor_attaches_suggestions_in_one_save(client, editor, report):
    client.force_login(editor)
    article = make_article("follow-up", body="Abbisko met Deepwise in Wuxi.")
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url).content.decode()
    assert "Mentioned but not attached" in page and "Abbisko (company, as “Abbisko”)" in page
    wanted = [
        f"companies:{Company.objects.get(slug='abbisko').pk}",
        f"tags:{Tag.objects.get(slug='wuxi').pk}",
    ]
    response = client.post(url, form_data(page, attach_mentions=wanted))
    assert response.status_code == 302
    assert set(article.companies.values_list("slug", flat=True)) == {"abbisko"}
    assert set(article.tags.values_list("slug", flat=True)) == {"wuxi"}
    # Deepwise, not attached, is still offered; Abbisko, now attached, is not.
    offered = parse(client.get(url)).xpath('//input[@name="attach_mentions"]/@value')
    assert f"companies:{Company.objects.get(slug='deepwise').pk}" in offered
    assert f"companies:{Company.objects.get(slug='abbisko').pk}" not in offered


def test_multi_word_tags_stay_one_tag(client, editor, report):
    client.force_login(editor)
    expo = Tag.objects.create(name="China International Import Expo", kind="topic")
    response = client.post(
        reverse("admin:articles_article_add"), article_form_data(tags=[str(expo.pk)])
    )
    assert response.status_code == 302
    assert list(Article.objects.get(slug="a-new-story").tags.all()) == [expo]
    found = client.get(
        "/admin/autocomplete/",
        {
            "term": "China Intern",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "tags",
        },
    )
    assert {"id": str(expo.pk), "text": "China International Import Expo"} in found.json()[
        "results"
    ]
    assert not Event.objects.filter(name="China").exists()
