"""Bulk actions that ask first, and the admin's one route to `articles.policy`.

Every bulk action shows a confirmation page, then one message saying what changed.
`PolicyAdminMixin` and `PolicyInlineMixin` route every object permission, form save,
bulk action and revision restore of an admin through the policy.
"""

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import capfirst
from reversion.models import Version
from taggit.managers import TaggableManager

from .. import policy
from ..models import Tag, TaggedItem


class _OnlyValidSelected:
    """Render a bound autocomplete with only the values its key field accepts.

    Django's widget looks the submitted values up to label them; a crafted
    non-integer ("abc") made that query raise (a 500) instead of the form error
    the field has already recorded.

    `known` (filled by an inline for all its rows at once, see `_ValidAutocompleteFields`)
    labels the values without a query per row: seventeen facts with a citation each
    were seventeen lookups.
    """

    known = None  # {str(pk): label} of the remote model, when preloaded

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        key = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
        valid = []
        for item in value:
            try:
                key.to_python(item)
            except (ValidationError, TypeError, ValueError):
                continue
            valid.append(item)
        chosen = [str(item) for item in valid if str(item) not in ("", "None")]
        if self.known is None or not all(item in self.known for item in chosen):
            return super().optgroups(name, valid, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for item in chosen:
            options.append(self.create_option(name, item, self.known[item], True, len(options)))
        return [(None, options, 0)]


class ValidAutocompleteSelect(_OnlyValidSelected, AutocompleteSelect):
    pass


class ValidAutocompleteSelectMultiple(_OnlyValidSelected, AutocompleteSelectMultiple):
    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        # Each chosen item has its own remove button; select2's "clear all" is one more, and an
        # element its list may not hold (axe: "list").
        attrs["data-allow-clear"] = "false"
        return attrs


def preload_labels(queryset, field_name: str) -> dict[str, str]:
    """{pk: label} of every object the rows of `queryset` point to through `field_name`,
    in one query, for the autocomplete widgets of an inline."""
    field = queryset.model._meta.get_field(field_name)
    remote = field.remote_field.model
    ids = queryset.exclude(**{f"{field_name}__isnull": True}).values(field.attname)
    related = [f.name for f in remote._meta.concrete_fields if f.is_relation]
    return {
        str(obj.pk): str(obj)
        for obj in remote._default_manager.filter(pk__in=ids).select_related(*related)
    }


class _ValidAutocompleteFields:
    """Every autocomplete field of an admin or inline uses the widgets above, and
    tags are chosen one by one from the tag list on every form: taggit's typed,
    comma-separated box split "China International Import Expo" into three tags."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, TaggableManager):
            return forms.ModelMultipleChoiceField(
                queryset=Tag.objects.all(),
                required=False,
                label=capfirst(db_field.verbose_name),
                widget=ValidAutocompleteSelectMultiple(db_field, self.admin_site),
                help_text="Search existing tags. Editors create new ones under Tags.",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
            labels = getattr(request, "autocomplete_labels", {}).get((self.model, db_field.name))
            kwargs["widget"].known = labels
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


POLICY_REFUSED = "You may not change this: {reason}"
WRITER_REASON = (
    "writers change drafts and articles in review and what hangs off them; published "
    "and scheduled articles and the directory are the editors'."
)


class PolicyAdminMixin(_ValidAutocompleteFields):
    """Object permissions, form saves, bulk actions and restores, judged by the policy."""

    def _read_only(self, request):
        # Set while rendering a restore the policy refuses: the page shows, read-only.
        return getattr(request, "policy_restore_refused", False)

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._read_only(request):
            return False
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or policy.can_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._read_only(request):
            return False
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or policy.can_delete(request.user, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (PolicyFormMixin, form), {"policy_user": request.user})

    # --- bulk actions: every selected object, before anything changes -----------

    def get_actions(self, request):
        return {
            name: (_guarded(func), name, description)
            for name, (func, _, description) in super().get_actions(request).items()
        }

    def refused_objects(self, request, func, queryset) -> list:
        to_status = getattr(func, "to_status", None)
        refused = []
        for need in getattr(func, "allowed_permissions", None) or ("change",):
            refused += policy.refused(request.user, queryset, need=need, to_status=to_status)
        return list(dict.fromkeys(refused))

    # --- revision restore and recover ----------------------------------------

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(
            Version,
            pk=version_id,
            object_id=unquote(object_id),
            content_type=ContentType.objects.get_for_model(self.model),
        )
        self._judge_restore(request, version)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(
            Version, pk=version_id, content_type=ContentType.objects.get_for_model(self.model)
        )
        self._judge_restore(request, version)
        return super().recover_view(request, version_id, extra_context)

    def _judge_restore(self, request, version):
        # Judged before django-reversion writes the old revision: after that the
        # database itself holds the old (say, draft) state.
        allowed = policy.can_restore(request.user, version.revision.version_set.all())
        if not allowed and request.method == "POST":
            raise PermissionDenied(POLICY_REFUSED.format(reason=WRITER_REASON))
        request.policy_restore_refused = not allowed


class PolicyInlineMixin(_ValidAutocompleteFields):
    """An inline row is part of its parent: changing it is changing the parent."""

    def get_formset(self, request, obj=None, **kwargs):
        if obj is not None and obj.pk is not None:
            # Label every row's autocomplete choices in one query per field.
            rows = self.get_queryset(request).filter(**{self._parent_field(obj): obj})
            labels = getattr(request, "autocomplete_labels", {})
            for name in self.get_autocomplete_fields(request):
                field = self.model._meta.get_field(name)
                if field.many_to_one:
                    labels[(self.model, name)] = preload_labels(rows, name)
            request.autocomplete_labels = labels
        return super().get_formset(request, obj, **kwargs)

    def _parent_field(self, obj) -> str:
        if getattr(self, "fk_name", None):
            return self.fk_name
        return next(
            f.name
            for f in self.model._meta.fields
            if f.is_relation and f.related_model is type(obj)
        )

    def _parent_allows(self, request, obj):
        if obj is None:
            return True
        if getattr(request, "policy_restore_refused", False):
            return False
        return policy.can_change(request.user, obj)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._parent_allows(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._parent_allows(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._parent_allows(request, obj)


class PolicyFormMixin:
    """The saved row, as the form would write it, must be allowed."""

    policy_user = None

    def _post_clean(self):
        super()._post_clean()  # the instance now carries the submitted values
        if self.policy_user is None or self._errors:
            return
        instance = self.instance
        if not policy.can_save(
            self.policy_user, instance, to_status=getattr(instance, "status", None)
        ):
            self.add_error(None, POLICY_REFUSED.format(reason=WRITER_REASON))


def _guarded(func):
    """The action, refused as a whole if the policy refuses any selected object."""

    @functools.wraps(func)
    def guarded(modeladmin, request, queryset):
        refused = modeladmin.refused_objects(request, func, queryset)
        if refused:
            names = ", ".join(f"“{obj}”" for obj in refused[:5])
            more = f" and {len(refused) - 5} more" if len(refused) > 5 else ""
            modeladmin.message_user(
                request,
                f"Nothing was changed: you may not do this to {names}{more}. {WRITER_REASON}",
                messages.ERROR,
            )
            return None
        return func(modeladmin, request, queryset)

    return guarded


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


class LabelledSplitDateTime(admin.widgets.AdminSplitDateTime):
    """Django's date and time boxes, each with a name of its own for screen readers
    (the admin prints "Date:" and "Time:" as bare text beside them)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = "Publication date"
        self.widgets[1].attrs["aria-label"] = "Publication time"


class ScheduleForm(forms.Form):
    publish_at = forms.SplitDateTimeField(
        label="Publish at",
        widget=LabelledSplitDateTime,
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
        widget=ValidAutocompleteSelect(TaggedItem._meta.get_field("tag"), admin.site),
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


def count_of_rows(model, column: str, **filters):
    """How many `model` rows point at each row of the admin's list, as a subquery:
    counted for the rows on the page, never by joining and grouping the whole table."""
    rows = model.objects.filter(**{column: OuterRef("pk")}, **filters).order_by()
    return Coalesce(Subquery(rows.values(column).annotate(n=Count("pk")).values("n")), 0)
