"""Security middleware: a Content-Security-Policy per area, and a clear 503 when the
database is unreachable."""

import logging

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


FALLBACK_503 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Temporarily unavailable · Newsroom</title></head><body><main>"
    "<h1>We will be back in a moment</h1><p>Newsroom cannot reach its database just now. "
    "Please try again in a minute.</p></main></body></html>"
)


class NewsroomCSPMiddleware(CSPMiddleware):
    """The site's strict policy everywhere; the admin's own where Django admin needs it.

    Django admin sets inline style attributes, so its pages allow inline styles
    (never inline scripts).
    """

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith("/" + settings.ADMIN_PATH) and parts.replace is None:
            parts.replace = settings.ADMIN_CSP_DIRECTIVES
        return parts


class DatabaseUnavailableMiddleware:
    """Turn "the database is down" into a 503 page that says so, not a stack trace."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError) and not (
            isinstance(exception, DatabaseError) and "connect" in str(exception).lower()
        ):
            return None
        logger.error("Database unavailable: %s", exception)
        try:
            page = render_to_string("503.html")
        except Exception:  # e.g. static files not collected: still answer
            page = FALLBACK_503
        response = HttpResponse(page, status=503)
        response["Retry-After"] = "30"
        return response
