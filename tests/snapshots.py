"""A comparable picture of all content, by slugs rather than primary keys."""

from articles.models import (
    Article,
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


def content_snapshot() -> dict[str, set]:
    return {
        "articles": set(
            Article.objects.values_list(
                "slug", "title", "status", "body", "source_url", "source_published_on"
            )
        ),
        "companies": set(Company.objects.values_list("slug", "name", "kind", "description")),
        "people": set(Person.objects.values_list("slug", "name", "bio")),
        "events": set(
            Event.objects.values_list(
                "slug", "name", "series__slug", "edition", "starts_on", "ends_on", "location"
            )
        ),
        "tags": set(Tag.objects.values_list("slug", "name", "kind", "description")),
        "tagged": {
            (item.tag.slug, item.content_type.model, item.content_object.slug)
            for item in TaggedItem.objects.select_related("tag", "content_type")
        },
        "article_links": set(
            Article.objects.values_list("slug", "companies__slug", "people__slug", "events__slug")
        ),
        "citations": set(
            Citation.objects.values_list("article__slug", "outside_source__url", "excerpt")
        ),
        "outside_sources": set(
            OutsideSource.objects.values_list(
                "publisher", "title", "url", "published_on", "accessed_on"
            )
        ),
        "facts": set(
            Fact.objects.values_list(
                "company__slug",
                "person__slug",
                "event__slug",
                "tag__slug",
                "label",
                "value",
                "quantity",
                "unit",
                "date",
                "date_precision",
                "citation__excerpt",
            )
        ),
        "roles": set(Role.objects.values_list("person__slug", "company__slug", "title")),
        "relations": set(
            CompanyRelation.objects.values_list(
                "source__slug", "kind", "target__slug", "event__slug", "citation__excerpt"
            )
        ),
        "participations": set(
            Participation.objects.values_list("company__slug", "event__slug", "role")
        ),
        "quotes": set(Quote.objects.values_list("article__slug", "speaker__slug", "text")),
    }


def is_empty() -> bool:
    return not any(content_snapshot().values())
