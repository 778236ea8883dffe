"""Conditional GET and the rendered-page cache of the portal, both keyed by ``PortalState``.

One primary-key read of the state row gives the ETag (generation and language) and
Last-Modified (when the content last changed): a client or CDN holding the page gets a 304
without any rendering. The finished response (body and headers, CSP included) is kept in the
"portal" cache (each process's memory, or Redis with REDIS_URL) by ``PortalPageCacheMiddleware``
under a key that includes the generation, so a post, revision or retraction (which bumps it)
invalidates every cached page on every process at once. The middleware sits just inside
whitenoise and GZip: a cached page skips sessions, auth, CSRF and the view, which is what lets
a warm page come close to a static file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language, get_language_from_request
from django.views.decorators.http import condition, require_safe

from portal.models import PortalState

MAX_AGE = 60
PAGE_TIMEOUT = 24 * 3600
CACHEABLE_STATUS = (200, 410)
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
# Paths whose pages may be answered from the cache (only views marked by ``portal_page`` are
# ever stored, so a staff page under these prefixes is never cached).
CACHED_PREFIXES = ("/berita/", "/sitemap.xml")

View = Callable[..., HttpResponse]


def state(request: HttpRequest) -> tuple[int, datetime]:
    """(generation, changed_at) of the portal, read once per request."""
    memo: tuple[int, datetime] | None = getattr(request, "_portal_state", None)
    if memo is None:
        memo = _read_state()
        request._portal_state = memo  # type: ignore[attr-defined]
    return memo


def _read_state() -> tuple[int, datetime]:
    """One primary-key read in plain SQL: on a cached page, building the ORM query cost as
    much as the rest of the answer (bench/portal_bench.py)."""
    table = connection.ops.quote_name(PortalState._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT generation, changed_at FROM {table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return 0, EPOCH
    generation, changed = row
    if not isinstance(changed, datetime):  # SQLite answers text
        changed = parse_datetime(str(changed)) or EPOCH
    return int(generation), changed if changed.tzinfo else changed.replace(tzinfo=UTC)


def _etag(request: HttpRequest, *args: object, **kwargs: object) -> str:
    return f"{state(request)[0]}-{get_language()}"


def _last_modified(request: HttpRequest, *args: object, **kwargs: object) -> datetime:
    return state(request)[1]


def page_key(request: HttpRequest) -> str:
    """The cache key of this URL's page in this language at the current generation."""
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    language = get_language_from_request(request)
    return f"portal:{state(request)[0]}:{language}:{digest}"


def portal_page(view: View) -> View:
    """GET/HEAD only; ETag/Last-Modified and 304; public caching; stored by the middleware."""

    @wraps(view)
    def public(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        response.portal_cacheable = True  # type: ignore[attr-defined]
        return response

    return require_safe(condition(etag_func=_etag, last_modified_func=_last_modified)(public))


def validated(view: View) -> View:
    """ETag/Last-Modified and 304, never stored (search: too many distinct pages)."""

    @wraps(view)
    def public(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    return require_safe(condition(etag_func=_etag, last_modified_func=_last_modified)(public))


def _storable(response: HttpResponseBase) -> bool:
    return (
        getattr(response, "portal_cacheable", False)
        and response.status_code in CACHEABLE_STATUS
        and not response.streaming
        and not response.cookies
    )


def _rebuilt(stored: tuple[int, list[tuple[str, str]], bytes]) -> HttpResponse:
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


class PortalPageCacheMiddleware:
    """Answer portal GETs from the page cache; store the pages ``portal_page`` marked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD") or not request.path.startswith(CACHED_PREFIXES):
            return self.get_response(request)
        key = page_key(request)
        stored = caches["portal"].get(key)
        if stored is not None:
            response = _rebuilt(stored)
            modified = parse_http_date_safe(response.get("Last-Modified", ""))
            answer = get_conditional_response(
                request, etag=response.get("ETag"), last_modified=modified, response=response
            )
            return answer if answer is not None else response
        fresh = self.get_response(request)
        if _storable(fresh) and isinstance(fresh, HttpResponse):
            headers = [(k, v) for k, v in fresh.items() if k.lower() != "content-length"]
            caches["portal"].set(key, (fresh.status_code, headers, fresh.content), PAGE_TIMEOUT)
        return fresh
