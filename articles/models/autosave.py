"""Autosaved copies of an article being edited, one per editor and article.

The editor's browser saves the text here every few seconds; the article itself is
only changed by a real save. Reopening the form offers the copy back.
"""

from django.conf import settings
from django.db import models


class Autosave(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="autosaves"
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="autosaves"
    )
    title = models.CharField(max_length=255, blank=True)
    standfirst = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # The article's save counter when the editor opened the form: restoring a copy
    # older than someone else's save goes through the conflict check.
    base_version = models.PositiveIntegerField()
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="one_autosave_per_user")
        ]

    def __str__(self):
        return f"Autosave of “{self.article}” by {self.user}"

    FIELDS = ("title", "standfirst", "body")

    def differs_from(self, article) -> bool:
        return any(getattr(self, name) != getattr(article, name) for name in self.FIELDS)
