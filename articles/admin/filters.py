from django.contrib import admin

from ..models import TagKind


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
