"""``/auth``: a bearer token for a username and password (behind the sign-in throttle), the
caller's own tokens, and revoking one."""

from __future__ import annotations

import re
from datetime import datetime

from django.contrib.auth import authenticate
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.throttling import AnonRateThrottle

from accounts import actions, throttle
from accounts.addresses import address_key, client_address
from accounts.mfa import check_code, has_second_factor, requires_mfa
from accounts.models import TOKEN_CODE_PATTERN, ApiToken, User
from api.auth import current_token, current_user
from api.outputs import ErrorOut, TokenOut
from api.schemas import TokenIn

router = Router(tags=["auth"])

TOKEN_CODE = re.compile(TOKEN_CODE_PATTERN)


class ClientAddressThrottle(AnonRateThrottle):
    """ninja's per-address request limit, counted by Warta's client address (never by a
    forwarded header that no trusted proxy wrote; IPv6 per /64, like the sign-in throttle)."""

    def get_ident(self, request: HttpRequest) -> str:
        return address_key(client_address(request))


class TokenInfoOut(Schema):
    code: str
    ends_with: str
    issued_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    issued_to_address: str
    program: str
    current: bool


@router.post(
    "/token",
    auth=None,
    throttle=ClientAddressThrottle("30/m"),
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
)
def issue_token(
    request: HttpRequest, credentials: TokenIn, response: HttpResponse
) -> TokenOut | Status:
    """A token for ``Authorization: Bearer <token>``. Wrong passwords and codes are counted
    (per username and address, per address, per username); while the count says wait, the
    answer is 429 with ``Retry-After`` and nothing is checked."""
    address = client_address(request)
    verdict = throttle.check(credentials.username, address)
    if not verdict.allowed:
        response["Retry-After"] = str(verdict.retry_after)
        return Status(429, ErrorOut(detail=verdict.message()))
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if not isinstance(user, User):
        throttle.record_failure(credentials.username, address)
        raise HttpError(401, _("The username or password is wrong."))
    if requires_mfa(user):
        require_second_factor(user, credentials.code, address)
    key = actions.issue_token(
        user, address=address, user_agent=request.headers.get("User-Agent", "")
    )
    return TokenOut(token=key)


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


def _token_info(token: ApiToken, current: ApiToken | None) -> TokenInfoOut:
    return TokenInfoOut(
        code=token.code,
        ends_with=token.hint,
        issued_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        issued_to_address=token.created_from,
        program=token.user_agent,
        current=current is not None and token.pk == current.pk,
    )


@router.get("/tokens", response=list[TokenInfoOut])
def list_tokens(request: HttpRequest) -> list[TokenInfoOut]:
    """My valid tokens, the newest first; ``current`` marks the one this call used."""
    current = current_token(request)
    return [_token_info(t, current) for t in actions.tokens_of(current_user(request))]


@router.delete("/tokens/{code}", response={204: None, 404: ErrorOut})
def revoke_token(request: HttpRequest, code: str) -> Status:
    """Revoke one of my tokens (the one this call used, too: the next call is then 401)."""
    user = current_user(request)
    if not TOKEN_CODE.fullmatch(code):
        raise Http404
    token = actions.tokens_of(user).filter(code=code).first()
    if token is None:
        raise Http404
    actions.revoke_token(user, token)
    return Status(204, None)
