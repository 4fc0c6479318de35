"""The article admin: the editorial workflow, checked on the server."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion_compare.admin import CompareVersionAdmin

from .. import editorial, mentions, policy
from ..models import Article, ArticleStatus, Quote, Tag
from ..policy import can_publish
from ..renditions import renditions
from .bulk import (
    PolicyAdminMixin,
    PolicyInlineMixin,
    ScheduleForm,
    TagActionsMixin,
    ValidAutocompleteSelectMultiple,
    confirm_then,
    count_of,
)
from .filters import TagKindFilter


class ArticleForm(forms.ModelForm):
    # What the editor saw when the form was opened; a different stored value means
    # someone else saved in between.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(),
        required=False,
        # One choice per tag, so "China International Import Expo" stays one tag.
        widget=ValidAutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
        help_text="Search existing tags. Editors create new ones under Tags.",
    )
    attach_mentions = forms.MultipleChoiceField(
        label="Mentioned but not attached",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Known companies, people, events, places and products the text names. "
        "Tick them to attach them when you save.",
    )

    user = None  # set by ArticleAdmin.get_form

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose and order them)
        # As the admin's own forms do: a typed address without a scheme is https.
        formfield_callback = staticmethod(
            lambda field, **kwargs: field.formfield(
                **({"assume_scheme": "https"} if isinstance(field, models.URLField) else {}),
                **kwargs,
            )
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the database, not the instance: a form restoring an old revision
            # carries that revision's counter.
            self.fields["seen_version"].initial = (
                Article.objects.filter(pk=self.instance.pk)
                .values_list("lock_version", flat=True)
                .first()
            )
        self.suggestions = mentions.suggestions(self.instance) if self.instance.pk else []
        self.fields["attach_mentions"].choices = [
            (s.key, f"{s.obj} ({s.obj._meta.verbose_name}, as “{s.name}”)")
            for s in self.suggestions
        ]
        if "status" in self.fields and not can_publish(self.user):
            # Offer writers only what they may choose; a crafted "published" still
            # reaches clean(), which refuses it with a message that says why.
            self.fields["status"].widget.choices = [
                choice
                for choice in self.fields["status"].choices
                if choice[0] != ArticleStatus.PUBLISHED
            ]

    def clean(self):
        data = super().clean()
        self._check_not_stale()
        status = data.get("status", self.instance.status)
        if not can_publish(self.user):
            # The policy re-reads the stored article: a published one stays the editors'.
            if not policy.can_save(self.user, self.instance, to_status=status):
                raise forms.ValidationError(
                    "Only editors can publish, schedule or unpublish. Set the status to "
                    "“In review” and an editor will publish it.",
                    code="publish_denied",
                )
        elif status == ArticleStatus.PUBLISHED and not data.get("published_at"):
            data["published_at"] = timezone.now()
        if data.get("image") and not data.get("image_alt", "").strip():
            self.add_error("image_alt", "Describe the image for readers who cannot see it.")
        return data

    def _check_not_stale(self):
        if not self.instance.pk:
            return
        # Locked until the admin's transaction ends, so two saves cannot both pass.
        stored = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("lock_version", flat=True)
            .first()
        )
        seen = self.cleaned_data.get("seen_version")
        if seen is not None and stored is not None and seen != stored:
            history = reverse("admin:articles_article_history", args=[self.instance.pk])
            raise forms.ValidationError(
                format_html(
                    "Someone else saved this article after you opened it, so your changes "
                    'were not saved. <a href="{}">See the other change</a> in the history, '
                    "then reload this page and apply your edits again (copy them first).",
                    history,
                ),
                code="stale",
            )


class QuoteInline(PolicyInlineMixin, admin.StackedInline):
    model = Quote
    extra = 0
    autocomplete_fields = ["speaker"]


@admin.register(Article)
class ArticleAdmin(PolicyAdminMixin, TagActionsMixin, CompareVersionAdmin):
    form = ArticleForm
    list_display = [
        "title",
        "status",
        "published_at",
        "section",
        "tag_names",
        "companies_count",
        "people_count",
        "events_count",
        "updated_at",
    ]
    list_filter = ["status", "section", TagKindFilter, "published_at"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    ordering = ["-updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["companies", "people", "events"]
    readonly_fields = ["preview"]
    inlines = [QuoteInline]
    actions = ["publish_now", "schedule", "unpublish", "add_tag", "remove_tag"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", "slug", "section", "byline", "standfirst", "body"]}),
        ("Image", {"fields": ["image", "image_alt", "image_caption", "image_credit"]}),
        (
            "What it is about",
            {"fields": ["companies", "people", "events", "tags", "attach_mentions"]},
        ),
        ("Publishing", {"fields": ["status", "published_at", "preview", "seen_version"]}),
        (
            "Original source",
            {
                "fields": [
                    "source_name",
                    "source_url",
                    "source_published_on",
                    "source_date_precision",
                    "source_date_note",
                ],
                "classes": ["collapse"],
                "description": "For a report first published elsewhere: readers see its "
                "date, not the day it was copied here.",
            },
        ),
        ("Links in the body", {"fields": ["autolink", "autolink_skip"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                companies_count=Count("companies", distinct=True),
                people_count=Count("people", distinct=True),
                events_count=Count("events", distinct=True),
            )
            .prefetch_related("tags")
        )

    @admin.display(description="Tags")
    def tag_names(self, article):
        return ", ".join(tag.name for tag in article.tags.all())

    @admin.display(description="Companies", ordering="companies_count")
    def companies_count(self, article):
        return article.companies_count

    @admin.display(description="People", ordering="people_count")
    def people_count(self, article):
        return article.people_count

    @admin.display(description="Events", ordering="events_count")
    def events_count(self, article):
        return article.events_count

    @admin.display(description="Preview")
    def preview(self, article):
        if not article.pk:
            return "Save the article to preview it."
        note = "" if article.is_live else " (only staff can see it until it is published)"
        return format_html(
            '<a href="{}" target="_blank">Preview on the site</a>{}',
            article.get_absolute_url(),
            note,
        )

    # --- who may do what -------------------------------------------------

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            fields.append("published_at")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        old_slug = Article.objects.filter(pk=obj.pk).values_list("slug", flat=True).first()
        super().save_model(request, obj, form, change)
        editorial.record_slug_change(obj, old_slug)
        renditions(obj.image)  # made now, so the first reader does not wait for them

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        attached = mentions.attach(form.instance, form.cleaned_data.get("attach_mentions", []))
        if attached:
            self.message_user(request, f"Attached {attached} mentioned item(s) to the article.")

    # --- bulk actions ------------------------------------------------------

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        def apply(qs, data):
            count = editorial.publish(qs, user=request.user)
            return f"Published {count_of(count, self.opts)}."

        return confirm_then(
            self,
            request,
            queryset,
            title="Publish now",
            apply=apply,
            note="They go live immediately. Articles published before keep their date.",
        )

    publish_now.to_status = ArticleStatus.PUBLISHED  # what the policy judges each row as

    @admin.action(description="Schedule", permissions=["publish"])
    def schedule(self, request, queryset):
        def apply(qs, data):
            at = data["publish_at"]
            count = editorial.schedule(qs, at=at, user=request.user)
            when = timezone.localtime(at).strftime("%d %b %Y %H:%M")
            return f"Scheduled {count_of(count, self.opts)} for {when}."

        return confirm_then(
            self, request, queryset, title="Schedule", form_class=ScheduleForm, apply=apply
        )

    schedule.to_status = ArticleStatus.PUBLISHED

    @admin.action(description="Unpublish", permissions=["publish"])
    def unpublish(self, request, queryset):
        def apply(qs, data):
            count = editorial.unpublish(qs, user=request.user)
            return f"Unpublished {count_of(count, self.opts)}; they are drafts again."

        return confirm_then(
            self,
            request,
            queryset,
            title="Unpublish",
            apply=apply,
            note="They leave the public site at once and go back to draft.",
        )

    unpublish.to_status = ArticleStatus.DRAFT
