"""API tokens: each editor and writer makes and revokes their own (docs/api.md).

A token's key is shown once, on the page that follows its creation, and never
again: only its digest is stored. Nobody sees or revokes another's tokens, except
a superuser, who may revoke any (an employee who left).
"""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone

from ..models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "state", "created_at", "expires_at", "last_used_at"]
    list_select_related = ["user"]
    fields = ["name", "expires_at"]
    actions = ["revoke"]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        return rows if request.user.is_superuser else rows.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        # A token's name and expiry are set when it is made; after that it is revoked,
        # not edited (a longer life is a new token).
        return ["name", "expires_at"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, not deleted: its last use stays on record

    @admin.display(description="State")
    def state(self, token):
        return token.state

    def save_model(self, request, obj, form, change):
        if not change:
            obj.user = request.user
            request._issued_key = obj.issue()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """The key, once: the only time it exists outside the client that uses it."""
        context = {
            **self.admin_site.each_context(request),
            "title": "Copy your new API token",
            "token": obj,
            "key": request._issued_key,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/articles/apitoken/issued.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)
