"""The URL converters the site's and the API's routes share, registered on import."""

from django.urls import register_converter

from .kinds import URL_REGEX


class KindConverter:
    """The kinds of thing an intersection or entity feed can be about."""

    regex = URL_REGEX

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class SlugConverter:
    """Slugs in any script, but never a NUL byte: PostgreSQL refuses one in a query
    (a 500), so such a URL simply matches nothing (a 404). Found by Hypothesis."""

    regex = "[^/\x00]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(KindConverter, "kind")
register_converter(SlugConverter, "anyslug")
