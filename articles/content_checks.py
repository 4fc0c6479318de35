"""Integrity checks on loaded content that the database cannot express itself.

Used by `check_fixtures` (to report) and `load_report` (to refuse a bad load).
Each check returns readable problems; an empty list means the content holds.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Q

from .models import (
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

CITED_MODELS = (Fact, Role, CompanyRelation, Participation)


def excerpts_not_verbatim() -> list[str]:
    """Every passage taken from one of our articles is word for word in it."""
    citations = Citation.objects.filter(article__isnull=False).select_related("article")
    return [
        f"Citation {citation.pk}: excerpt is not verbatim in “{citation.article}”: "
        f"“{citation.excerpt}”"
        for citation in citations.order_by("pk")
        if not citation.is_verbatim()
    ]


def outside_excerpts_unsourced() -> list[str]:
    """A passage from outside says something, and readers can follow it to its page.

    The outside page is not stored here, so its words cannot be compared; what can
    be held is that the excerpt is not blank and its source names a publisher and URL.
    """
    problems = []
    citations = Citation.objects.filter(outside_source__isnull=False).select_related(
        "outside_source"
    )
    for citation in citations.order_by("pk"):
        source = citation.outside_source
        if not citation.excerpt.strip():
            problems.append(f"Citation {citation.pk} of “{source}”: the excerpt is empty.")
        if not source.url.strip():
            problems.append(f"Outside source {source.pk} “{source}” has no URL.")
        if not source.publisher.strip():
            problems.append(f"Outside source {source.pk} ({source.url}) names no publisher.")
    return problems


def quotes_not_verbatim() -> list[str]:
    return [
        f"Quote {quote.pk} by {quote.speaker}: not verbatim in the body of “{quote.article}”: "
        f"“{quote.text}”"
        for quote in Quote.objects.select_related("article", "speaker").order_by("pk")
        if not quote.is_verbatim()
    ]


def dangling_tagged_items() -> list[str]:
    """Tagged items whose object is gone: a generic relation has no foreign key."""
    problems = []
    ids_by_type = defaultdict(set)
    for content_type_id, object_id in TaggedItem.objects.values_list("content_type", "object_id"):
        ids_by_type[content_type_id].add(object_id)
    for content_type_id, object_ids in sorted(ids_by_type.items()):
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            problems.append(
                f"Tagged items point at a removed model (content type {content_type_id})."
            )
            continue
        existing = set(
            model._default_manager.filter(pk__in=object_ids).values_list("pk", flat=True)
        )
        for object_id in sorted(object_ids - existing):
            problems.append(
                f"Tagged item points at {model._meta.label} {object_id}, which does not exist."
            )
    return problems


def broken_foreign_keys() -> list[str]:
    """Foreign keys the database was told to check only at commit (loaddata defers them)."""
    try:
        connection.check_constraints()
    except Exception as error:  # IntegrityError, worded by the backend
        return [f"A reference does not resolve: {error}"]
    return []


def orphans() -> list[str]:
    """Content no reader could reach: unused tags and citations, entities in no article."""
    problems = []
    for tag in Tag.objects.annotate(uses=Count("tagged_items")).filter(uses=0).order_by("slug"):
        problems.append(f"Tag “{tag.slug}” tags nothing.")
    unused_citations = Citation.objects.exclude(
        Q(pk__in=Fact.objects.values("citation"))
        | Q(pk__in=Role.objects.values("citation"))
        | Q(pk__in=CompanyRelation.objects.values("citation"))
        | Q(pk__in=Participation.objects.values("citation"))
    ).order_by("pk")
    for citation in unused_citations:
        problems.append(f"Citation {citation.pk} supports no fact: “{citation.excerpt[:80]}”")
    for source in OutsideSource.objects.filter(citations__isnull=True).order_by("pk"):
        problems.append(f"Outside source {source.pk} ({source.url}) is cited by nothing.")
    for model in (Company, Person, Event):
        for entity in model.objects.filter(articles__isnull=True).order_by("slug"):
            problems.append(
                f"{model._meta.verbose_name.capitalize()} “{entity.slug}” is in no article."
            )
    return problems


CHECKS = {
    "citation excerpts": excerpts_not_verbatim,
    "outside excerpts": outside_excerpts_unsourced,
    "quotes": quotes_not_verbatim,
    "references": broken_foreign_keys,
    "tagged items": dangling_tagged_items,
    "orphans": orphans,
}


def find_problems() -> list[str]:
    return [problem for check in CHECKS.values() for problem in check()]


def summary() -> str:
    counts = {
        "citations": Citation.objects.filter(article__isnull=False).count(),
        "quotes": Quote.objects.count(),
        "facts and relations": sum(model.objects.count() for model in CITED_MODELS),
        "tagged items": TaggedItem.objects.count(),
        "citations of outside sources": Citation.objects.filter(
            outside_source__isnull=False
        ).count(),
        "outside sources": OutsideSource.objects.count(),
    }
    return ", ".join(f"{count} {name}" for name, count in counts.items())
