import math
import random
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Company, Event, Person, Tag
from newsroom.devtools.prose import ZipfProse, vocabulary

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
    first, first_bodies = demo_names(), demo_bodies()
    generate(seed=7, replace=True)
    assert demo_names() == first
    assert demo_bodies() == first_bodies
    generate(seed=8, replace=True)
    assert demo_names() != first
    assert demo_bodies() != first_bodies


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


# --- the prose: Zipf's law over a large vocabulary ------------------------------------

WORD = re.compile(r"[a-z]+")


def demo_bodies() -> list[str]:
    return list(
        Article.objects.filter(slug__startswith="demo-")
        .order_by("pk")
        .values_list("body", flat=True)
    )


def test_the_vocabulary_is_large_distinct_and_the_same_every_run():
    words = vocabulary()
    assert len(words) >= 20_000
    assert len(set(words)) == len(words)
    assert words[:3] == ("the", "of", "and")  # real words head the ranking
    assert all(WORD.fullmatch(word) for word in words)


def test_word_frequencies_follow_zipfs_law(db):
    generate()
    counts = Counter(word for body in demo_bodies() for word in WORD.findall(body.lower()))
    ranked = [count for _, count in counts.most_common()]
    # With s about 1.05 the top word is some 11 times as common as the tenth...
    assert 6 < ranked[0] / ranked[9] < 20
    # ...and the log-log slope over the first hundred ranks is close to -s.
    xs = [math.log(rank) for rank in range(1, 101)]
    ys = [math.log(count) for count in ranked[:100]]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    assert -1.3 < slope < -0.8
    assert len(counts) > 3_000  # far more than the old 40 words, even in 300 articles


def test_a_mid_ranked_word_matches_only_a_few_articles(db):
    from articles.search import ranked_articles

    generate()
    bodies = [set(WORD.findall(body.lower())) for body in demo_bodies()]
    common, mid = vocabulary()[0], vocabulary()[1_000]
    assert sum(common in words for words in bodies) > 0.9 * len(bodies)
    assert sum(mid in words for words in bodies) < 0.05 * len(bodies)
    # The search engine agrees: the mid-ranked word finds a handful, not the archive.
    assert len(ranked_articles([mid], limit=500)) < 0.05 * len(bodies)


def test_sentences_keep_the_names_they_mention():
    sentence = ZipfProse().sentence(random.Random(1), names=["Acme Pharma"])
    assert "Acme Pharma" in sentence and sentence.endswith(".") and sentence[0].isupper()
