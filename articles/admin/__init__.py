"""The editorial admin, one module a concern; importing registers every model."""

from . import api_tokens, articles, directory, sources  # noqa: F401
