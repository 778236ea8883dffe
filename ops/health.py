"""Health of the three things a request needs: the database, the job queue and the storage.

``/healthz`` is for load balancers and monitors: no login, no session, no CSRF, no host check
and no HTTPS redirect (a balancer probes each server by its address over plain HTTP), one cheap
call to each backend. It answers 200 with every check "ok", or 503 naming the failed ones; the
reasons go to the log (with the request id), not to an anonymous caller.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import Error as DatabaseError
from django.db import connection
from django.http import HttpRequest, HttpResponse
from redis.exceptions import RedisError

log = logging.getLogger("warta.health")

PATH = "/healthz"
# How the backends fail: a database (Django's wrapper, or the job queue's own SQLite or
# PostgreSQL connection), Redis, the network or local disk, and S3. Anything else is a bug and
# is left to surface as one.
BACKEND_ERRORS: tuple[type[Exception], ...] = (
    DatabaseError,
    sqlite3.Error,
    psycopg.Error,
    RedisError,
    OSError,
    BotoCoreError,
    ClientError,
)
PROBE_NAME = ".warta-health"


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_jobs() -> str:
    from huey.contrib.djhuey import HUEY

    return f"{type(HUEY).__name__}, {HUEY.pending_count()} waiting"


def check_storage() -> str:
    """A local media folder must be writable; a bucket must answer one listing of its top level
    (a missing bucket or wrong credentials fail it; a HEAD of a missing key would not)."""
    if isinstance(default_storage, FileSystemStorage):
        location = str(default_storage.location)
        os.makedirs(location, exist_ok=True)
        if not os.access(location, os.W_OK):
            raise PermissionError(f"{location} is not writable")
        return location
    default_storage.listdir("")
    return default_storage.__class__.__name__


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "jobs": check_jobs,
    "storage": check_storage,
}


def run(name: str) -> Result:
    try:
        return Result(name, True, CHECKS[name]())
    except BACKEND_ERRORS as exc:
        return Result(name, False, f"{type(exc).__name__}: {exc}")


def healthz() -> HttpResponse:
    results = [run(name) for name in CHECKS]
    failed = [r for r in results if not r.ok]
    for result in failed:
        log.error("health check %s failed: %s", result.name, result.detail)
    body = {
        "status": "fail" if failed else "ok",
        "checks": {r.name: "ok" if r.ok else "fail" for r in results},
    }
    response = HttpResponse(
        json.dumps(body), content_type="application/json", status=503 if failed else 200
    )
    response["Cache-Control"] = "no-store"
    return response


class HealthzMiddleware:
    """Answers ``GET /healthz`` before the host check, the HTTPS redirect and sessions."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == PATH and request.method in ("GET", "HEAD"):
            return healthz()
        return self.get_response(request)
