"""Companies, people, events and tags: the editors' directory."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from reversion_compare.admin import CompareVersionAdmin

from .. import editorial
from ..kinds import kind_of
from ..models import (
    Article,
    Company,
    CompanyRelation,
    Event,
    Fact,
    Participation,
    Person,
    Role,
    Tag,
)
from .bulk import (
    PolicyAdminMixin,
    PolicyInlineMixin,
    TagActionsMixin,
    confirm_then,
    count_of_rows,
)
from .filters import TagKindFilter


class CitedInline(PolicyInlineMixin, admin.StackedInline):
    """A cited row, stacked: short fields share a line, the citation gets the width
    its passage needs. A 12-column table ran 3,391 px wide at a 1280 px window."""

    extra = 0
    autocomplete_fields = ["citation"]
    show_change_link = True
    classes = ["cited-inline"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}

    def get_queryset(self, request):
        # Each row's heading names what it links (a fact's subject, a relation's two
        # companies): loaded with the rows, not one query each.
        links = [f.name for f in self.model._meta.concrete_fields if f.is_relation]
        return super().get_queryset(request).select_related(*links)


WHEN = ("date", "date_precision", "date_text")


class FactInline(CitedInline):
    model = Fact
    fields = [("label", "position"), "value", ("quantity", "unit"), WHEN, "citation", "derivation"]


class RoleInline(CitedInline):
    model = Role
    fields = [("person", "company"), "title", "citation", "derivation"]
    autocomplete_fields = ["citation", "company", "person"]


class ParticipationInline(CitedInline):
    model = Participation
    fields = [("company", "event"), "role", "citation", "derivation"]
    autocomplete_fields = ["citation", "company", "event"]


class RelationOutInline(CitedInline):
    model = CompanyRelation
    fk_name = "source"
    fields = [("kind", "target"), "event", WHEN, "citation", "derivation"]
    autocomplete_fields = ["citation", "target", "event"]
    verbose_name = "relation to another company"
    verbose_name_plural = "relations to other companies"


class MergeForm(forms.Form):
    """Which of the selected objects survives; the others fold into it."""

    keep = forms.ChoiceField(label="Keep", widget=forms.RadioSelect)

    def __init__(self, *args, objects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(str(obj.pk), str(obj)) for obj in objects]


class DirectoryAdmin(PolicyAdminMixin, TagActionsMixin, CompareVersionAdmin):
    """What every directory admin shares: slugs, renames that redirect, merges, tags."""

    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge", "add_tag", "remove_tag"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        old_slug = type(obj).objects.filter(pk=obj.pk).values_list("slug", flat=True).first()
        super().save_model(request, obj, form, change)
        editorial.record_slug_change(obj, old_slug)

    @admin.action(description="Merge selected into one", permissions=["delete"])
    def merge(self, request, queryset):
        objects = list(queryset)
        if len(objects) < 2:
            self.message_user(request, "Select two or more to merge.", level="warning")
            return None

        def form_class(data=None):
            return MergeForm(data, objects=objects)

        def apply(qs, data):
            keep = next(obj for obj in objects if str(obj.pk) == data["keep"])
            for obj in objects:
                if obj.pk != keep.pk:
                    editorial.merge(obj, keep, user=request.user)
            others = len(objects) - 1
            return (
                f"Merged {others} into “{keep}”: their links, facts and tags moved, "
                f"their names became aliases and their old addresses redirect."
            )

        return confirm_then(
            self,
            request,
            queryset,
            title="Merge",
            form_class=form_class,
            apply=apply,
            note="Everything linked to the others moves to the one you keep.",
        )


def _article_count(queryset):
    # Subqueries, one per row shown: a join of both tables grouped over the whole
    # directory cost 400 ms a page at 100,000 articles.
    model = queryset.model
    column = f"{model._meta.model_name}_id"
    return queryset.annotate(
        article_count=count_of_rows(getattr(Article, kind_of(model).article_field).through, column),
        fact_count=count_of_rows(Fact, column),
    )


class CountsMixin:
    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    @admin.display(description="Facts", ordering="fact_count")
    def fact_count(self, obj):
        return obj.fact_count


@admin.register(Company)
class CompanyAdmin(CountsMixin, DirectoryAdmin):
    list_display = ["name", "kind", "article_count", "fact_count", "updated_at"]
    list_filter = ["kind", TagKindFilter]
    ordering = ["name"]
    inlines = [FactInline, RelationOutInline, RoleInline, ParticipationInline]

    def get_queryset(self, request):
        return _article_count(super().get_queryset(request))


@admin.register(Person)
class PersonAdmin(CountsMixin, DirectoryAdmin):
    list_display = ["name", "article_count", "fact_count", "updated_at"]
    list_filter = [TagKindFilter]
    ordering = ["name"]
    inlines = [FactInline, RoleInline]

    def get_queryset(self, request):
        return _article_count(super().get_queryset(request))


@admin.register(Event)
class EventAdmin(CountsMixin, DirectoryAdmin):
    list_display = ["name", "kind", "series", "edition", "starts_on", "article_count"]
    list_select_related = ["series"]
    list_filter = ["kind", TagKindFilter, "starts_on"]
    ordering = ["series__name", "edition", "name"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["series"]
    inlines = [FactInline, ParticipationInline]

    def get_queryset(self, request):
        return _article_count(super().get_queryset(request))


@admin.register(Tag)
class TagAdmin(DirectoryAdmin):
    list_display = ["name", "kind", "slug", "item_count"]
    list_filter = ["kind"]
    ordering = ["kind", "name"]
    actions = ["merge"]
    inlines = [FactInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("tagged_items"))

    @admin.display(description="Uses", ordering="item_count")
    def item_count(self, tag):
        return tag.item_count
