import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Company, Event, Person, Tag

from .snapshots import content_snapshot

pytestmark = pytest.mark.django_db
SMALL = {"articles": 300, "companies": 40, "people": 80, "events": 20, "tags": 60}


def generate(**extra):
    call_command("generate_demo_content", **SMALL, verbosity=0, **extra)


def demo_names():
    return list(
        Company.objects.filter(slug__startswith="demo-")
        .order_by("pk")
        .values_list("name", flat=True)
    )


def test_makes_the_asked_for_counts_and_leaves_the_report_alone(report):
    before = content_snapshot()
    generate()
    assert Article.objects.filter(slug__startswith="demo-").count() == 300
    assert Company.objects.filter(slug__startswith="demo-").count() == 40
    assert Person.objects.filter(slug__startswith="demo-").count() == 80
    assert Event.objects.filter(slug__startswith="demo-").count() == 20
    assert Tag.objects.filter(slug__startswith="demo-").count() == 60
    report.refresh_from_db()
    after = content_snapshot()
    for key, rows in before.items():
        assert rows <= after[key], key  # every report row is still there, unchanged


def test_tags_have_a_long_tail(db):
    generate()
    uses = sorted(
        (tag.tagged_items.count() for tag in Tag.objects.filter(slug__startswith="demo-")),
        reverse=True,
    )
    assert uses[0] > 10 * max(uses[len(uses) // 2], 1)


def test_deterministic_for_a_seed(db):
    generate(seed=7)
    first = demo_names()
    generate(seed=7, replace=True)
    assert demo_names() == first
    generate(seed=8, replace=True)
    assert demo_names() != first


def test_refuses_to_double_up_and_replace_keeps_the_report(report):
    before = content_snapshot()
    report_tags = set(report.tags.values_list("slug", flat=True))
    generate()
    with pytest.raises(CommandError, match="--replace"):
        generate()
    generate(replace=True)
    assert Article.objects.filter(slug__startswith="demo-").count() == 300
    # Every row of the report is still there (demo rows come on top), its own tags too.
    after = content_snapshot()
    assert all(rows <= after[kind] for kind, rows in before.items())
    assert set(report.tags.values_list("slug", flat=True)) == report_tags


def test_demo_articles_are_searchable(db):
    from articles.search import ranked_articles

    generate()
    article = Article.objects.filter(slug__startswith="demo-", status="published").first()
    word = article.title.split()[0]
    assert article in ranked_articles([word], limit=500)
