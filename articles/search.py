"""Search across articles, companies, people, events and tags.

Every word of the query must match (in any of a type's searchable fields), so
more words narrow the results. Queries are cleaned first: an empty, over-long or
punctuation-only query yields no terms, and the page explains instead of failing.
"""

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import Article, Company, Event, Person, Tag

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
RESULTS_PER_TYPE = 20
WORD = re.compile(r"\w[\w'&.-]*", re.UNICODE)

SEARCH_FIELDS = {
    "articles": ("title", "standfirst", "body"),
    "companies": ("name", "aliases", "description"),
    "people": ("name", "aliases", "bio"),
    "events": ("name", "aliases", "description"),
    "tags": ("name", "aliases", "description"),
}


def parse_terms(query: str) -> list[str]:
    terms = []
    for word in WORD.findall(query or ""):
        word = word.strip("'.-&")[:MAX_TERM_LENGTH]
        if word and word.lower() not in (t.lower() for t in terms):
            terms.append(word)
    return terms[:MAX_TERMS]


def _matching(queryset: QuerySet, fields: tuple[str, ...], terms: list[str]) -> QuerySet:
    for term in terms:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": term})
        queryset = queryset.filter(any_field)
    return queryset


@dataclass
class Results:
    terms: list[str]
    groups: dict[str, list]

    @property
    def total(self) -> int:
        return sum(len(items) for items in self.groups.values())


def search(query: str) -> Results:
    terms = parse_terms(query)
    if not terms:
        return Results(terms, {})
    sources = {
        "articles": Article.objects.published().for_listing(),
        "companies": Company.objects.all(),
        "people": Person.objects.all(),
        "events": Event.objects.all(),
        "tags": Tag.objects.all(),
    }
    groups = {
        name: list(_matching(queryset, SEARCH_FIELDS[name], terms)[:RESULTS_PER_TYPE])
        for name, queryset in sources.items()
    }
    return Results(terms, groups)


def snippet(text: str, terms: list[str], width: int = 200) -> str:
    """The part of `text` around the first matching term, on word boundaries."""
    lowered = text.lower()
    positions = [lowered.find(term.lower()) for term in terms]
    hits = [position for position in positions if position >= 0]
    start = max(min(hits) - width // 3, 0) if hits else 0
    if start:
        start = text.find(" ", start) + 1
    end = start + width
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    return ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")
