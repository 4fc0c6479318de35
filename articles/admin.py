"""Admin registration for every model. The full editorial workflow is issue #4."""

from django.contrib import admin
from django.db import models

from .models import (
    Article,
    Citation,
    Company,
    CompanyRelation,
    Event,
    Fact,
    Participation,
    Person,
    Quote,
    Role,
    Tag,
    TaggedItem,
)


class CitedInline(admin.TabularInline):
    extra = 0
    autocomplete_fields = ["citation"]


class FactInline(CitedInline):
    model = Fact
    fields = [
        "label",
        "value",
        "quantity",
        "unit",
        "date",
        "date_precision",
        "date_text",
        "citation",
        "derivation",
        "position",
    ]


class RoleInline(CitedInline):
    model = Role
    autocomplete_fields = ["citation", "company", "person"]


class ParticipationInline(CitedInline):
    model = Participation
    autocomplete_fields = ["citation", "company", "event"]


class RelationOutInline(CitedInline):
    model = CompanyRelation
    fk_name = "source"
    autocomplete_fields = ["citation", "target", "event"]
    verbose_name = "relation to another company"
    verbose_name_plural = "relations to other companies"


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    autocomplete_fields = ["speaker"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "section", "updated_at"]
    list_filter = ["status", "section"]
    search_fields = ["title", "standfirst", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["companies", "people", "events"]
    inlines = [QuoteInline]


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article"]
    list_select_related = ["article"]
    search_fields = ["excerpt", "article__title"]
    autocomplete_fields = ["article"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    # Editors paste bare domains; assume HTTPS as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [FactInline, RelationOutInline, RoleInline, ParticipationInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FactInline, RoleInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "series", "edition", "starts_on"]
    list_select_related = ["series"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["series"]
    inlines = [FactInline, ParticipationInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FactInline]


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "speaker", "article"]
    list_select_related = ["speaker", "article"]
    search_fields = ["text"]
    autocomplete_fields = ["speaker", "article"]


for model in (Fact, Role, CompanyRelation, Participation):
    admin.site.register(
        model,
        list_select_related=True,
        autocomplete_fields=["citation"],
        search_fields=["citation__excerpt"],
    )


@admin.register(TaggedItem)
class TaggedItemAdmin(admin.ModelAdmin):
    list_display = ["tag", "content_type", "object_id"]
    list_filter = ["tag__kind", "content_type"]
    list_select_related = ["tag", "content_type"]
    autocomplete_fields = ["tag"]
