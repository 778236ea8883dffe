"""Graph API (Facebook Pages and Instagram): base URL and error bodies turned into sentences."""

from __future__ import annotations

import json
from typing import Any

import httpx
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from channels import conf
from channels.base import ChannelError
from channels.http import ambiguous, json_of
from channels.models import ChannelAccount

RATE_LIMIT_CODES = {4, 17, 32, 613, 80001}
TRANSIENT_CODES = {1, 2}
PERMISSION_CODES = {10, *range(200, 300)}
DUPLICATE_CODE = 506
# Instagram subcodes with their own sentence; see platforms.md.
IG_NOT_READY = 2207027
IG_EXPIRED = 2207008
IG_TRANSIENT = {IG_NOT_READY, 2207003, IG_EXPIRED}
# How many pages of recent posts ``find`` reads before concluding a post is not there.
FIND_PAGES = 20


def base_url(account: ChannelAccount, default_host: str) -> str:
    host = account.setting("api_base") or default_host
    return f"{str(host).rstrip('/')}/{conf.get('WARTA_GRAPH_API_VERSION')}"


def retry_after(response: httpx.Response) -> float | None:
    """Seconds until the page may call again, from X-Business-Use-Case-Usage (minutes)."""
    raw = response.headers.get("x-business-use-case-usage")
    if not raw:
        return None
    try:
        usage: Any = json.loads(raw)
        minutes = max(
            float(entry.get("estimated_time_to_regain_access") or 0)
            for entries in usage.values()
            for entry in entries
        )
    except (ValueError, TypeError, AttributeError):
        return None
    return minutes * 60 or None


def error_parts(response: httpx.Response) -> tuple[int, int, str]:
    error = json_of(response).get("error") or {}
    if not isinstance(error, dict):
        error = {}
    try:
        code = int(error.get("code") or 0)
        subcode = int(error.get("error_subcode") or 0)
    except (TypeError, ValueError):
        code, subcode = 0, 0
    detail = str(error.get("error_user_msg") or error.get("message") or "")[:300]
    return code, subcode, detail


IG_PERMANENT = {
    2207004: gettext_noop("The image is too large for Instagram (at most 8 MB)."),
    2207005: gettext_noop("Instagram accepts JPEG images only."),
    2207009: gettext_noop(
        "The image's shape is not allowed on Instagram (between 4:5 and 1.91:1)."
    ),
    2207010: gettext_noop(
        "Instagram refused the caption (at most 2,200 characters, 30 hashtags, 20 mentions)."
    ),
    2207050: gettext_noop("The Instagram account is restricted: check it in the Instagram app."),
    2207051: gettext_noop(
        "Instagram blocked this post as possible spam: check the account in the app."
    ),
}


def error(response: httpx.Response, *, channel: str, account: ChannelAccount) -> ChannelError:
    """The ChannelError for a Graph API error answer."""
    code, subcode, detail = error_parts(response)
    name = {"channel": channel, "name": account.name, "detail": detail}
    if code == 190 or code in PERMISSION_CODES:
        if code == 190:
            message = _("The %(channel)s token of “%(name)s” expired or was revoked: reconnect it.")
        else:
            message = _(
                "“%(name)s” lacks a %(channel)s permission (%(detail)s): reconnect it and grant "
                "the permissions Warta asks for."
            )
        return ChannelError(message % name, permanent=True, reconnect=True)
    if code in RATE_LIMIT_CODES or subcode == 2207042:
        return ChannelError(
            _("%(channel)s is limiting posts from “%(name)s” for now; Warta will try again later.")
            % name,
            permanent=False,
            retry_after=retry_after(response) or (3600.0 if subcode == 2207042 else None),
        )
    if subcode == 2207052 or code == 9004:
        return ChannelError(
            _(
                "Instagram could not download the image: its address must be public. Check that "
                "SITE_URL is the office's public web address."
            ),
            permanent=True,
        )
    if subcode in IG_PERMANENT:
        return ChannelError(_(IG_PERMANENT[subcode]), permanent=True)
    if subcode in IG_TRANSIENT:
        return ChannelError(
            _("Instagram is still preparing the image; Warta will try again."),
            permanent=False,
            retry_after=30.0,
        )
    if code == 368:
        # Blocked for a while by Facebook's policy: retrying on a timer would prolong the block.
        return ChannelError(
            _(
                "%(channel)s has temporarily blocked “%(name)s” from posting (%(detail)s). Wait, "
                "then retry by hand."
            )
            % name,
            permanent=True,
        )
    if code in TRANSIENT_CODES or response.status_code >= 500 or response.status_code == 429:
        return ChannelError(
            _("%(channel)s has a temporary problem; Warta will try again.") % name,
            permanent=False,
            unknown=ambiguous(response),
        )
    if code == 100:
        return ChannelError(
            _("%(channel)s refused the post: %(detail)s") % name,
            permanent=True,
        )
    return ChannelError(
        _("%(channel)s refused the post (code %(code)s): %(detail)s")
        % {**name, "code": code or response.status_code},
        permanent=True,
    )


def next_cursor(page: dict[str, Any]) -> str:
    """The ``after`` cursor of a Graph list page ("" on the last page)."""
    paging = page.get("paging") or {}
    if not isinstance(paging, dict) or not paging.get("next"):
        return ""
    return str((paging.get("cursors") or {}).get("after") or "")


def does_not_exist(response: httpx.Response) -> bool:
    """Code 100, subcode 33: the object does not exist (or cannot be seen): for a DELETE, the
    post is already gone."""
    code, subcode, _detail = error_parts(response)
    return code == 100 and subcode == 33


def is_duplicate(response: httpx.Response) -> bool:
    return error_parts(response)[0] == DUPLICATE_CODE
