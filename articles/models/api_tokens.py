"""Per-user API tokens for editors' tools (docs/api.md, "Writing").

A token is shown once, when it is made, and stored only as its SHA-256 digest: the
key is 256 random bits, so a fast digest cannot be searched, and a copy of the
database gives nobody a key. A token acts as its user, under the same policy as the
admin; it expires, and can be revoked.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX = "nr_"
# How often a token's "last used" time is written: not on every request.
TOUCH_EVERY = timedelta(minutes=1)


def default_expiry():
    return timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What will use it, e.g. “Wire importer” or “Newsletter tool”."
    )
    prefix = models.CharField(
        max_length=12, editable=False, help_text="The key's first characters, to recognise it."
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(
        default=default_expiry, help_text="After this the token no longer works."
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def issue(self) -> str:
        """Give this (unsaved) token its key; returns the key, which is never stored."""
        key = PREFIX + secrets.token_urlsafe(32)
        self.prefix = key[: len(PREFIX) + 6]
        self.digest = digest_of(key)
        return key

    @classmethod
    def find(cls, key: str):
        """The usable token with this key, with its user; None otherwise."""
        return cls.objects.usable().select_related("user").filter(digest=digest_of(key)).first()

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Active"

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= TOUCH_EVERY:
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
