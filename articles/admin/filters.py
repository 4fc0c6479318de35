from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from ..models import ArticleStatus, TagKind


class TagKindFilter(admin.SimpleListFilter):
    """Items carrying at least one tag of a kind (a place, a product, …)."""

    title = "tag kind"
    parameter_name = "tag_kind"

    def lookups(self, request, model_admin):
        return TagKind.choices

    def queryset(self, request, queryset):
        if self.value() in TagKind.values:
            return queryset.filter(tags__kind=self.value()).distinct()
        return queryset


class DeskFilter(admin.SimpleListFilter):
    """Mine or everyone else's: the articles the signed-in editor started."""

    title = "whose"
    parameter_name = "whose"

    def lookups(self, request, model_admin):
        return [("mine", "Mine"), ("theirs", "Everyone else's")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(created_by=request.user)
        if self.value() == "theirs":
            return queryset.exclude(created_by=request.user)
        return queryset


class StateFilter(admin.SimpleListFilter):
    """The four states the desk speaks of; scheduled is published with a future time."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("open", "Draft or in review"),
            ("sent_back", "Sent back"),
            ("draft", "Draft"),
            ("review", "In review"),
            ("scheduled", "Scheduled"),
            ("live", "Published"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = Q(status=ArticleStatus.PUBLISHED)
        choice = {
            "open": Q(status__in=[ArticleStatus.DRAFT, ArticleStatus.REVIEW]),
            "sent_back": Q(status=ArticleStatus.DRAFT) & ~Q(review_note=""),
            "draft": Q(status=ArticleStatus.DRAFT),
            "review": Q(status=ArticleStatus.REVIEW),
            "scheduled": published & Q(published_at__gt=now),
            "live": published & Q(published_at__lte=now),
        }.get(self.value())
        return queryset if choice is None else queryset.filter(choice)
