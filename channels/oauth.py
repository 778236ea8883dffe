"""Connecting a channel account through the platform's own sign-in instead of pasted tokens.

- X: OAuth 2.0 Authorization Code with PKCE (S256); the code is exchanged at ``/2/oauth2/token``
  for an access token and a refresh token (``offline.access``), both stored encrypted. The X
  connector refreshes and stores the rotated pair when the access token expires.
- Facebook Page, and Instagram with Facebook Login: the Facebook Login dialog; the code becomes
  a user token, then a long-lived user token, then the list of Pages the person manages
  (``/me/accounts``); the administrator picks one and its Page token is stored (a Page token
  from a long-lived user token does not expire). For Instagram the Page's linked Instagram
  professional account (``instagram_business_account``) gives the user id.
- Instagram with Instagram Login: the Instagram sign-in window; the code becomes a short token,
  then a long-lived (60-day) token, which the weekly job refreshes.

Every URL is derived from the account's ``auth_base`` (sign-in page) and ``api_base`` (token
endpoints, Graph) overrides or the settings, so tests and trials run against the fake platforms.
Nothing is stored unless the platform answered with a token: a wrong or replayed ``state``, a
refused consent or a failed exchange raises ``OAuthRefused`` with a sentence for the admin.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets as pysecrets
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from channels import conf, graph, http
from channels.models import ChannelAccount

X_SCOPES = ("tweet.read", "tweet.write", "users.read", "offline.access", "media.write")
FACEBOOK_SCOPES = ("pages_show_list", "pages_manage_posts", "pages_read_engagement")
INSTAGRAM_FACEBOOK_SCOPES = (
    "pages_show_list",
    "pages_read_engagement",
    "instagram_basic",
    "instagram_content_publish",
)
INSTAGRAM_SCOPES = ("instagram_business_basic", "instagram_business_content_publish")
PLATFORM_NAMES = {"x": "X", "facebook": "Facebook", "instagram": "Instagram"}


class OAuthRefused(Exception):
    """The connection did not happen; ``message`` says why and what to do. Nothing was stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Pending:
    """What the session keeps between sending the admin to the platform and their return."""

    account: int
    state: str
    verifier: str
    redirect_uri: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Page:
    """A Facebook Page the person manages, with its token (and linked Instagram account)."""

    id: str
    name: str
    token: str
    instagram_id: str = ""


@dataclass(frozen=True)
class Grant:
    """What the platform gave: settings and secrets to store, or Pages to choose from first."""

    config: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)


# --- which flow, and where -------------------------------------------------------------------


def flow(account: ChannelAccount) -> str:
    """``x``, ``facebook``, ``instagram_facebook`` or ``instagram`` ("" if none applies)."""
    if account.kind == "instagram":
        return "instagram" if account.setting("flavour") == "instagram" else "instagram_facebook"
    return account.kind if account.kind in ("x", "facebook") else ""


def ready(account: ChannelAccount) -> bool:
    """Whether the account can be connected by sign-in: a platform with one, and its app id."""
    return bool(flow(account) and account.setting("client_id"))


def platform_name(account: ChannelAccount) -> str:
    return PLATFORM_NAMES.get(account.kind, account.kind)


def _host(account: ChannelAccount, setting_name: str, override: str = "api_base") -> str:
    return str(account.setting(override) or conf.get(setting_name)).rstrip("/")


def _graph(account: ChannelAccount) -> str:
    return graph.base_url(account, str(conf.get("WARTA_GRAPH_BASE")))


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# --- step 1: send the admin to the platform --------------------------------------------------


def begin(account: ChannelAccount, redirect_uri: str) -> tuple[str, Pending]:
    """The platform's sign-in address for this account, and what to keep until the return."""
    pending = Pending(
        account=account.pk,
        state=pysecrets.token_urlsafe(32),
        verifier=pysecrets.token_urlsafe(64),  # 86 characters: within PKCE's 43..128
        redirect_uri=redirect_uri,
    )
    client_id = str(account.setting("client_id"))
    common = {"client_id": client_id, "redirect_uri": redirect_uri, "state": pending.state}
    kind = flow(account)
    if kind == "x":
        url = f"{_host(account, 'WARTA_X_AUTH_BASE', 'auth_base')}/i/oauth2/authorize"
        params = {
            "response_type": "code",
            **common,
            "scope": " ".join(X_SCOPES),
            "code_challenge": _challenge(pending.verifier),
            "code_challenge_method": "S256",
        }
    elif kind in ("facebook", "instagram_facebook"):
        version = conf.get("WARTA_GRAPH_API_VERSION")
        url = f"{_host(account, 'WARTA_FACEBOOK_AUTH_BASE', 'auth_base')}/{version}/dialog/oauth"
        scopes = FACEBOOK_SCOPES if kind == "facebook" else INSTAGRAM_FACEBOOK_SCOPES
        params = {**common, "response_type": "code", "scope": ",".join(scopes)}
    elif kind == "instagram":
        url = f"{_host(account, 'WARTA_INSTAGRAM_AUTH_BASE', 'auth_base')}/oauth/authorize"
        params = {**common, "response_type": "code", "scope": ",".join(INSTAGRAM_SCOPES)}
    else:
        raise OAuthRefused(_("This channel has no sign-in to connect with; enter its keys."))
    return f"{url}?{urlencode(params)}", pending


# --- step 2: the platform sends the admin back -----------------------------------------------


def expired_message() -> str:
    return _(
        "This sign-in answer is unknown or expired (the page may have been opened twice); "
        "nothing was changed. Press “Connect” again."
    )


