"""Facts and relations taken from reports, each a row with its citation.

person → company (Role), company → company (CompanyRelation), company → event
(Participation), facts about one entity or tag (Fact), and quotes (Quote).
An event's place in a series is structural and lives on Event itself.
"""

from django.db import models

from .citations import Cited
from .naturalkeys import choice_constraint

# A child that declares Meta.constraints replaces its abstract parent's, so each
# one below starts from `*Cited.Meta.constraints` (names are made per class).


class Role(Cited):
    person = models.ForeignKey("articles.Person", on_delete=models.CASCADE, related_name="roles")
    company = models.ForeignKey("articles.Company", on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=255, help_text="The title exactly as the report gives it.")

    class Meta:
        ordering = ["person", "company", "title"]
        constraints = [
            *Cited.Meta.constraints,
            models.UniqueConstraint(fields=["person", "company", "title"], name="role_unique"),
        ]

    def __str__(self):
        return f"{self.person}: {self.title}, {self.company}"


class CompanyRelationKind(models.TextChoices):
    INVESTED_IN = "invested_in", "invested in"
    FOUNDED = "founded", "founded"
    CO_FOUNDED_WITH = "co_founded_with", "co-founded with"
    SUBSIDIARY_OF = "subsidiary_of", "is a subsidiary of"
    PART_OF = "part_of", "is part of"
    PARTNER_OF = "partner_of", "is a partner of"
    UNVEILED = "unveiled", "unveiled"


# How each relation reads from the other end, for the target's page.
INVERSE_LABELS = {
    CompanyRelationKind.INVESTED_IN: "received investment from",
    CompanyRelationKind.FOUNDED: "was founded by",
    CompanyRelationKind.CO_FOUNDED_WITH: "co-founded with",
    CompanyRelationKind.SUBSIDIARY_OF: "has as a subsidiary",
    CompanyRelationKind.PART_OF: "includes",
    CompanyRelationKind.PARTNER_OF: "is a partner of",
    CompanyRelationKind.UNVEILED: "was unveiled by",
}


class CompanyRelation(Cited):
    source = models.ForeignKey(
        "articles.Company", on_delete=models.CASCADE, related_name="relations_out"
    )
    kind = models.CharField(max_length=20, choices=CompanyRelationKind.choices)
    target = models.ForeignKey(
        "articles.Company", on_delete=models.CASCADE, related_name="relations_in"
    )
    event = models.ForeignKey(
        "articles.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="company_relations",
        help_text="The event at which it happened, if the source says.",
    )

    class Meta:
        ordering = ["source", "kind", "target"]
        constraints = [
            *Cited.Meta.constraints,
            choice_constraint("kind", CompanyRelationKind, "company_relation_kind_valid"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="company_relation_not_self"
            ),
            models.UniqueConstraint(
                fields=["source", "kind", "target"], name="company_relation_unique"
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.get_kind_display()} {self.target}"

    @property
    def inverse_label(self) -> str:
        return INVERSE_LABELS[self.kind]


class ParticipationRole(models.TextChoices):
    EXHIBITOR = "exhibitor", "Exhibitor"
    ORGANISER = "organiser", "Organiser"
    SPONSOR = "sponsor", "Sponsor"
    PARTICIPANT = "participant", "Participant"


class Participation(Cited):
    company = models.ForeignKey(
        "articles.Company", on_delete=models.CASCADE, related_name="participations"
    )
    event = models.ForeignKey(
        "articles.Event", on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(
        max_length=20, choices=ParticipationRole.choices, default=ParticipationRole.PARTICIPANT
    )

    class Meta:
        ordering = ["event", "company"]
        constraints = [
            *Cited.Meta.constraints,
            choice_constraint("role", ParticipationRole, "participation_role_valid"),
            models.UniqueConstraint(
                fields=["company", "event", "role"], name="participation_unique"
            ),
        ]

    def __str__(self):
        return f"{self.company} at {self.event} ({self.get_role_display()})"


class Fact(Cited):
    """One stated fact about exactly one company, person, event or tag."""

    company = models.ForeignKey(
        "articles.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="facts"
    )
    person = models.ForeignKey(
        "articles.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="facts"
    )
    event = models.ForeignKey(
        "articles.Event", on_delete=models.CASCADE, null=True, blank=True, related_name="facts"
    )
    tag = models.ForeignKey(
        "articles.Tag", on_delete=models.CASCADE, null=True, blank=True, related_name="facts"
    )
    label = models.CharField(max_length=200, help_text="What the fact is, e.g. “Exhibition space”.")
    value = models.TextField(
        help_text="The fact in the source's terms, e.g. “1,100 square meters”."
    )
    quantity = models.DecimalField(
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The number, when the fact is an amount, area or count.",
    )
    unit = models.CharField(
        max_length=30, blank=True, help_text="Unit of the quantity: CNY, USD, m², companies…"
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order among the subject's facts."
    )

    SUBJECT_FIELDS = ("company", "person", "event", "tag")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            *Cited.Meta.constraints,
            models.CheckConstraint(
                # Exactly one subject: each branch sets one field and clears the others.
                condition=models.Q(
                    company__isnull=False, person__isnull=True, event__isnull=True, tag__isnull=True
                )
                | models.Q(
                    company__isnull=True, person__isnull=False, event__isnull=True, tag__isnull=True
                )
                | models.Q(
                    company__isnull=True, person__isnull=True, event__isnull=False, tag__isnull=True
                )
                | models.Q(
                    company__isnull=True, person__isnull=True, event__isnull=True, tag__isnull=False
                ),
                name="fact_has_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__isnull=True) | ~models.Q(unit=""),
                name="fact_quantity_has_unit",
            ),
        ]

    def __str__(self):
        return f"{self.subject}: {self.label}"

    @property
    def subject(self):
        return next(
            getattr(self, name) for name in self.SUBJECT_FIELDS if getattr(self, f"{name}_id")
        )


class Quote(models.Model):
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="quotes")
    speaker = models.ForeignKey("articles.Person", on_delete=models.PROTECT, related_name="quotes")
    text = models.TextField(
        help_text="The words inside the quotation marks, verbatim from the article's body."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["article", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "text"], name="quote_unique"),
            models.CheckConstraint(condition=~models.Q(text=""), name="quote_text_not_empty"),
        ]

    def __str__(self):
        return f"{self.speaker}: “{self.text[:60]}”"

    def is_verbatim(self) -> bool:
        return self.text in self.article.body
