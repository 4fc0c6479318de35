"""Slug natural keys, so fixtures and dumps refer to content by its URL name."""

from django.db import models


class SlugNaturalKeyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SlugNaturalKeyMixin:
    def natural_key(self):
        return (self.slug,)


def choice_constraint(field: str, choices: type[models.Choices], name: str):
    """A CheckConstraint that keeps `field` inside `choices` even for raw loads.

    loaddata and bulk writes skip model validation; the database does not.
    """
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)
