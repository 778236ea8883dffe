"""The checks of ``manage.py doctor``: each says OK, or what is wrong and what to do about it.

Every check is a function returning the sentence for an OK line, or raising ``Problem`` with
the sentence for a FAIL line; a backend's own error (database, Redis, network, disk, S3) or a
configuration error is a failure too, named by its message. Anything else is a bug in Warta
and ends the command with its traceback.
"""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.checks import Warning as CheckWarning
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http.request import validate_host
from huey.exceptions import ResultTimeout, TaskException

from ops import health

# The placeholder of deploy/warta.env.example: a server must never run with it.
EXAMPLE_SECRET_KEY = "change-me"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


# Failures a check reports as a FAIL line besides ``Problem``: a backend's own errors, and
# settings Django refuses.
REPORTED_ERRORS: tuple[type[Exception], ...] = (*health.BACKEND_ERRORS, ImproperlyConfigured)


class Problem(Exception):
    """What is wrong, and what to do."""


@dataclass(frozen=True)
class Line:
    name: str
    ok: bool
    text: str

    def __str__(self) -> str:
        return f"{'OK  ' if self.ok else 'FAIL'}  {self.name}: {self.text}"


def is_production() -> bool:
    """Served under a public name (not 127.0.0.1 / localhost): the strict checks apply."""
    return (urlsplit(settings.SITE_URL).hostname or "") not in LOOPBACK


def check_secret_key() -> str:
    key = str(settings.SECRET_KEY)
    if key == EXAMPLE_SECRET_KEY or key.startswith("django-insecure"):
        raise Problem("SECRET_KEY is the example value: set a random one (see docs/deploy.md)")
    if len(key) < 50 or len(set(key)) < 5:
        raise Problem("SECRET_KEY is short or simple: use 50 random characters or more")
    source = "the environment" if os.environ.get("SECRET_KEY") else "var/secret_key"
    return f"set, from {source}"


def check_key_files() -> str:
    """The generated secret key and the channel-secrets key must be readable by the owner only."""
    checked = []
    for path in (Path(settings.VAR_DIR) / "secret_key", Path(settings.VAR_DIR) / "secrets_keys"):
        if not path.exists():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise Problem(f"{path} has mode {mode:o}, readable by others: chmod 600 {path}")
        checked.append(path.name)
    return f"mode 600: {', '.join(checked)}" if checked else "no key files (keys from environment)"


def check_debug() -> str:
    if settings.DEBUG:
        raise Problem("DEBUG is on: it shows code and settings to anyone; unset DEBUG")
    return "off"


def check_hosts() -> str:
    host = urlsplit(settings.SITE_URL).hostname or ""
    if "*" in settings.ALLOWED_HOSTS:
        raise Problem("ALLOWED_HOSTS contains '*': list the public name(s) only")
    if not validate_host(host, settings.ALLOWED_HOSTS):
        raise Problem(f"ALLOWED_HOSTS does not contain {host}, the host of SITE_URL: add it")
    return ", ".join(settings.ALLOWED_HOSTS)


def check_site_url() -> str:
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Problem(f"SITE_URL {settings.SITE_URL!r} is not an address like https://host")
    if is_production() and parts.scheme != "https":
        raise Problem(f"SITE_URL {settings.SITE_URL} is a public name without https: use https")
    return settings.SITE_URL


def check_deploy_settings() -> str:
    """Django's own deployment checks (HTTPS, HSTS, cookies), for a public SITE_URL."""
    if not is_production():
        return "skipped: SITE_URL is this machine (the embedded default)"
    found = [
        m
        for m in run_checks(include_deployment_checks=True, tags=["security"])
        if isinstance(m, CheckWarning) or m.is_serious()
    ]
    if found:
        ids = ", ".join(sorted({m.id or "?" for m in found}))
        raise Problem(f"{len(found)} warning(s) ({ids}): run manage.py check --deploy")
    return "manage.py check --deploy is clean"


def check_storage() -> str:
    """Write, read back and delete a small file in the media storage."""
    name = f"{health.PROBE_NAME}-{uuid.uuid4().hex}"
    saved = default_storage.save(name, ContentFile(b"warta"))
    try:
        with default_storage.open(saved, "rb") as fh:
            if fh.read() != b"warta":
                raise Problem("the media storage returned other bytes than were written")
    finally:
        default_storage.delete(saved)
    return f"writable ({health.check_storage()})"


