"""What the API says about each thing, read from the same rows and page objects the
reader site renders (never from a model's every field: only what a page shows)."""

from django.db.models import prefetch_related_objects
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from .. import stored_bodies
from ..kinds import kind_of
from ..page_meta import absolute_url
from .sparse import SparseFieldsMixin


def api_url(name: str, slug: str) -> str:
    """An endpoint's absolute address on SITE_URL, never on the request's Host."""
    return absolute_url(reverse(f"api:{name}", kwargs={"slug": slug}))


class Ref(serializers.Serializer):
    """A link to a company, person, event or tag."""

    type = serializers.SerializerMethodField(help_text="company, person, event or tag")
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="This thing in the API.")
    web_url = serializers.SerializerMethodField(help_text="Its page on the site.")

    def get_type(self, obj) -> str:
        return kind_of(obj).name

    def get_url(self, obj) -> str:
        return api_url(f"{kind_of(obj).name}-detail", obj.slug)

    def get_web_url(self, obj) -> str:
        return absolute_url(obj.get_absolute_url())


class ArticleRef(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The article in the API.")
    web_url = serializers.SerializerMethodField(help_text="Its page on the site.")

    def get_url(self, article) -> str:
        return api_url("article-detail", article.slug)

    def get_web_url(self, article) -> str:
        return absolute_url(article.get_absolute_url())


class OutsideSourceSerializer(serializers.Serializer):
    publisher = serializers.CharField()
    title = serializers.CharField()
    url = serializers.URLField()
    published_on = serializers.DateField(allow_null=True)


class CitationSerializer(serializers.Serializer):
    """Where a fact comes from: the verbatim passage and the place to read it."""

    passage = serializers.CharField(source="excerpt", help_text="Verbatim from its source.")
    article = ArticleRef(allow_null=True, help_text="Our article it is from, if it is.")
    outside_source = OutsideSourceSerializer(allow_null=True)
    paragraph = serializers.SerializerMethodField(
        help_text="The body paragraph holding the passage (1-based), if it is in the body."
    )
    web_url = serializers.SerializerMethodField(
        help_text="The passage on its page: the paragraph's anchor, highlighted."
    )

    def get_paragraph(self, citation) -> int | None:
        return citation.paragraph_number()

    def get_web_url(self, citation) -> str:
        url = citation.get_absolute_url()
        return url if citation.is_outside else absolute_url(url)


class CitedSerializer(serializers.Serializer):
    """The fields every cited row shares (articles/models/citations.py, Cited)."""

    date = serializers.DateField(allow_null=True, help_text="When, if the source says.")
    date_precision = serializers.CharField(help_text="day, month, year, or empty.")
    date_text = serializers.CharField(help_text="The date in the source's words.")
    derivation = serializers.CharField(help_text="How the fact follows from the passage.")
    citation = CitationSerializer()


class FactSerializer(CitedSerializer):
    label = serializers.CharField()
    value = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    unit = serializers.CharField()


class RoleSerializer(CitedSerializer):
    title = serializers.CharField()
    person = Ref()
    company = Ref()


class RelationSerializer(CitedSerializer):
    kind = serializers.CharField(help_text="The relation, read from source to target.")
    label = serializers.CharField(source="get_kind_display")
    inverse_label = serializers.CharField(help_text="The relation, read from target to source.")
    source = Ref()
    target = Ref()
    event = Ref(allow_null=True)


class ParticipationSerializer(CitedSerializer):
    role = serializers.CharField()
    company = Ref()
    event = Ref()


class QuoteSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="Verbatim from the article.")
    speaker = Ref()
    article = ArticleRef()


class TimelineEntrySerializer(serializers.Serializer):
    date = serializers.CharField(source="iso", help_text="ISO date at its precision, or empty.")
    when = serializers.CharField(help_text="The date as readers see it.")
    kind = serializers.CharField(help_text="event, article or fact")
    label = serializers.CharField()
    web_url = serializers.SerializerMethodField()

    def get_web_url(self, entry) -> str:
        return (
            entry.url if entry.url.startswith(("http://", "https://")) else absolute_url(entry.url)
        )


class RenditionSerializer(serializers.Serializer):
    url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class ImageSerializer(serializers.Serializer):
    alt = serializers.CharField(source="image_alt")
    caption = serializers.CharField(source="image_caption")
    credit = serializers.CharField(source="image_credit")
    renditions = RenditionSerializer(many=True, help_text="Smallest first, in WebP.")


class ArticleSummarySerializer(SparseFieldsMixin, ArticleRef):
    standfirst = serializers.CharField()
    section = serializers.CharField()
    byline = serializers.CharField()
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    tags = Ref(many=True)


class ArticleSerializer(ArticleSummarySerializer):
    body_html = serializers.SerializerMethodField(help_text="Sanitised HTML, as on the page.")
    body_markdown = serializers.CharField(source="body", help_text="The Markdown source.")
    image = serializers.SerializerMethodField()
    companies = Ref(many=True)
    people = Ref(many=True)
    events = Ref(many=True)
    quotes = serializers.SerializerMethodField()
    source_name = serializers.CharField()
    source_url = serializers.CharField()
    source_published_on = serializers.DateField(allow_null=True)

    def get_body_html(self, article) -> str:
        return stored_bodies.body_html(article)

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_image(self, article):
        renditions = self.context.get("renditions") or []
        if not renditions:
            return None
        return ImageSerializer({**article.__dict__, "renditions": renditions}).data

    @extend_schema_field(QuoteSerializer(many=True))
    def get_quotes(self, article):
        for quote in article.quotes.all():
            quote.article = article  # already read
        return QuoteSerializer(article.quotes.all(), many=True).data


