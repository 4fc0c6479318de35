"""The kinds of topic page: company, person, event and tag, declared once.

URLs, search, feeds, mentions, structured data, sitemaps, merges and intersections
all read this registry, so a new kind of page is one entry here, not ten edits.
The order is the canonical order of an intersection's two sides.
"""

from dataclasses import dataclass

from django.db.models import Model

from .models import Company, Event, Person, Tag


@dataclass(frozen=True)
class Kind:
    name: str  # the word in URLs and cache keys: /feed/company/<slug>/
    model: type[Model]
    group: str  # the plural: Article's relation to it, search and tag groups
    label: str  # the list page's heading
    list_url_name: str
    schema_type: str  # schema.org type of its JSON-LD (tags refine it by their own kind)

    @property
    def article_field(self) -> str:
        """Article's many-to-many to this kind: `Article.objects.filter(companies=…)`."""
        return self.group


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("company", Company, "companies", "Companies", "company_list", "Organization"),
        Kind("person", Person, "people", "People", "person_list", "Person"),
        Kind("event", Event, "events", "Events", "event_list", "Event"),
        Kind("tag", Tag, "tags", "Tags", "tag_list", "Thing"),
    )
}
# The named entities: the kinds that are not tags (they have aliases, roles, merges).
ENTITY_KINDS: dict[str, Kind] = {name: kind for name, kind in KINDS.items() if name != "tag"}
_BY_MODEL = {kind.model: kind for kind in KINDS.values()}

# For the URL converter: exactly the registered words.
URL_REGEX = "|".join(KINDS)


def kind_of(obj_or_model) -> Kind:
    """The registry entry of an object or a model; KeyError for anything else."""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return _BY_MODEL[model._meta.concrete_model]
