"""Two entities or tags together: their shared articles and what connects them.

A pair has one canonical URL (kinds in a fixed order, then slugs), so
AstraZeneca × CIIE and CIIE × AstraZeneca are the same page.
"""

from django.db.models import Q, QuerySet
from django.urls import reverse

from . import kinds
from .kinds import KINDS
from .models import Article, CompanyRelation, Participation, Role


def kind_of(obj) -> str:
    """The registry's word for `obj`'s kind, as in URLs: "company"."""
    return kinds.kind_of(obj).name


def canonical_pair(a, b) -> tuple:
    order = list(KINDS)
    return tuple(sorted((a, b), key=lambda obj: (order.index(kind_of(obj)), obj.slug)))


def intersection_url(a, b, *, name="intersection") -> str:
    first, second = canonical_pair(a, b)
    return reverse(
        name,
        kwargs={
            "kind_a": kind_of(first),
            "slug_a": first.slug,
            "kind_b": kind_of(second),
            "slug_b": second.slug,
        },
    )


def articles_about_both(a, b) -> QuerySet[Article]:
    return (
        Article.objects.published()
        .filter(**{kinds.kind_of(a).article_field: a})
        .filter(**{kinds.kind_of(b).article_field: b})
        .for_listing()
    )


def connections(a, b) -> list:
    """Cited rows that link the two directly, from published articles only."""
    kinds = {kind_of(a), kind_of(b)}
    live = Article.objects.published()
    by_kind = {kind_of(a): a, kind_of(b): b}
    rows: QuerySet | list = []
    if kinds == {"company"}:
        rows = CompanyRelation.objects.filter(
            Q(source=a, target=b) | Q(source=b, target=a)
        ).select_related("source", "target", "event")
    elif kinds == {"company", "event"}:
        company, event = by_kind["company"], by_kind["event"]
        # A series brings its editions: the booth at the 4th and the fund set up at the
        # 2nd are part of the company's story with the expo. In edition order.
        events = Q(event=event) | Q(event__series=event)
        rows = [
            *Participation.objects.filter(
                events, company=company, citation__article__in=live
            ).select_related("company", "event", "citation__article"),
            *CompanyRelation.objects.filter(events, Q(source=company) | Q(target=company))
            .filter(citation__article__in=live)
            .select_related("source", "target", "event", "citation__article"),
        ]
        return sorted(
            rows, key=lambda row: (row.event.series_id is not None, row.event.edition or 0)
        )
    elif kinds == {"company", "person"}:
        rows = Role.objects.filter(
            company=by_kind["company"], person=by_kind["person"]
        ).select_related("person", "company")
    if not rows:
        return []
    return list(rows.filter(citation__article__in=live).select_related("citation__article"))
