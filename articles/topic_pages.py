"""Topic pages (company, person, event, tag) as finished page objects.

A view looks the subject up and hands it, with what its page shows read in by
`selectors.load_detail()`, to the builder here; the builder returns a dataclass
holding everything the template shows, from rows already prefetched, so a page runs
a fixed number of queries. The articles about the subject (and the timeline drawn
from them) are read only when a panel shows them, so a panel kept apart from them
(articles/fragments.py) does not depend on them. Facts, relations and quotes cited
from an article that is not live are dropped here, once.
"""

from collections import Counter
from dataclasses import dataclass, field, fields

from . import intersections, selectors, timeline
from .dependencies import Loaded, coverage_of, depends_on, lazily
from .models import Event, Tag

# A topic page shows the few facts that define its subject in a box: the first ones
# in the order editors give them (Fact.position), the rest below.
KEY_FACTS = 4
# Of all the pairs a subject makes, the intersections worth a link.
TOGETHER_LIMIT = 6
TAG_GROUP_PREVIEW = 10


def _cited_is_public(row) -> bool:
    # A passage from a named outside page is public already; one from our own
    # article only while that article is live.
    article = row.citation.article
    return article is None or article.is_live


def public(rows) -> list:
    """The cited rows (facts, roles, relations, participations) a reader may see."""
    return [row for row in rows if _cited_is_public(row)]


@dataclass
class TopicPage:
    entity: object
    kind_label: str
    summary: str
    facts: list
    articles: list | Loaded
    together: list = field(default_factory=list)
    timeline: list | Loaded = field(default_factory=list)
    extra_key_facts: list = field(default_factory=list)

    @property
    def key_facts(self) -> list:
        return self.facts[:KEY_FACTS]

    @property
    def more_facts(self) -> list:
        return self.facts[KEY_FACTS:]

    def context(self) -> dict:
        """The template's names: every field, and the facts split for the box."""
        return {
            **{f.name: getattr(self, f.name) for f in fields(self)},
            "page": self,
            "key_facts": self.key_facts,
            "more_facts": self.more_facts,
        }


@dataclass
class CompanyPage(TopicPage):
    relations: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    participations: list = field(default_factory=list)


@dataclass
class PersonPage(TopicPage):
    roles: list = field(default_factory=list)
    quotes: list = field(default_factory=list)


@dataclass
class EventPage(TopicPage):
    participations: list = field(default_factory=list)
    company_relations: list = field(default_factory=list)
    editions: list = field(default_factory=list)
    previous_edition: Event | None = None
    next_edition: Event | None = None


@dataclass
class TagPage(TopicPage):
    groups: list = field(default_factory=list)  # (group, items, more, url), not articles
    all_articles_url: str = ""


def _extra(entity, extra=()) -> list[tuple[str, str]]:
    aliases = getattr(entity, "alias_list", [])
    extra = [*extra, *([("Also known as", ", ".join(aliases))] if aliases else [])]
    return [(label, value) for label, value in extra if value]


def together(obj, others, *, limit: int = TOGETHER_LIMIT) -> list[tuple[object, str]]:
    """Links to the intersection pages of `obj` with the others it is most connected to.

    `others` names each related entity or tag once per link the page shows (a fact,
    a relation, a participation, a tag): the more often, the closer. Entities come
    before tags when they tie, then the order the page gives them.
    """
    counts, first_seen = Counter(), {}
    # An edition also counts for its series (when the page loaded it): four editions
    # make the expo a close tie.
    others = [
        *others,
        *(
            o.series
            for o in others
            if isinstance(o, Event) and o.series_id and Event.series.is_cached(o)
        ),
    ]
    for other in others:
        if other == obj:
            continue
        key = (intersections.kind_of(other), other.pk)
        counts[key] += 1
        first_seen.setdefault(key, (len(first_seen), other))
    ranked = sorted(
        first_seen.items(),
        key=lambda item: (-counts[item[0]], isinstance(item[1][1], Tag), item[1][0]),
    )
    return [(other, intersections.intersection_url(obj, other)) for _, (_, other) in ranked[:limit]]


def coverage(subject) -> Loaded:
    """The newest articles about `subject`, read when a panel shows them."""

    def read():
        depends_on(coverage_of(subject))  # an article entering or leaving the list
        return selectors.articles_about(subject)

    return Loaded(read)


def _names() -> set[str]:
    kinds = (CompanyPage, PersonPage, EventPage, TagPage)
    return {f.name for kind in kinds for f in fields(kind)} | {"page", "key_facts", "more_facts"}


def lazy_context(page: Loaded) -> dict:
    """The template's names for a page not built yet: each builds it when first read
    (and reads what it holds lazily, the coverage, when that is read)."""
    return lazily(Loaded(lambda: page().context()), _names())


