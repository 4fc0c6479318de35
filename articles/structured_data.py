"""schema.org JSON-LD for each page type, built from rows the page already has."""

from django.templatetags.static import static

from .kinds import kind_of
from .models import Tag
from .page_meta import SITE_NAME, absolute_url
from .timestamps import machine_time


def _absolute(request, path: str) -> str:
    # From SITE_URL, not the request: cached pages are shared by every Host.
    return absolute_url(path)


def publisher(request) -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": SITE_NAME,
        "url": _absolute(request, "/"),
        "logo": {"@type": "ImageObject", "url": _absolute(request, static("img/logo.png"))},
    }


def entity_ref(request, entity) -> dict:
    """A pointer to an entity's own page, typed by what it is."""
    schema_type = kind_of(entity).schema_type
    if isinstance(entity, Tag):  # a tag's own kind says more
        schema_type = {"place": "Place", "product": "Product"}.get(entity.kind, schema_type)
    url = _absolute(request, entity.get_absolute_url())
    return {"@type": schema_type, "@id": url, "name": entity.name, "url": url}


def news_article(request, article, image_url: str) -> dict:
    author = {"@type": "Person", "name": article.byline} if article.byline else publisher(request)
    about = [*article.companies.all(), *article.people.all(), *article.events.all()]
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.standfirst,
        "articleSection": article.section,
        "datePublished": machine_time(article.published_at) or None,
        "dateModified": machine_time(article.updated_at),
        "author": [author],
        "publisher": publisher(request),
        "image": [image_url or _absolute(request, static("img/logo.png"))],
        "mainEntityOfPage": _absolute(request, article.get_absolute_url()),
        "about": [entity_ref(request, entity) for entity in about],
        "mentions": [entity_ref(request, tag) for tag in article.tags.all()],
        "keywords": [tag.name for tag in article.tags.all()],
    }


def organization(request, company) -> dict:
    data = entity_ref(request, company)
    data["@context"] = "https://schema.org"
    if company.description:
        data["description"] = company.description
    if company.alias_list:
        data["alternateName"] = company.alias_list
    if company.website:
        data["sameAs"] = [company.website]
    return data


def person(request, person_, roles) -> dict:
    data = entity_ref(request, person_)
    data["@context"] = "https://schema.org"
    if person_.bio:
        data["description"] = person_.bio
    if roles:
        data["jobTitle"] = roles[0].title
        data["worksFor"] = [entity_ref(request, role.company) for role in roles]
    return data


def event(request, event_, participants) -> dict:
    data = entity_ref(request, event_)
    data["@context"] = "https://schema.org"
    if event_.description:
        data["description"] = event_.description
    if event_.starts_on:
        data["startDate"] = event_.starts_on.isoformat()
    if event_.ends_on:
        data["endDate"] = event_.ends_on.isoformat()
    if event_.location:
        data["location"] = {"@type": "Place", "name": event_.location}
    if event_.series_id:
        data["superEvent"] = entity_ref(request, event_.series)
    if participants:
        data["attendee"] = [entity_ref(request, company) for company in participants]
    return data


def breadcrumbs(request, trail: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": _absolute(request, path)}
            for n, (name, path) in enumerate(trail, start=1)
        ],
    }
