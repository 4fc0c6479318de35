"""Old slugs of renamed or merged content, so old URLs keep working (301)."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class SlugRedirect(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    old_slug = models.CharField(max_length=255)
    object_id = models.PositiveBigIntegerField(help_text="The row the old slug now leads to.")
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "old_slug"], name="slug_redirect_unique"
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} “{self.old_slug}” → {self.object_id}"
