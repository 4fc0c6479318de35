"""The article admin: the editorial workflow, checked on the server."""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from reversion_compare.admin import CompareVersionAdmin

from .. import editorial, mentions, notifications, policy, search, workflow
from ..models import Article, ArticleStatus, Autosave, Quote, TaggedItem
from ..policy import can_publish
from ..renditions import renditions
from . import conflicts, editor_views
from .bulk import (
    LabelledSplitDateTime,
    PolicyAdminMixin,
    PolicyInlineMixin,
    ScheduleForm,
    TagActionsMixin,
    confirm_then,
    count_of,
    count_of_rows,
)
from .filters import DeskFilter, StateFilter, TagKindFilter


class ArticleForm(forms.ModelForm):
    # What the editor saw when the form was opened; a different stored value means
    # someone else saved in between.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    workflow_note = forms.CharField(
        label="Note for the writer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="With “Send back”: what should change. The writer sees it on the form "
        "and on the desk, and by email.",
    )
    # A file chosen in a submit that was refused, kept aside (admin/conflicts.py).
    pending_image = forms.CharField(widget=forms.HiddenInput, required=False)
    attach_mentions = forms.MultipleChoiceField(
        label="Mentioned but not attached",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Known companies, people, events, places and products the text names. "
        "Tick them to attach them when you save.",
    )

    user = None  # set by ArticleAdmin.get_form
    request = None
    conflicts: list = []  # set on a stale save: their version against mine
    theirs_version = None

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
        self._take_back_pending_image()
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

    @property
    def workflow_step(self):
        """The workflow button pressed, if one was (see articles/workflow.py)."""
        return workflow.STEPS.get(self.data.get("_workflow", "")) if self.is_bound else None

    def clean(self):
        data = super().clean()
        self._check_not_stale()
        step = self.workflow_step
        if step is not None:
            at = data.get("published_at") if step.needs_time else None
            try:
                workflow.check(
                    step, self.user, self.instance, note=data.get("workflow_note", ""), at=at
                )
            except workflow.WorkflowError as refusal:
                raise forms.ValidationError(str(refusal), code="workflow") from None
            if "status" in self.fields:
                data["status"] = step.to_status
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
        stored = Article.objects.select_for_update().filter(pk=self.instance.pk).first()
        seen = self.cleaned_data.get("seen_version")
        if seen is None or stored is None:
            return
        if seen == stored.lock_version:
            conflicts.take_theirs(self, stored, self.cleaned_data)
            return
        self.conflicts = conflicts.conflicts(self, stored, seen_version=seen)
        self.theirs_version = stored.lock_version
        history = reverse("admin:articles_article_history", args=[self.instance.pk])
        raise forms.ValidationError(
            format_html(
                "Someone else saved this article after you opened it, so your changes "
                "were not saved yet. Below, their version is set against yours, field "
                "by field: choose what to keep, then save again. "
                '<a href="{}">The history</a> has every version.',
                history,
            ),
            code="stale",
        )

    def _take_back_pending_image(self):
        token = self.data.get(self.add_prefix("pending_image")) if self.is_bound else None
        if not token or self.files.get(self.add_prefix("image")) or self.request is None:
            return
        kept = conflicts.take_back(self.request, token)
        if kept is not None:
            self.files = self.files.copy()
            with kept:
                self.files[self.add_prefix("image")] = SimpleUploadedFile(
                    conflicts.name_of(self.request, token), kept.read()
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
        "state_chip",
        "author",
        "published_at",
        "section",
        "tag_count",
        "entities",
        "updated_at",
    ]
    list_display_links = ["title"]
    list_filter = [DeskFilter, StateFilter, "section", TagKindFilter, "published_at"]
    list_select_related = ["created_by"]
    search_fields = ["title", "standfirst", "body"]
    search_help_text = "Whole words in headlines, standfirsts and bodies (stemmed: "
    "“invest” finds “investment”)."
    ordering = ["-updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["companies", "people", "events"]
    readonly_fields = ["preview"]
    inlines = [QuoteInline]
    actions = ["publish_now", "schedule", "unpublish", "add_tag", "remove_tag"]
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.DateTimeField: {"widget": LabelledSplitDateTime},
    }
    fieldsets = [
        (None, {"fields": ["title", "slug", "section", "byline", "standfirst", "body"]}),
        ("Image", {"fields": ["image", "image_alt", "image_caption", "image_credit"]}),
        (
            "What it is about",
            {"fields": ["companies", "people", "events", "tags", "attach_mentions"]},
        ),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "published_at",
                    "workflow_note",
                    "preview",
                    "seen_version",
                    "pending_image",
                ]
            },
        ),
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
        # Counted by subqueries: joining four link tables to count them multiplies
        # the rows of every article by the product of its links. The list needs no
        # bodies (megabytes a page at scale); the change form reads the row itself.
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match is not None and match.url_name == "articles_article_changelist":
            queryset = queryset.defer("body", "search_vector")
        return queryset.annotate(
            companies_count=count_of_rows(Article.companies.through, "article_id"),
            people_count=count_of_rows(Article.people.through, "article_id"),
            events_count=count_of_rows(Article.events.through, "article_id"),
            tags_count=count_of_rows(
                TaggedItem,
                "object_id",
                content_type=ContentType.objects.get_for_model(Article),
            ),
        )

    def get_search_results(self, request, queryset, search_term):
        # The full-text index the reader's search uses: a LIKE over every body took
        # half a second at 100,000 articles.
        if not search_term.strip():
            return queryset, False
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete":
            # Choosing an article for a quote or citation: its headline as typed so far.
            return queryset.filter(title__icontains=search_term.strip()[:200]), False
        terms = search.parse_terms(search_term)
        if not terms:
            return queryset.none(), False
        return search.matching_articles(queryset, terms), False

    @admin.display(description="State", ordering="status")
    def state_chip(self, article):
        state = workflow.state_label(article)
        return format_html('<span class="chip chip-{}">{}</span>', slugify(state), state)

    @admin.display(description="Author", ordering="created_by__username")
    def author(self, article):
        user = article.created_by
        return (user.get_full_name() or user.get_username()) if user else "—"

    @admin.display(description="Tags", ordering="tags_count")
    def tag_count(self, article):
        return article.tags_count

    @admin.display(description="Companies · people · events")
    def entities(self, article):
        return f"{article.companies_count} · {article.people_count} · {article.events_count}"

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
        return type(form.__name__, (form,), {"user": request.user, "request": request})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if can_publish(request.user):
            return fieldsets
        # The note goes with "Send back", an editor's step.
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "workflow_note"]})
            for name, opts in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        old_slug = Article.objects.filter(pk=obj.pk).values_list("slug", flat=True).first()
        step = form.workflow_step
        if step is not None:
            note = form.cleaned_data.get("workflow_note", "")
            workflow.apply(step, obj, note=note, at=obj.published_at)
        if obj.status != ArticleStatus.DRAFT:
            obj.review_note = ""  # the note was for the draft that was sent back
        if not change:
            obj.created_by = request.user
        obj.lock_floor = getattr(request, "lock_floor", None)
        super().save_model(request, obj, form, change)
        editorial.record_slug_change(obj, old_slug)
        renditions(obj.image)  # made now, so the first reader does not wait for them
        Autosave.objects.filter(user=request.user, article=obj).delete()
        conflicts.forget(request, form.cleaned_data.get("pending_image"))
        if step is not None:
            notifications.step_taken(
                step, obj, actor=request.user, note=form.cleaned_data.get("workflow_note", "")
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        attached = mentions.attach(form.instance, form.cleaned_data.get("attach_mentions", []))
        if attached:
            self.message_user(request, f"Attached {attached} mentioned item(s) to the article.")

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        step = form.workflow_step
        if step is None:
            return message
        # The history names the step ("Sent back: …"), then what else changed.
        changed = LogEntry(change_message=json.dumps(message)).get_change_message()
        line = workflow.history_line(
            step,
            note=form.cleaned_data.get("workflow_note", ""),
            at=form.instance.published_at,
        )
        return f"{line}. {changed}" if changed and changed != "No fields changed." else line

    def response_change(self, request, obj):
        return self._after_step(request, obj) or super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_step(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def _after_step(self, request, obj):
        step = workflow.STEPS.get(request.POST.get("_workflow", ""))
        if step is None:
            return None
        self.message_user(request, f"{step.done}: “{obj}”.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:index"))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        inlines_invalid = any(
            inline.formset.is_bound and not inline.formset.is_valid()
            for inline in context.get("inline_admin_formsets", [])
        )
        if form.is_bound and (form.errors or inlines_invalid):
            self._keep_chosen_image(request, form)
            if form.theirs_version is not None:
                # The next submit is judged against the version now shown.
                form.data = form.data.copy()
                form.data["seen_version"] = form.theirs_version
        article = obj or Article()
        may_change = add or self.has_change_permission(request, obj)
        autosave = None
        if obj is not None and not form.is_bound:
            autosave = Autosave.objects.filter(user=request.user, article=obj).first()
            if autosave is not None and not autosave.differs_from(obj):
                autosave = None
        context.update(
            workflow_steps=workflow.available(request.user, article) if may_change else [],
            state_label=workflow.state_label(article) if obj else "New",
            review_note=obj.review_note if obj and obj.status == ArticleStatus.DRAFT else "",
            conflicts=form.conflicts,
            stale=form.theirs_version is not None,
            autosave=autosave,
            autosave_is_older=autosave is not None and autosave.base_version < obj.lock_version,
            pending_image_name=conflicts.name_of(request, form.data.get("pending_image"))
            if form.is_bound
            else "",
            editor_urls={
                "preview": reverse("admin:articles_article_preview"),
                "autosave": reverse("admin:articles_article_autosave", args=[obj.pk])
                if obj is not None and may_change
                else "",
            },
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _keep_chosen_image(self, request, form):
        upload = form.files.get(form.add_prefix("image"))
        if upload is None or "image" in form.errors:
            return
        upload.seek(0)
        conflicts.forget(request, form.data.get("pending_image"))  # replaced by this one
        form.data = form.data.copy()
        form.data["pending_image"] = conflicts.put_aside(request, upload)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # django-reversion writes the old row (its old save counter included) before
        # the form saves; remember the counter as it stood, so the save moves past it.
        request.lock_floor = (
            Article.objects.filter(pk=unquote(object_id))
            .values_list("lock_version", flat=True)
            .first()
        )
        return super().revision_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        return [
            path(
                "preview/",
                self.admin_site.admin_view(editor_views.preview),
                name="articles_article_preview",
            ),
            path(
                "<int:pk>/autosave/",
                self.admin_site.admin_view(editor_views.autosave),
                name="articles_article_autosave",
            ),
            path(
                "<int:pk>/step/<str:step>/",
                self.admin_site.admin_view(editor_views.take_step),
                name="articles_article_step",
            ),
            *super().get_urls(),
        ]

    class Media:
        js = ["js/article_editor.js"]  # admin.css comes with every admin page (base_site)

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