class TopicSerializer(SparseFieldsMixin, serializers.Serializer):
    """What a topic page shows (articles/topic_pages.py), as data."""

    type = serializers.SerializerMethodField(help_text="company, person, event or tag")
    slug = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    kind_label = serializers.CharField(help_text="What it is, as its page says.")
    summary = serializers.CharField()
    aliases = serializers.SerializerMethodField()
    facts = FactSerializer(many=True, help_text="In the order editors give them.")
    tags = serializers.SerializerMethodField()
    articles = serializers.SerializerMethodField(help_text="The newest about it (up to 20).")
    timeline = serializers.SerializerMethodField()
    related = serializers.SerializerMethodField(
        help_text="What it is most connected to, closest first."
    )
    web_url = serializers.SerializerMethodField(help_text="Its page on the site.")

    def get_type(self, page) -> str:
        return kind_of(page.entity).name

    def get_slug(self, page) -> str:
        return page.entity.slug

    def get_name(self, page) -> str:
        return page.entity.name

    def get_aliases(self, page) -> list[str]:
        return page.entity.alias_list

    @extend_schema_field(Ref(many=True))
    def get_tags(self, page):
        tags = page.entity.tags.all() if hasattr(page.entity, "tags") else []
        return Ref(tags, many=True).data

    @extend_schema_field(ArticleSummarySerializer(many=True))
    def get_articles(self, page):
        articles = page.articles() if callable(page.articles) else page.articles
        prefetch_related_objects(articles, "tags")  # the page's list shows no tags
        return ArticleSummarySerializer(articles, many=True).data

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, page):
        groups = page.timeline() if callable(page.timeline) else page.timeline
        entries = [entry for group in groups for entry in group.entries]
        return TimelineEntrySerializer(entries, many=True).data

    @extend_schema_field(Ref(many=True))
    def get_related(self, page):
        return Ref([other for other, _ in page.together], many=True).data

    def get_web_url(self, page) -> str:
        return absolute_url(page.entity.get_absolute_url())


class CompanySerializer(TopicSerializer):
    kind = serializers.CharField(source="entity.kind")
    website = serializers.CharField(source="entity.website")
    relations = RelationSerializer(many=True, help_text="Both ways: from it and to it.")
    roles = RoleSerializer(many=True, help_text="People and their titles here.")
    participations = ParticipationSerializer(many=True, help_text="Events it took part in.")


class PersonSerializer(TopicSerializer):
    roles = RoleSerializer(many=True)
    quotes = QuoteSerializer(many=True)


class EventSerializer(TopicSerializer):
    kind = serializers.CharField(source="entity.kind")
    starts_on = serializers.DateField(source="entity.starts_on", allow_null=True)
    ends_on = serializers.DateField(source="entity.ends_on", allow_null=True)
    when = serializers.CharField(source="entity.when")
    location = serializers.CharField(source="entity.location")
    series = Ref(source="entity.series", allow_null=True)
    editions = Ref(many=True)
    participations = ParticipationSerializer(many=True)
    company_relations = RelationSerializer(many=True)


class TagSerializer(TopicSerializer):
    kind = serializers.CharField(source="entity.kind")
    tagged = serializers.SerializerMethodField(
        help_text="Companies, people and events carrying the tag (the first of each)."
    )

    @extend_schema_field(Ref(many=True))
    def get_tagged(self, page):
        return Ref([item for _, items, _, _ in page.groups for item in items], many=True).data


class DirectoryEntrySerializer(SparseFieldsMixin, Ref):
    """One row of a directory (companies, people, events, tags)."""

    coverage = serializers.IntegerField(
        help_text="As the site's lists count it: live articles about a company, person or "
        "event; for a tag, the public articles and entries that carry it."
    )


class ConnectionSerializer(CitedSerializer):
    """A cited row that links the two sides of an intersection directly."""

    type = serializers.SerializerMethodField(help_text="relation, participation or role")
    label = serializers.SerializerMethodField(help_text="The link in words, as the page says.")

    def get_type(self, row) -> str:
        return {"companyrelation": "relation"}.get(row._meta.model_name, row._meta.model_name)

    def get_label(self, row) -> str:
        return str(row)


class IntersectionSerializer(SparseFieldsMixin, serializers.Serializer):
    """Two companies, people, events or tags together, as their page shows them."""

    first = Ref()
    second = Ref()
    articles = ArticleSummarySerializer(many=True, help_text="The newest about both (20).")
    connections = ConnectionSerializer(many=True)
    web_url = serializers.CharField(help_text="Its page on the site.")


SEARCH_GROUPS = ("articles", "companies", "people", "events", "tags")


class SearchSerializer(serializers.Serializer):
    query = serializers.CharField()
    articles = ArticleSummarySerializer(many=True)
    companies = Ref(many=True)
    people = Ref(many=True)
    events = Ref(many=True)
    tags = Ref(many=True)


# For the schema: the body of each list endpoint.
class ArticlePageSerializer(serializers.Serializer):
    results = ArticleSummarySerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next, older page; null at the end.")


class DirectoryPageSerializer(serializers.Serializer):
    results = DirectoryEntrySerializer(many=True)
    next = serializers.URLField(allow_null=True)


class ProblemSerializer(serializers.Serializer):
    """A refusal (RFC 9457), served as application/problem+json."""

    type = serializers.CharField()
    title = serializers.CharField(help_text="What went wrong, for a person to act on.")
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a 400: each query parameter refused, with why.",
    )
