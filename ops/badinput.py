"""Refuse input that no view can use, before any view or query runs: a 400 with a sentence.

PostgreSQL cannot store or even compare text that holds a NUL character (psycopg raises before
the query is sent, so every such request was a 500), and no encoding can write an unpaired UTF-16
surrogate, which JSON's ``"\\ud800"`` escape puts into a Python string. Rather than guard each
place where a path segment, a query parameter, a form field, a header or a JSON value meets a
query, this middleware looks at all of them once. JSON nested deeper than any document Warta
reads is refused too: a parser's recursion is not a budget for strangers to spend.

Cookies are never refused (a person cannot fix what their browser sends): a cookie holding such
a character is dropped, so a forged session cookie is simply no session.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger("warta.badinput")

# NUL, and the surrogate code points (paired surrogates are joined by the JSON decoder, so any
# left in a string are unpaired).
UNUSABLE = re.compile("[\x00\ud800-\udfff]")
# Warta's deepest document (a WhatsApp webhook) nests about eight levels.
MAX_JSON_DEPTH = 32
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PREFIX = "/api/"


class Refused(Exception):
    """The request carries input no view can use, found in ``where`` (path, query, header,
    form, json; json-depth for nesting)."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where

    @property
    def message(self) -> str:
        """The sentence to show, in the language active when it is read."""
        if self.where == DEPTH:
            return _("The request body is nested too deeply; nothing was changed.")
        return _(
            "This request contains characters that cannot be processed (a NUL character or an "
            "unpaired surrogate); nothing was changed."
        )


DEPTH = "json-depth"


def _check_texts(where: str, texts: Iterable[str]) -> None:
    for text in texts:
        if UNUSABLE.search(text):
            raise Refused(where)


def _check_json(document: Any) -> None:
    """Every key and string of a decoded JSON document, and its depth (without recursion)."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise Refused(DEPTH)
        if isinstance(node, str):
            _check_texts("json", (node,))
        elif isinstance(node, dict):
            _check_texts("json", node.keys())
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)


def _check_body(request: HttpRequest) -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.content_type in FORM_TYPES:
        try:
            fields = request.POST
        except UnreadablePostError:
            return  # the client went away; nothing will be answered
        for name, values in fields.lists():
            _check_texts("form", (name, *values))
        return
    # Any other body may be read as JSON (django-ninja and the WhatsApp webhook do so whatever
    # the declared type); a body that is not JSON is left to the view's own refusal.
    try:
        body = request.body
    except (RequestDataTooBig, UnreadablePostError):
        return  # the view meets the same error and answers it (the API: 413)
    if not body:
        return
    try:
        document = json.loads(body)
    except RecursionError:
        raise Refused(DEPTH) from None
    except ValueError:
        return
    _check_json(document)


def check_request(request: HttpRequest) -> None:
    """Raise Refused when the path, query, headers or body carry unusable input; drop cookies
    that do."""
    _check_texts("path", (request.path_info,))
    for name, values in request.GET.lists():
        _check_texts("query", (name, *values))
    _check_texts(
        "header",
        (str(v) for k, v in request.META.items() if k.startswith("HTTP_") or k == "CONTENT_TYPE"),
    )
    cookies = request.COOKIES
    for name in [n for n, v in cookies.items() if UNUSABLE.search(n) or UNUSABLE.search(v)]:
        del cookies[name]
    _check_body(request)


def refusal(request: HttpRequest, refused: Refused) -> HttpResponse:
    """JSON under /api/ (the API's error shape), else the 400 page with the sentence."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": refused.message, "errors": {"__all__": refused.message}}, status=400
        )
    return HttpResponse(render_to_string("400.html", {"message": refused.message}), status=400)


class RefuseUnusableInputMiddleware:
    """A 400 for unusable input, in the request's language, before sessions, views and queries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except Refused as refused:
            logger.info("refused unusable input (%s) on %r", refused.where, request.path_info)
            # LocaleMiddleware has not run yet: choose the language the way it would.
            with translation.override(translation.get_language_from_request(request)):
                return refusal(request, refused)
        return self.get_response(request)
