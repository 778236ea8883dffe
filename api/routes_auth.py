"""``POST /auth/token``: a bearer token for a username and password, with login throttling."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError
from ninja.throttling import AnonRateThrottle, BaseThrottle

from accounts import throttle
from accounts.mfa import check_code, has_second_factor, requires_mfa
from accounts.models import ApiToken, User
from api.outputs import ErrorOut, TokenOut
from api.schemas import TokenIn

router = Router(tags=["auth"])


def client_address(request: HttpRequest) -> str:
    """The caller's address, honouring NINJA_NUM_PROXIES like ninja's own throttles."""
    return BaseThrottle().get_ident(request) or ""


@router.post(
    "/token",
    auth=None,
    throttle=AnonRateThrottle("30/m"),
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
)
def issue_token(request: HttpRequest, credentials: TokenIn) -> TokenOut:
    """A token for ``Authorization: Bearer <token>``; failed attempts are counted and limited."""
    address = client_address(request)
    if throttle.is_locked_out(credentials.username, address):
        raise HttpError(
            429,
            _("Too many failed sign-in attempts. Wait %(minutes)d minutes and try again.")
            % {"minutes": math.ceil(settings.LOGIN_ATTEMPTS_WINDOW / 60)},
        )
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if not isinstance(user, User):
        throttle.record_failure(credentials.username, address)
        raise HttpError(401, _("The username or password is wrong."))
    if requires_mfa(user):
        require_second_factor(user, credentials.code, address)
    throttle.clear_failures(credentials.username, address)
    return TokenOut(token=ApiToken.objects.issue(user))


def require_second_factor(user: User, code: str, address: str) -> None:
    """Roles that sign in with two steps in the browser give their code here too: a password
    alone must not open the API for a Kabid, a Kasi or an admin."""
    if not has_second_factor(user):
        raise HttpError(
            403,
            _(
                "Your account needs two-step sign-in: set up an authenticator app in Warta "
                "first (sign in on the web), then ask for a token with its code."
            ),
        )
    if not code:
        raise HttpError(401, _("Give the 6-digit code from your authenticator app as “code”."))
    if not check_code(user, code):
        throttle.record_failure(user.get_username(), address)
        raise HttpError(401, _("The authenticator code is wrong or already used."))
