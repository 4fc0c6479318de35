"""Checks that must pass before the app serves a single request."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_insecure_key() -> None:
    """Stop an app server from starting on the public development key with DEBUG off.

    Called from wsgi.py and asgi.py only: migrations and tests serve nobody, so
    they may run on the development key.
    """
    if not settings.DEBUG and settings.SECRET_KEY == settings.INSECURE_DEV_KEY:
        raise ImproperlyConfigured(
            "Refusing to serve with DEBUG off on the public development key. Set "
            "DJANGO_SECRET_KEY to a long random value (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set "
            "DJANGO_DEBUG=true for local development."
        )
