"""/healthz, request ids in responses and JSON logs, and the Indonesian error pages."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from typing import Any
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.test import Client

from accounts.models import User
from ops import health
from ops.logs import JsonFormatter
from ops.requestid import HEADER, RequestContextFilter

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_for_any_host_without_a_session(client: Client, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["warta.example.go.id"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "jobs": "ok", "storage": "ok"},
    }
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_logs_only_when_something_failed(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> str:
        raise ConnectionError("no database")

    with caplog.at_level(logging.INFO, logger="warta"):
        client.get("/healthz")
        assert not [r for r in caplog.records if r.name == "warta.request"]
        with mock.patch.dict(health.CHECKS, {"database": broken}):
            client.get("/healthz")

    lines = [(r.name, r.getMessage()) for r in caplog.records]
    assert ("warta.health", "health check database failed: ConnectionError: no database") in lines
    assert any(name == "warta.request" and "503" in message for name, message in lines)


def test_healthz_names_the_failed_check_with_503(client: Client) -> None:
    def broken() -> str:
        raise ConnectionError("Redis at 127.0.0.1:6390 refused")

    with mock.patch.dict(health.CHECKS, {"jobs": broken}):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {"database": "ok", "jobs": "fail", "storage": "ok"},
    }
    assert b"6390" not in response.content  # the reason is logged, not shown to anyone


def test_a_well_formed_request_id_is_kept_and_a_bad_one_replaced(client: Client) -> None:
    kept = client.get("/masuk/", HTTP_X_REQUEST_ID="nginx-4f1c2a9b77e1")
    replaced = client.get("/masuk/", HTTP_X_REQUEST_ID="evil\nid <script>")
    fresh = client.get("/masuk/")

    assert kept[HEADER] == "nginx-4f1c2a9b77e1"
    assert len(replaced[HEADER]) == 32 and replaced[HEADER].isalnum()
    assert len(fresh[HEADER]) == 32 and fresh[HEADER] != replaced[HEADER]


def test_json_log_line_of_a_request(
    client: Client, office: dict[str, User], caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(office["kasi"])
    with caplog.at_level(logging.INFO, logger="warta.request"):
        client.get("/", HTTP_X_REQUEST_ID="req-0123456789")
    record = next(r for r in caplog.records if r.name == "warta.request")

    line = json.loads(JsonFormatter().format(record))

    assert line["level"] == "INFO"
    assert line["logger"] == "warta.request"
    assert line["request_id"] == "req-0123456789"
    assert line["method"] == "GET"
    assert line["path"] == "/"
    assert line["status"] == 200
    assert line["user_id"] == office["kasi"].pk
    assert isinstance(line["duration_ms"], float)
    assert line["time"].endswith("+00:00")


def test_log_lines_inside_a_request_carry_its_id(client: Client) -> None:
    seen: list[str] = []

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(JsonFormatter().format(record))

    handler = Grab()
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("warta.request")
    logger.addHandler(handler)
    try:
        client.get("/masuk/", HTTP_X_REQUEST_ID="abcdef-123456")
    finally:
        logger.removeHandler(handler)

    assert json.loads(seen[-1])["request_id"] == "abcdef-123456"


@pytest.mark.urls("ops.tests.boom_urls")
def test_server_error_page_is_indonesian_and_shows_the_request_id(settings: Any) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.get("/_boom/", HTTP_X_REQUEST_ID="req-500-abcdef")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Terjadi kesalahan" in html or "Kesalahan server" in html
    assert "req-500-abcdef" in html
    assert "boom" not in html and "Traceback" not in html


@pytest.mark.urls("ops.tests.boom_urls")
def test_bad_request_and_not_found_pages_are_indonesian(settings: Any, client: Client) -> None:
    settings.DEBUG = False

    bad = client.get("/_bad/")
    missing = client.get("/tidak-ada/")

    assert bad.status_code == 400
    assert "Permintaan tidak valid" in bad.content.decode()
    assert missing.status_code == 404
    assert "Halaman tidak ditemukan" in missing.content.decode() or "Tidak ditemukan" in (
        missing.content.decode()
    )


PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Y-" + "q8Zt2vLx9Rm4Np7Wc1Hs6Jd0Fb5Gk3Ye" * 2,
    "ALLOWED_HOSTS": "warta.lampungprov.go.id",
    "SITE_URL": "https://warta.lampungprov.go.id",
    "CSRF_TRUSTED_ORIGINS": "https://warta.lampungprov.go.id",
    "WARTA_BEHIND_TLS_PROXY": "1",
    "WARTA_TRUSTED_PROXIES": "127.0.0.1,::1",
    "WARTA_SSL_REDIRECT": "1",
    "WARTA_HSTS_SECONDS": "31536000",
    "WARTA_HSTS_PRELOAD": "1",
    "WARTA_LOG_FORMAT": "json",
    "WARTA_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def test_the_production_profile_passes_the_deploy_checks(tmp_path: Any) -> None:
    env = {**os.environ, **PRODUCTION_ENV, "WARTA_VAR_DIR": str(tmp_path)}
    # Test-harness switches (jobs inline; e2e/conftest.py's async-unsafe for Playwright).
    for name in ("HUEY_IMMEDIATE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_example_env_file_is_the_profile_the_test_checks() -> None:
    """deploy/warta.env.example sets every variable the deploy check above relies on."""
    example = (django_settings.BASE_DIR / "deploy" / "warta.env.example").read_text()
    names = {
        line.split("=", 1)[0]
        for line in example.splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert set(PRODUCTION_ENV) - {"SECRET_KEY"} <= names | {"DEBUG"}
    assert "SECRET_KEY=change-me" in example


def test_a_job_in_the_worker_logs_under_its_task_id() -> None:
    from huey.contrib.djhuey import HUEY

    from ops.requestid import bind, current
    from ops.tasks import ping

    task = ping.s()
    hook = HUEY._pre_execute["warta_log_context"]
    previous = current()
    try:
        HUEY.immediate = False
        hook(task)
        assert current().request_id == f"task-{task.id}"
        assert current().path == task.name
    finally:
        HUEY.immediate = True
        bind(previous)
