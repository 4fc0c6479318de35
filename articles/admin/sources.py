"""Citations, facts, relations, quotes and the rest: where every fact comes from."""

from django.contrib import admin
from django.db import models

from ..models import (
    Citation,
    CompanyRelation,
    Fact,
    OutsideSource,
    Participation,
    Quote,
    Role,
    SlugRedirect,
    TaggedItem,
)
from .bulk import PolicyAdminMixin


@admin.register(Citation)
class CitationAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["excerpt", "article"]
    list_select_related = ["article"]
    search_fields = ["excerpt", "article__title"]
    autocomplete_fields = ["article"]


@admin.register(OutsideSource)
class OutsideSourceAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["publisher", "title", "url", "published_on"]
    search_fields = ["publisher", "title", "url"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class CitedAdmin(PolicyAdminMixin, admin.ModelAdmin):
    autocomplete_fields = ["citation"]
    search_fields = ["citation__excerpt"]
    list_filter = ["date_precision"]


@admin.register(Fact)
class FactAdmin(CitedAdmin):
    list_display = ["label", "value", "company", "person", "event", "tag", "citation"]
    list_select_related = ["company", "person", "event", "tag", "citation__article"]
    search_fields = ["label", "value", "citation__excerpt"]
    autocomplete_fields = ["citation", "company", "person", "event", "tag"]


@admin.register(Role)
class RoleAdmin(CitedAdmin):
    list_display = ["person", "title", "company"]
    list_select_related = ["person", "company"]
    search_fields = ["title", "person__name", "company__name"]
    autocomplete_fields = ["citation", "person", "company"]


@admin.register(CompanyRelation)
class CompanyRelationAdmin(CitedAdmin):
    list_display = ["source", "kind", "target", "event"]
    list_select_related = ["source", "target", "event"]
    list_filter = ["kind"]
    search_fields = ["source__name", "target__name"]
    autocomplete_fields = ["citation", "source", "target", "event"]


@admin.register(Participation)
class ParticipationAdmin(CitedAdmin):
    list_display = ["company", "role", "event"]
    list_select_related = ["company", "event"]
    list_filter = ["role"]
    search_fields = ["company__name", "event__name"]
    autocomplete_fields = ["citation", "company", "event"]


@admin.register(Quote)
class QuoteAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["text", "speaker", "article"]
    list_select_related = ["speaker", "article"]
    search_fields = ["text", "speaker__name"]
    autocomplete_fields = ["speaker", "article"]


@admin.register(TaggedItem)
class TaggedItemAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["tag", "content_type", "object_id"]
    list_filter = ["tag__kind", "content_type"]
    list_select_related = ["tag", "content_type"]
    autocomplete_fields = ["tag"]


@admin.register(SlugRedirect)
class SlugRedirectAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["old_slug", "content_type", "object_id", "created_at"]
    list_select_related = ["content_type"]
    list_filter = ["content_type"]
    search_fields = ["old_slug"]
