import pytest

from articles.autolink import Linkable, link_entities
from articles.models import Company, Person, Tag
from articles.rendering import render_article_body

from .factories import make_article

ACME = Linkable("company:1", ("Acme", "Acme Corp"), "/companies/acme/", "Acme")
ACME_CHINA = Linkable("company:2", ("Acme China",), "/companies/acme-china/", "Acme China")
CHINA = Linkable("tag:1", ("China",), "/tags/china/", "China")


def links(html: str) -> list[str]:
    import re

    return re.findall(r'<a class="entity-link" href="([^"]+)"', html)


def test_links_the_first_mention_only():
    html = link_entities("<p>Acme grew. Acme grew again.</p><p>Acme Corp too.</p>", [ACME])
    assert links(html) == ["/companies/acme/"]
    assert "Acme grew again" in html and "Acme Corp too" in html


def test_never_inside_links_or_headings():
    html = link_entities(
        '<h2>Acme</h2><p><a href="/x">Acme</a> and China</p><p>then Acme</p>', [ACME, CHINA]
    )
    assert "<h2>Acme</h2>" in html and '<a href="/x">Acme</a>' in html
    assert links(html) == ["/tags/china/", "/companies/acme/"]


def test_longest_name_wins_and_words_are_whole():
    html = link_entities(
        "<p>Acme China, not Acmeland or Chinatown, then China.</p>", [ACME, ACME_CHINA, CHINA]
    )
    assert links(html) == ["/companies/acme-china/", "/tags/china/"]
    assert "Acmeland" in html and "Chinatown" in html


def test_names_with_escaped_characters_match():
    rd = Linkable("company:3", ("R&D Center",), "/companies/rd/", "R&D Center")
    assert links(link_entities("<p>The R&amp;D Center opened.</p>", [rd])) == ["/companies/rd/"]


def test_never_inside_a_phrase_kept_whole():
    title = "Executive vice-president, International and China president"
    html = link_entities(
        "<p>Said Ada, executive vice-president, International and China president of Acme. "
        "China grows.</p>",
        [ACME, CHINA],
        keep_whole=(title,),
    )
    # "China" inside the title stays plain text; the country is linked where it stands alone.
    assert links(html) == ["/companies/acme/", "/tags/china/"]
    assert "International and China president of" in html
    assert '">China</a> grows.' in html


@pytest.mark.django_db
def test_a_person_s_job_title_is_never_linked_into(report):
    from articles.selectors import article_detail_queryset

    article = article_detail_queryset().get(pk=report.pk)
    html = render_article_body(article)
    assert "executive vice-president, International and China president of" in html


@pytest.mark.django_db
def test_editors_can_turn_links_off_per_article_or_per_name():
    # "Hiring" is a topic tag: named, and never linked (only entities and places are).
    article = make_article(body="Acme hired Ada Lovelace in China. Hiring continues.")
    article.companies.add(Company.objects.create(name="Acme", slug="acme"))
    article.people.add(Person.objects.create(name="Ada Lovelace", slug="ada"))
    article.tags.add(Tag.objects.create(name="China", kind="place"))
    article.tags.add(Tag.objects.create(name="Hiring", kind="topic"))
    assert set(links(render_article_body(article))) == {
        "/companies/acme/",
        "/people/ada/",
        "/tags/china/",
    }
    article.autolink_skip = "ada\nChina"
    assert links(render_article_body(article)) == ["/companies/acme/"]
    article.autolink = False
    assert links(render_article_body(article)) == []