def company_page(company) -> CompanyPage:
    facts = public(company.cited_facts)
    relations = [*public(company.cited_relations_out), *public(company.cited_relations_in)]
    roles = public(company.cited_roles)
    participations = public(company.cited_participations)
    events = [p.event for p in participations]
    articles = coverage(company)
    tags = list(company.tags.all())
    # On the timeline a relation reads the same from both ends.
    dated = [(fact, f"{company.name}: {fact.label}") for fact in facts]
    dated += [(rel, str(rel)) for rel in relations]
    others = [
        *(rel.target if rel.source_id == company.pk else rel.source for rel in relations),
        *events,
        *(role.person for role in roles),
        *tags,
    ]
    return CompanyPage(
        entity=company,
        kind_label=company.get_kind_display(),
        summary=company.description,
        facts=facts,
        articles=articles,
        together=together(company, others),
        timeline=Loaded(
            lambda: timeline.grouped(
                timeline.build(events=events, articles=articles(), facts=dated)
            )
        ),
        extra_key_facts=_extra(company),
        relations=relations,
        roles=roles,
        participations=participations,
    )


def person_page(person) -> PersonPage:
    facts = public(person.cited_facts)
    roles = public(person.cited_roles)
    articles = coverage(person)
    dated = [(fact, f"{person.name}: {fact.label}") for fact in facts]
    return PersonPage(
        entity=person,
        kind_label="Person",
        summary=person.bio or "; ".join(f"{role.title}, {role.company}" for role in roles),
        facts=facts,
        articles=articles,
        together=together(person, [*(role.company for role in roles), *person.tags.all()]),
        timeline=Loaded(lambda: timeline.grouped(timeline.build(articles=articles(), facts=dated))),
        extra_key_facts=_extra(person),
        roles=roles,
        quotes=[quote for quote in person.quotes.all() if quote.article.is_live],
    )


def event_page(event) -> EventPage:
    facts = public(event.cited_facts)
    participations = public(event.cited_participations)
    relations = public(event.cited_company_relations)
    editions = sorted(event.editions.all(), key=lambda e: (e.edition or 0, e.name))
    articles = coverage(event)
    dated = [(fact, f"{event.name}: {fact.label}") for fact in facts]
    dated += [(rel, str(rel)) for rel in relations]
    others = [
        *(p.company for p in participations),
        *(rel.source for rel in relations),
        *(rel.target for rel in relations),
        *event.tags.all(),
    ]
    # An edition's neighbours in its series, in the series' order.
    siblings = list(event.series.editions.all()) if event.series else []
    place = siblings.index(event) if event in siblings else None
    return EventPage(
        entity=event,
        kind_label=(
            f"{event.get_kind_display()} · edition {event.edition}"
            if event.series
            else event.get_kind_display()
        ),
        summary=event.description,
        facts=facts,
        articles=articles,
        together=together(event, others),
        timeline=Loaded(
            lambda: timeline.grouped(
                timeline.build(events=editions, articles=articles(), facts=dated)
            )
        ),
        extra_key_facts=_extra(event, [("When", event.when), ("Where", event.location)]),
        participations=participations,
        company_relations=relations,
        editions=editions,
        previous_edition=siblings[place - 1] if place else None,
        next_edition=(
            siblings[place + 1] if place is not None and place + 1 < len(siblings) else None
        ),
    )


def tag_page(tag, *, group_url) -> TagPage:
    """`group_url(tag, group)` gives the address of a group's full list."""
    # Its groups are what is tagged with it: they change with its coverage.
    depends_on(coverage_of(tag))
    groups = []
    for group in selectors.TAG_GROUPS:
        if group == "articles":  # the newest, read from the tag's links first
            items = selectors.articles_about(tag, limit=TAG_GROUP_PREVIEW + 1)
        else:
            items = list(selectors.tagged_queryset(tag=tag, group=group)[: TAG_GROUP_PREVIEW + 1])
        more = len(items) > TAG_GROUP_PREVIEW
        groups.append((group, items[:TAG_GROUP_PREVIEW], more, group_url(tag, group)))
    (_, articles, more_articles, all_articles_url), *entity_groups = groups  # articles first
    entities = [item for _, items, _, _ in entity_groups for item in items]
    return TagPage(
        entity=tag,
        kind_label=tag.get_kind_display(),
        summary=tag.description,
        facts=public(tag.cited_facts),
        articles=articles,
        together=together(tag, entities),
        extra_key_facts=_extra(tag),
        groups=entity_groups,
        all_articles_url=all_articles_url if more_articles else "",
    )