def complete(account: ChannelAccount, pending: Pending | None, params: dict[str, str]) -> Grant:
    """Check the return (state, consent) and exchange the code for tokens."""
    name = {"platform": platform_name(account)}
    if pending is None or pending.account != account.pk:
        raise OAuthRefused(expired_message())
    if params.get("error"):
        raise OAuthRefused(
            _(
                "Permission was not given on %(platform)s, so nothing was changed. To connect, "
                "press “Connect” again and allow Warta to post."
            )
            % name
        )
    code = params.get("code", "")
    if not code:
        raise OAuthRefused(
            _("%(platform)s sent no sign-in code back; nothing was changed. Try again.") % name
        )
    kind = flow(account)
    if kind == "x":
        return _x_tokens(account, pending, code)
    if kind == "instagram":
        return _instagram_tokens(account, pending, code)
    return Grant(pages=_facebook_pages(account, pending, code))


def _answer(account: ChannelAccount, response: Any) -> dict[str, Any]:
    """The JSON of a successful token answer, or OAuthRefused with the platform's words."""
    body = http.json_of(response)
    if response.is_success and body.get("access_token", body.get("data")) is not None:
        return body
    error = body.get("error")
    detail = (
        error.get("message", "")
        if isinstance(error, dict)
        else str(body.get("error_description") or error or body.get("error_message") or "")
    )
    raise OAuthRefused(
        _("%(platform)s did not accept the sign-in (%(detail)s); nothing was changed. Try again.")
        % {"platform": platform_name(account), "detail": detail[:200] or response.status_code}
    )


def _client_auth(account: ChannelAccount) -> tuple[dict[str, str], tuple[str, str] | None]:
    client_id, client_secret = str(account.setting("client_id")), account.secret("client_secret")
    return {"client_id": client_id}, ((client_id, client_secret) if client_secret else None)


def _x_tokens(account: ChannelAccount, pending: Pending, code: str) -> Grant:
    """Code and PKCE verifier → access and refresh token (confidential apps add Basic auth)."""
    client, auth = _client_auth(account)
    response = http.request(
        "POST",
        f"{_host(account, 'WARTA_X_BASE')}/2/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": pending.redirect_uri,
            "code_verifier": pending.verifier,
            **client,
        },
        auth=auth,
    )
    body = _answer(account, response)
    secrets = {"access_token": str(body["access_token"])}
    if body.get("refresh_token"):
        secrets["refresh_token"] = str(body["refresh_token"])
    return Grant(secrets=secrets)


def _with_app(account: ChannelAccount, method: str, url: str, **fields: str) -> dict[str, Any]:
    """A token request carrying the app's id and secret (form data for POST, else the query)."""
    app = {
        "client_id": str(account.setting("client_id")),
        "client_secret": account.secret("client_secret"),
    }
    sent = {**app, **fields}
    payload = {"data": sent} if method == "POST" else {"params": sent}
    return _answer(account, http.request(method, url, **payload))


def _facebook_pages(account: ChannelAccount, pending: Pending, code: str) -> list[Page]:
    """Code → user token → long-lived user token → the Pages this person manages."""
    base = _graph(account)
    short = _with_app(
        account, "GET", f"{base}/oauth/access_token", redirect_uri=pending.redirect_uri, code=code
    )
    long_lived = _with_app(
        account,
        "GET",
        f"{base}/oauth/access_token",
        grant_type="fb_exchange_token",
        fb_exchange_token=str(short["access_token"]),
    )
    fields = "id,name,access_token,instagram_business_account"
    response = http.request(
        "GET",
        f"{base}/me/accounts",
        params={"fields": fields, "limit": "100"},
        headers={"Authorization": f"Bearer {long_lived['access_token']}"},
    )
    pages = []
    for row in _answer(account, response).get("data") or []:
        if not isinstance(row, dict) or not row.get("access_token"):
            continue
        linked = row.get("instagram_business_account")
        pages.append(
            Page(
                id=str(row.get("id", "")),
                name=str(row.get("name", "")),
                token=str(row["access_token"]),
                instagram_id=str(linked.get("id", "")) if isinstance(linked, dict) else "",
            )
        )
    if flow(account) == "instagram_facebook":
        pages = [p for p in pages if p.instagram_id]
    if not pages:
        raise OAuthRefused(
            _(
                "This Facebook user manages no Page Warta could use (for Instagram: a Page linked "
                "to an Instagram professional account); nothing was changed."
            )
        )
    return pages


def _instagram_tokens(account: ChannelAccount, pending: Pending, code: str) -> Grant:
    """Instagram Login: code → short-lived token and user id → long-lived (60-day) token."""
    short = _with_app(
        account,
        "POST",
        f"{_host(account, 'WARTA_INSTAGRAM_TOKEN_BASE')}/oauth/access_token",
        grant_type="authorization_code",
        redirect_uri=pending.redirect_uri,
        code=code,
    )
    long_lived = _with_app(
        account,
        "GET",
        f"{_host(account, 'WARTA_INSTAGRAM_BASE')}/access_token",
        grant_type="ig_exchange_token",
        access_token=str(short["access_token"]),
    )
    return Grant(
        config={"ig_user_id": str(short.get("user_id") or "")},
        secrets={"access_token": str(long_lived["access_token"])},
    )


def chosen_page(account: ChannelAccount, page: Page) -> Grant:
    """What to store once the admin picked a Page (Facebook, or Instagram via Facebook)."""
    if account.kind == "instagram":
        return Grant(config={"ig_user_id": page.instagram_id}, secrets={"access_token": page.token})
    return Grant(config={"page_id": page.id}, secrets={"page_access_token": page.token})


def pages_to_text(pages: list[Page]) -> str:
    return json.dumps([asdict(p) for p in pages])


def pages_from_text(raw: str) -> list[Page]:
    try:
        return [Page(**row) for row in json.loads(raw)]
    except (ValueError, TypeError):
        return []
