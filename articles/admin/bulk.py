"""Bulk actions that ask first: a confirmation page, then one message saying what changed."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.template.response import TemplateResponse
from django.utils import timezone

from ..models import Tag, TaggedItem


def confirm_then(modeladmin, request, queryset, *, title, apply, form_class=None, note=""):
    """Render a confirmation page; on confirmation run `apply(queryset, data)`.

    `apply` returns the message to show. Returning None from an admin action sends
    the editor back to the changelist with that message.
    """
    form = (form_class or forms.Form)(request.POST if "confirm" in request.POST else None)
    if "confirm" in request.POST and form.is_valid():
        message = apply(queryset, form.cleaned_data)
        modeladmin.message_user(request, message, messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "note": note,
        "form": form,
        "queryset": queryset,
        "opts": modeladmin.model._meta,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/articles/confirm_action.html", context)


class ScheduleForm(forms.Form):
    publish_at = forms.SplitDateTimeField(
        label="Publish at",
        widget=admin.widgets.AdminSplitDateTime,
        help_text="A time in the future: the articles appear by themselves then.",
    )

    def clean_publish_at(self):
        value = self.cleaned_data["publish_at"]
        if value <= timezone.now():
            raise forms.ValidationError("Choose a time in the future, or use “Publish now”.")
        return value


class TagChoiceForm(forms.Form):
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.all(),
        widget=AutocompleteSelect(TaggedItem._meta.get_field("tag"), admin.site),
    )


def count_of(count: int, opts) -> str:
    return f"{count} {opts.verbose_name if count == 1 else opts.verbose_name_plural}"


def tag_action(modeladmin, request, queryset, *, adding: bool):
    """Add or remove one tag on every selected object, after confirmation."""
    from .. import editorial

    def apply(qs, data):
        tag = data["tag"]
        if adding:
            count = editorial.add_tag(qs, tag, user=request.user)
            return f"Tagged {count_of(count, modeladmin.opts)} “{tag}”."
        count = editorial.remove_tag(qs, tag, user=request.user)
        return f"Removed “{tag}” from {count_of(count, modeladmin.opts)}."

    title = "Add a tag" if adding else "Remove a tag"
    return confirm_then(
        modeladmin, request, queryset, title=title, form_class=TagChoiceForm, apply=apply
    )


class TagActionsMixin:
    """ "Add a tag" and "Remove a tag" for any admin whose model has tags."""

    @admin.action(description="Add a tag", permissions=["change"])
    def add_tag(self, request, queryset):
        return tag_action(self, request, queryset, adding=True)

    @admin.action(description="Remove a tag", permissions=["change"])
    def remove_tag(self, request, queryset):
        return tag_action(self, request, queryset, adding=False)
