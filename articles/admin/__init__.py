"""The editorial admin, one module a concern; importing registers every model."""

from . import articles, directory, sources  # noqa: F401
