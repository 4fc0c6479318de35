"""Typed tags: one Tag table and one tagged-item table for every content model."""

from django.db import models
from taggit.models import GenericTaggedItemBase, NaturalKeyManager, TagBase

from ..slug_urls import slug_path
from ..slugs import base_slug
from .naturalkeys import choice_constraint


class TagKind(models.TextChoices):
    TOPIC = "topic", "Topic"
    PLACE = "place", "Place"
    PRODUCT = "product", "Product"
    PROGRAMME = "programme", "Programme"
    SECTOR = "sector", "Sector"


def public_tagged_items(prefix: str = "") -> models.Q:
    """Tagged items whose object is public: a live article or a public directory entry
    (see NamedEntityQuerySet.public). `prefix` reaches them from another model.

    Each kind is a correlated EXISTS on the tagged object's key, not `object_id IN
    (every public id)`: that list is 100,000 ids long on a large archive, and the
    engines built it for each tag (130 ms a tag page)."""
    from .article import Article
    from .entities import Company, Event, Person

    public = {
        "article": Article.objects.published(),
        "company": Company.objects.public(),
        "person": Person.objects.public(),
        "event": Event.objects.public(),
    }
    condition = models.Q()
    for model_name, rows in public.items():
        condition |= models.Q(
            models.Exists(rows.filter(pk=models.OuterRef(f"{prefix}object_id"))),
            **{
                f"{prefix}content_type__app_label": "articles",
                f"{prefix}content_type__model": model_name,
            },
        )
    return condition


class TagQuerySet(models.QuerySet):
    def public(self):
        """On the public site: carried by a live article or a public directory entry,
        so a tag made for a scheduled article is not seen before the article."""
        items = TaggedItem.objects.filter(public_tagged_items(), tag=models.OuterRef("pk"))
        return self.filter(models.Exists(items))

    def with_public_counts(self):
        """Each tag with how many public things carry it."""
        return self.annotate(
            item_count=models.Count(
                "tagged_items", filter=public_tagged_items("tagged_items__"), distinct=True
            )
        )


class TagManager(NaturalKeyManager.from_queryset(TagQuerySet)):
    pass


class Tag(TagBase):
    kind = models.CharField(
        max_length=20,
        choices=TagKind.choices,
        default=TagKind.TOPIC,
        db_index=True,
        help_text="What the tag names: a topic, a place, a product, a programme or a sector.",
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other names used in reports, one a line (for example “Chinese mainland”).",
    )
    description = models.TextField(
        blank=True, help_text="One or two sentences shown at the top of the tag's page."
    )

    # Fixtures and dumps refer to tags by slug, like every other content model.
    natural_key_fields = ["slug"]
    objects = TagManager()

    class Meta:
        ordering = ["name"]
        constraints = [choice_constraint("kind", TagKind, "tag_kind_valid")]

    def get_absolute_url(self):
        return slug_path("tag_detail", self.slug)

    def slugify(self, tag, i=None):
        # taggit's default drops every non-Latin letter ("北京" would have no slug).
        slug = base_slug(tag, max_length=90)
        return f"{slug}-{i}" if i is not None else slug

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class TaggedItem(GenericTaggedItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = "tagged item"
        constraints = [
            models.UniqueConstraint(
                fields=["tag", "content_type", "object_id"], name="tagged_item_unique"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="tagged_item_object_idx")
        ]

    def __str__(self):
        # taggit's version loads the tagged object: a query per row in the admin.
        return f"{self.tag} on {self.content_type.model} {self.object_id}"