def check_database() -> str:
    vendor = health.check_database()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise Problem(f"{len(plan)} migration(s) not applied: run manage.py migrate")
    return f"{vendor}, migrations applied"


def check_cache() -> str:
    key = f"warta-doctor-{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", 30)
        kept = cache.get(key) == "ok"
        cache.delete(key)
    except health.BACKEND_ERRORS as exc:
        raise Problem(
            f"the cache does not answer ({exc}): check REDIS_URL, or without Redis run "
            "manage.py createcachetable"
        ) from exc
    if not kept:
        raise Problem("the cache does not keep values: check REDIS_URL (maxmemory, eviction)")
    return str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]


def job_check(worker_timeout: float) -> Callable[[], str]:
    def check_jobs() -> str:
        from huey.contrib.djhuey import HUEY

        from ops.tasks import ping

        queue = health.check_jobs()
        if worker_timeout <= 0:
            return f"{queue} (worker not asked)"
        result = ping()
        if HUEY.immediate:
            return f"{queue}; jobs run inline (HUEY_IMMEDIATE)"
        try:
            answer = result.get(blocking=True, timeout=worker_timeout)
        except (ResultTimeout, TaskException) as exc:
            result.revoke()
            raise Problem(
                f"{queue}, but no worker answered within {worker_timeout:g} s: start one "
                "(systemctl start warta-worker@1, or manage.py run_huey)"
            ) from exc
        if answer != "pong":
            raise Problem(f"the worker answered {answer!r} instead of 'pong'")
        return f"{queue}; a worker answered"

    return check_jobs


def channel_checks() -> Iterator[tuple[str, Callable[[], str]]]:
    """One check per active channel account, by the connector's own connection test."""
    from channels import registry
    from channels.base import ChannelError
    from channels.models import ChannelAccount
    from channels.remote import RemoteChannel

    for account in ChannelAccount.objects.filter(active=True).order_by("kind", "pk"):

        def check(account: ChannelAccount = account) -> str:
            try:
                connector = registry.connector(account.kind)
                if not isinstance(connector, RemoteChannel):
                    return "built in: nothing to connect"
                return connector.test_connection(account)
            except ChannelError as exc:
                raise Problem(f"{exc.message} (fix it in Admin → Channel accounts)") from exc

        yield f"channel {account.kind} “{account.name}”", check


def check_whatsapp() -> str:
    from notify.whatsapp.config import current

    config = current()
    if not (config.phone_number_id or config.token):
        return "not configured: notices go in-app and by email only"
    missing = [
        name
        for name, value in (
            ("API base URL", config.api_base),
            ("phone-number id", config.phone_number_id),
            ("token", config.token),
            ("app secret (signed webhooks)", config.app_secret),
            ("verify token (webhook set-up)", config.verify_token),
        )
        if not value
    ]
    if missing:
        raise Problem(
            f"incomplete, missing: {', '.join(missing)} (WHATSAPP_* settings or Admin → "
            "WhatsApp settings)"
        )
    return f"configured for phone-number id {config.phone_number_id}"


def checks(worker_timeout: float) -> Iterator[tuple[str, Callable[[], str]]]:
    yield "SECRET_KEY", check_secret_key
    yield "key files", check_key_files
    yield "DEBUG", check_debug
    yield "SITE_URL", check_site_url
    yield "ALLOWED_HOSTS", check_hosts
    yield "HTTPS settings", check_deploy_settings
    yield "database", check_database
    yield "cache", check_cache
    yield "media storage", check_storage
    yield "job queue", job_check(worker_timeout)
    yield "WhatsApp", check_whatsapp
    yield from channel_checks()


def run(worker_timeout: float = 10.0) -> Iterator[Line]:
    for name, check in checks(worker_timeout):
        try:
            yield Line(name, True, check())
        except Problem as exc:
            yield Line(name, False, str(exc))
        except REPORTED_ERRORS as exc:
            yield Line(name, False, f"{type(exc).__name__}: {exc}")
