"""Sign-in (OAuth) endpoints of the fake platforms: authorize pages and token exchanges.

The authorize pages approve at once (or refuse, with ``fake.oauth_deny``) and redirect back to
Warta with the code and the state, as the platform would after the person pressed "Allow"; so
a browser (or a test following redirects) can walk the whole connection.

- X: ``GET /i/oauth2/authorize`` (PKCE S256 required), ``POST /2/oauth2/token`` with
  ``grant_type=authorization_code`` (the verifier must match the challenge; codes work once).
- Facebook: ``GET /{v}/dialog/oauth``, ``GET /{v}/oauth/access_token`` (code → short user
  token; ``grant_type=fb_exchange_token`` → long-lived user token), ``GET /{v}/me/accounts``.
- Instagram Login: ``GET /oauth/authorize``, ``POST /oauth/access_token`` (code → short token
  and user id), ``GET /access_token?grant_type=ig_exchange_token`` (→ long-lived token).
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from channels.fakes.server import Answer, FakePlatforms, Request

X_REQUIRED_SCOPES = {"tweet.read", "tweet.write", "users.read", "offline.access", "media.write"}
GRAPH_DIALOG_RE = re.compile(r"^/v\d+\.0/dialog/oauth/?$")
GRAPH_TOKEN_RE = re.compile(r"^/v\d+\.0/oauth/access_token/?$")
GRAPH_ACCOUNTS_RE = re.compile(r"^/v\d+\.0/me/accounts/?$")


def platform_of(path: str) -> str:
    """The platform of a sign-in path ("" when the path is not one)."""
    if path == "/i/oauth2/authorize":
        return "x"
    if path in ("/oauth/authorize", "/oauth/access_token", "/access_token"):
        return "instagram"
    if GRAPH_DIALOG_RE.match(path) or GRAPH_TOKEN_RE.match(path) or GRAPH_ACCOUNTS_RE.match(path):
        return "facebook"
    return ""


def answer(fake: FakePlatforms, request: Request) -> Answer | None:
    """The answer to a sign-in request, or None when the request is not one."""
    path, method = request.path, request.method
    if method == "GET" and path in ("/i/oauth2/authorize", "/oauth/authorize"):
        return _authorize(fake, request)
    if method == "GET" and GRAPH_DIALOG_RE.match(path):
        return _authorize(fake, request)
    if method == "POST" and path == "/2/oauth2/token":
        if request.form.get("grant_type") == "authorization_code":
            return _x_token(fake, request)
        return None  # the refresh grant: channels.fakes.x
    if method == "GET" and GRAPH_TOKEN_RE.match(path):
        return _facebook_token(fake, request)
    if method == "GET" and GRAPH_ACCOUNTS_RE.match(path):
        return _facebook_pages(fake, request)
    if method == "POST" and path == "/oauth/access_token":
        return _instagram_token(fake, request)
    if method == "GET" and path == "/access_token":
        return _instagram_exchange(fake, request)
    return None


def _bad(status: int, message: str, platform: str) -> Answer:
    from channels.fakes.graph import error_body
    from channels.fakes.server import Answer

    if platform == "x":
        return Answer(status, {"error": "invalid_request", "error_description": message})
    if platform == "instagram":
        return Answer(
            status, {"error_type": "OAuthException", "code": status, "error_message": message}
        )
    return Answer(status, error_body(100, message, kind="OAuthException"))


def _back(redirect_uri: str, **params: str) -> Answer:
    from channels.fakes.server import Answer

    joiner = "&" if "?" in redirect_uri else "?"
    return Answer(302, {}, {"Location": f"{redirect_uri}{joiner}{urlencode(params)}"})


def _authorize(fake: FakePlatforms, request: Request) -> Answer:
    """Check the request like the platform would, then "allow" (or refuse) at once."""
    query, platform = request.query, request.platform
    missing = [
        n for n in ("client_id", "redirect_uri", "state", "response_type") if not query.get(n)
    ]
    if missing:
        return _bad(400, f"Missing parameter: {', '.join(missing)}", platform)
    if query["client_id"] != fake.client_id:
        return _bad(400, "Invalid client_id", platform)
    if query["response_type"] != "code":
        return _bad(400, "response_type must be code", platform)
    if platform == "x":
        scopes = set(query.get("scope", "").split(" "))
        if not X_REQUIRED_SCOPES <= scopes:
            return _bad(400, f"Missing scopes: {sorted(X_REQUIRED_SCOPES - scopes)}", platform)
        if (
            query.get("code_challenge_method") != "S256"
            or len(query.get("code_challenge", "")) < 43
        ):
            return _bad(400, "PKCE with code_challenge_method=S256 is required", platform)
    with fake.lock:
        fake.authorize_requests.append(dict(query))
        if fake.oauth_deny:
            return _back(
                query["redirect_uri"],
                error="access_denied",
                error_description="The user denied the request",
                state=query["state"],
            )
        code = f"code-{fake.next_id()}"
        fake.oauth_codes[code] = {
            "platform": platform,
            "redirect_uri": query["redirect_uri"],
            "challenge": query.get("code_challenge", ""),
        }
    return _back(query["redirect_uri"], code=code, state=query["state"])


def _use_code(fake: FakePlatforms, request: Request, code: str) -> dict[str, Any] | None:
    """The code's record if it is this platform's and unused (a code works once)."""
    with fake.lock:
        grant = fake.oauth_codes.pop(code, None)
    if grant is None or grant["platform"] != request.platform:
        return None
    if grant["redirect_uri"] != request.param("redirect_uri"):
        return None
    return grant


def _client_ok(fake: FakePlatforms, request: Request, *, secret: bool) -> bool:
    from channels.fakes.server import basic_auth

    if (credentials := basic_auth(request)) is not None:
        return credentials == (fake.client_id, fake.client_secret)
    if request.param("client_id") != fake.client_id:
        return False
    return not secret or request.param("client_secret") == fake.client_secret


def _x_token(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer

    if not _client_ok(fake, request, secret=False):
        return _bad(401, "Invalid client", "x")
    grant = _use_code(fake, request, request.form.get("code", ""))
    if grant is None:
        return _bad(400, "Value passed for the authorization code was invalid.", "x")
    digest = hashlib.sha256(request.form.get("code_verifier", "").encode()).digest()
    if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
        return _bad(400, "Value passed for the code verifier did not match.", "x")
    with fake.lock:
        fake.tokens["x"] = f"x-token-{fake.next_id()}"
        fake.x_refresh_token = f"x-refresh-{fake.next_id()}"
        return Answer(
            200,
            {"token_type": "bearer", "expires_in": 7200, "access_token": fake.tokens["x"],
             "refresh_token": fake.x_refresh_token, "scope": " ".join(sorted(X_REQUIRED_SCOPES))},
        )  # fmt: skip


def _facebook_token(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer

    if not _client_ok(fake, request, secret=True):
        return _bad(400, "Error validating client secret.", "facebook")
    if request.query.get("grant_type") == "fb_exchange_token":
        with fake.lock:
            if request.query.get("fb_exchange_token") not in fake.fb_short_tokens:
                return _bad(400, "Invalid OAuth access token.", "facebook")
        return Answer(
            200, {"access_token": fake.fb_user_token, "token_type": "bearer", "expires_in": 5183944}
        )
    if _use_code(fake, request, request.query.get("code", "")) is None:
        return _bad(400, "This authorization code has expired or been used.", "facebook")
    short = f"fb-user-short-{fake.next_id()}"
    with fake.lock:
        fake.fb_short_tokens.add(short)
    return Answer(200, {"access_token": short, "token_type": "bearer", "expires_in": 3600})


def _facebook_pages(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.graph import error_body, page_of
    from channels.fakes.server import Answer, bearer

    if bearer(request) != fake.fb_user_token:
        return Answer(400, error_body(190, "Invalid OAuth access token.", kind="OAuthException"))
    pages: list[dict[str, Any]] = [
        {
            "id": fake.page_id,
            "name": "Diskominfo Provinsi Lampung",
            "access_token": fake.tokens["facebook"],
            "instagram_business_account": {"id": fake.ig_user_id},
        },
        {"id": "1002", "name": "Dinas Pariwisata", "access_token": "fb-other-page-token"},
    ]
    return Answer(200, page_of(pages, request))


def _instagram_token(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer

    if not _client_ok(fake, request, secret=True):
        return _bad(400, "Invalid client_secret", "instagram")
    if request.form.get("grant_type") != "authorization_code":
        return _bad(400, "grant_type must be authorization_code", "instagram")
    if _use_code(fake, request, request.form.get("code", "")) is None:
        return _bad(400, "This authorization code has expired or been used", "instagram")
    short = f"ig-short-{fake.next_id()}"
    with fake.lock:
        fake.ig_short_tokens.add(short)
    return Answer(
        200,
        {
            "access_token": short,
            "user_id": fake.ig_user_id,
            "permissions": "instagram_business_basic,instagram_business_content_publish",
        },
    )


def _instagram_exchange(fake: FakePlatforms, request: Request) -> Answer:
    from channels.fakes.server import Answer

    query = request.query
    if query.get("grant_type") != "ig_exchange_token" or query.get("client_secret") != (
        fake.client_secret
    ):
        return _bad(400, "grant_type and client_secret are required", "instagram")
    with fake.lock:
        if query.get("access_token") not in fake.ig_short_tokens:
            return _bad(400, "Invalid OAuth access token", "instagram")
        return Answer(
            200,
            {
                "access_token": fake.tokens["instagram"],
                "token_type": "bearer",
                "expires_in": 5184000,
            },
        )
