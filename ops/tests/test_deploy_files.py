"""The files of deploy/ agree with the code: gunicorn's config, the units, the env example."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"


def gunicorn_config(**env: str) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--print-config"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def test_gunicorn_takes_workers_and_log_format_from_the_environment() -> None:
    plain = gunicorn_config(GUNICORN_WORKERS="2", WARTA_LOG_FORMAT="plain")
    tuned = gunicorn_config(GUNICORN_WORKERS="5", GUNICORN_THREADS="3", WARTA_LOG_FORMAT="json")

    assert plain["workers"] == "2"
    assert plain["wsgi_app"] == "warta.wsgi:application"
    assert plain["worker_class"] == "gthread"
    assert "{x-request-id}o" in plain["access_log_format"]
    assert (tuned["workers"], tuned["threads"], tuned["accesslog"]) == ("5", "3", "None")


def test_the_units_run_what_the_guide_and_smoke_script_run() -> None:
    web = (DEPLOY / "warta-web.service").read_text()
    worker = (DEPLOY / "warta-worker@.service").read_text()
    smoke = (DEPLOY / "smoke.sh").read_text()

    assert "gunicorn -c deploy/gunicorn.conf.py" in web
    assert "EnvironmentFile=/etc/warta/warta.env" in web and "EnvironmentFile" in worker
    command = re.search(r"manage\.py run_huey [^$']*", worker)
    assert command is not None
    assert command.group(0).strip() in smoke
    assert "--no-periodic" in worker and "--no-periodic" in smoke
    assert "KillSignal=SIGINT" in worker
    assert ".venv/bin/gunicorn -c deploy/gunicorn.conf.py" in smoke


def test_nginx_accepts_every_upload_warta_accepts() -> None:
    site = (DEPLOY / "nginx-warta.conf").read_text()
    limit = re.search(r"client_max_body_size (\d+)m;", site)

    assert limit is not None
    assert int(limit.group(1)) * 1024 * 1024 > settings.UPLOAD_MAX_BYTES
    assert "proxy_set_header X-Request-ID" in site
    assert "alias /var/lib/warta/media" not in site  # media always through the permission check


def test_the_readme_and_the_images_guide_give_the_upload_limit_the_code_uses() -> None:
    env = {k: v for k, v in os.environ.items() if k != "WARTA_UPLOAD_MAX_BYTES"}
    default = subprocess.run(
        [sys.executable, "-c", "from warta import settings; print(settings.UPLOAD_MAX_BYTES)"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    base = Path(settings.BASE_DIR)
    for guide in (base / "README.md", base / "docs" / "images.md"):
        # The default column, however worded ("`40000000` (40 MB)", "40 MB (40000000)"): the
        # byte count in it.
        row = re.search(r"^\| `WARTA_UPLOAD_MAX_BYTES` \|[^|]*?(\d{4,})", guide.read_text(), re.M)
        assert row is not None, guide
        assert row.group(1) == default, guide
