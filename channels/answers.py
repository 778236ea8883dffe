"""Platform answers, read through one typed layer.

A 2xx is a success only when its body is the platform's documented answer: a front controller
(WordPress on "Plain" permalinks), a proxy or a captive portal can answer 200 with a web page.
Each connector's ``answers`` module turns a response into typed values with these helpers. A
body that is not JSON, or that lacks a field the platform always sends, raises a ChannelError
with a sentence: never a ``KeyError`` in the worker, never "posted" without an id and a link.

An odd answer to a request that changes something (POST, DELETE) leaves the outcome unknown:
the platform may have acted before its answer went wrong, so the outbox looks for the post
before sending again. An odd answer to a look-up proves nothing either way.
"""

from __future__ import annotations

from typing import Any

import httpx
from django.utils.translation import gettext as _

from channels.base import ChannelError
from channels.http import SAFE_METHODS

JSON_TYPES = ("application/json", "+json", "text/javascript")


def _changes_something(response: httpx.Response | None) -> bool:
    return response is not None and response.request.method.upper() not in SAFE_METHODS


def odd_answer(response: httpx.Response | None, platform: str, what: str) -> ChannelError:
    """The error for an answer that is not the platform's (``what`` says what it was)."""
    status = response.status_code if response is not None else 0
    values = {"platform": platform, "what": what, "status": status}
    if _changes_something(response):
        message = _(
            "%(platform)s answered with %(what)s (HTTP %(status)s) instead of its API's answer, "
            "so Warta does not count it as done; it checks whether the post exists before "
            "sending anything again."
        )
        return ChannelError(message % values, permanent=False, unknown=True)
    message = _(
        "%(platform)s answered with %(what)s (HTTP %(status)s) instead of its API's answer; "
        "Warta asks again later."
    )
    return ChannelError(message % values, permanent=False)


def _what(response: httpx.Response) -> str:
    content_type = response.headers.get("content-type", "").lower()
    if not response.content.strip():
        return _("an empty answer")
    if "html" in content_type or response.content.lstrip()[:1] == b"<":
        return _("a web page")
    return _("something that is not JSON")


def _json(response: httpx.Response, platform: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise odd_answer(response, platform, _what(response)) from None


def body(response: httpx.Response, platform: str) -> Fields:
    """The JSON object a platform answered (an error for anything else)."""
    data = _json(response, platform)
    if not isinstance(data, dict):
        raise odd_answer(response, platform, _("a JSON value that is not an object"))
    return Fields(data, platform=platform, response=response)


def items(response: httpx.Response, platform: str) -> list[Fields]:
    """The JSON list of objects a platform answered (an error for anything else)."""
    data = _json(response, platform)
    if not isinstance(data, list) or not all(isinstance(i, dict) for i in data):
        raise odd_answer(response, platform, _("a JSON value that is not a list"))
    return [Fields(i, platform=platform, response=response) for i in data]


class Fields:
    """One JSON object from a platform, read field by field with the type the platform
    documents; a missing or mistyped field is a ChannelError naming it."""

    def __init__(
        self, data: dict[str, Any], *, platform: str, response: httpx.Response | None = None
    ) -> None:
        self.data, self.platform, self.response = data, platform, response

    def missing(self, name: str) -> ChannelError:
        what = _("an answer without “%(field)s”") % {"field": name}
        return odd_answer(self.response, self.platform, what)

    def text(self, name: str) -> str:
        """A required, non-empty string (a number is read as its digits: ids often are)."""
        value = self.data.get(name)
        if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
            raise self.missing(name)
        return str(value)

    def optional_text(self, name: str, default: str = "") -> str:
        value = self.data.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
            return str(value)
        return default

    def integer(self, name: str) -> int:
        value = self.data.get(name)
        if isinstance(value, bool):
            raise self.missing(name)
        try:
            return int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise self.missing(name) from None

    def optional_integer(self, name: str) -> int:
        try:
            return self.integer(name)
        except ChannelError:
            return 0

    def flag(self, name: str) -> bool:
        return self.data.get(name) is True

    def obj(self, name: str) -> Fields:
        value = self.data.get(name)
        if not isinstance(value, dict):
            raise self.missing(name)
        return Fields(value, platform=self.platform, response=self.response)

    def optional_obj(self, name: str) -> Fields:
        value = self.data.get(name)
        return Fields(
            value if isinstance(value, dict) else {},
            platform=self.platform,
            response=self.response,
        )

    def objects(self, name: str) -> list[Fields]:
        """A list of objects (an absent list is empty: platforms leave out empty lists)."""
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.missing(name)
        return [Fields(v, platform=self.platform, response=self.response) for v in value]

    def strings(self, name: str) -> list[str]:
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.missing(name)
        return [str(v) for v in value if isinstance(v, str | int) and not isinstance(v, bool)]
