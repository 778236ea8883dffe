"""Bearer tokens: ``Authorization: Bearer <token>`` from ``POST /auth/token``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from accounts.models import ApiToken, User


class BearerToken(HttpBearer):
    """The user an unexpired token belongs to (None, hence 401, for anything else)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token or len(token) > 200:
            return None
        return ApiToken.objects.user_for(token)


def current_user(request: HttpRequest) -> User:
    """The authenticated user of a request that passed ``BearerToken``."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user
