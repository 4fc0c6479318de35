"""Adjustments to the generated OpenAPI schema (drf-spectacular post-processing)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .sparse import SparseFieldsMixin


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's word for articles/api/auth.py (imported by the URLconf)."""

    target_class = "articles.api.auth.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token made in the admin (API tokens): `Bearer nr_…`.",
        }


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def sparse_fields_are_optional(result, generator, request, public):
    """`?fields=` may leave out any top-level field of these objects, so none of them
    is required in the schema (nested objects keep theirs)."""
    from . import serializers  # noqa: F401 (defines the subclasses)

    schemas = result.get("components", {}).get("schemas", {})
    for serializer in _subclasses(SparseFieldsMixin):
        name = serializer.__name__.removesuffix("Serializer")
        if name in schemas:
            schemas[name].pop("required", None)
    return result
