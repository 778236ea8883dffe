"""Request ids: one id per request, from the proxy or made here, on every log line it causes.

nginx (deploy/nginx-warta.conf) sends ``X-Request-ID``; the same id is in nginx's access log,
gunicorn's access log, Warta's own log lines and the response header, so one complaint ("it
failed at 10:02, id 4f1c...") leads to every line about it. A job run by the Huey worker logs
under its task id (``task-<id>``).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from ops.health import PATH as HEALTHZ

HEADER = "X-Request-ID"
# Ids from outside are accepted only if harmless in a log line and a header: letters, digits
# and - _ . : up to 64 characters (uuid4, nginx's $request_id, a load balancer's trace id).
WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

request_log = logging.getLogger("warta.request")


@dataclass
class RequestContext:
    request_id: str = "-"
    method: str = ""
    path: str = ""
    user_id: int | None = None


_context: ContextVar[RequestContext | None] = ContextVar("warta_request", default=None)
# Outside any request or job (start-up, management commands); never changed.
_NONE = RequestContext()


def current() -> RequestContext:
    return _context.get() or _NONE


def bind(context: RequestContext) -> None:
    """Set the context of this thread's current work (a request, a job)."""
    _context.set(context)


def request_id_from(request: HttpRequest) -> str:
    """The proxy's id if it is well-formed, else a new one."""
    offered = request.headers.get(HEADER, "")
    return offered if WELL_FORMED.match(offered) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Binds the request's id for logging, echoes it in the response, logs the request once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        context = RequestContext(request_id_from(request), request.method or "", request.path)
        token = _context.set(context)
        request.request_id = context.request_id  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                context.user_id = user.pk
            response[HEADER] = context.request_id
            if request.path == HEALTHZ and response.status_code == 200:
                return response  # a balancer's probe every few seconds: not worth a line
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            level = logging.ERROR if response.status_code >= 500 else logging.INFO
            request_log.log(
                level,
                "%s %s %s %.1f ms",
                context.method,
                context.path,
                response.status_code,
                duration_ms,
                extra={
                    "request_id": context.request_id,
                    "method": context.method,
                    "path": context.path,
                    "user_id": context.user_id,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            _context.reset(token)


class RequestContextFilter(logging.Filter):
    """Puts the current request's id, method, path and user id on every log record (unless the
    record brought its own, as the middleware's line does)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            context = current()
            record.request_id = context.request_id
            record.method = context.method
            record.path = context.path
            record.user_id = context.user_id
        return True
