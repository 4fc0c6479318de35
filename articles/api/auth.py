"""Who an API request is: `Authorization: Bearer <token>` with a token its user made
in the admin (articles/models/api_tokens.py), and how often a token may write."""

from django.conf import settings
from rest_framework import authentication, exceptions, throttling

from ..models import ApiToken

KEYWORDS = (b"bearer", b"token")


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as `Authorization: Bearer <token>`, with no spaces in it."
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed("A token has ASCII characters only.") from error
        token = ApiToken.find(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "This token is unknown, expired or revoked. Make a new one in the admin, "
                "under API tokens."
            )
        token.touch()
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class PerTokenThrottle(throttling.SimpleRateThrottle):
    """Writes per token (API_WRITE_RATE), counted in the shared cache, so every app
    server counts the same requests."""

    scope = "api-write"

    def get_rate(self):
        return settings.API_WRITE_RATE  # read per request, so a test or an operator may set it

    def get_cache_key(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
