"""Bearer tokens: ``Authorization: Bearer <token>`` from ``POST /auth/token``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from accounts.models import ApiToken, User


class BearerToken(HttpBearer):
    """The user an unexpired, unrevoked token belongs to (None, hence 401, for anything else);
    the token itself is kept on the request (``current_token``)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token or len(token) > 200:
            return None
        api_token = ApiToken.objects.for_key(token)
        if api_token is None:
            return None
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


def current_user(request: HttpRequest) -> User:
    """The authenticated user of a request that passed ``BearerToken``."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user


def current_token(request: HttpRequest) -> ApiToken | None:
    """The token a request that passed ``BearerToken`` was made with."""
    token = getattr(request, "api_token", None)
    return token if isinstance(token, ApiToken) else None
