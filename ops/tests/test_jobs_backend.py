"""WARTA_JOBS picks Huey's storage: sqlite, redis or postgres (PostgresHuey, huey.storage)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

# The settings module alone: django.setup() would also build the Huey instance, and PostgresHuey
# connects to its database at once (this test is about which class the environment picks).
SHOW = "import warta.settings as s; print(s.HUEY['huey_class'])"


def huey_class(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "WARTA_JOBS"}}
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=settings.BASE_DIR,
        env={**clean, "WARTA_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "huey.SqliteHuey"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/3"}, "huey.RedisHuey"),
        ({"WARTA_JOBS": "redis"}, "huey.RedisHuey"),
        ({"WARTA_JOBS": "postgres", "DATABASE_URL": "postgres://w@db/w"}, "huey.PostgresHuey"),
        ({"WARTA_JOBS": "sqlite", "REDIS_URL": "redis://127.0.0.1:6379/3"}, "huey.SqliteHuey"),
    ],
)
def test_the_job_backend_follows_the_environment(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    result = huey_class(tmp_path, **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_an_unknown_job_backend_is_named(tmp_path: Path) -> None:
    result = huey_class(tmp_path, WARTA_JOBS="rabbitmq")

    assert result.returncode != 0
    assert "WARTA_JOBS='rabbitmq': use one of sqlite, redis, postgres" in result.stderr


@pytest.mark.django_db
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="PostgresHuey needs PostgreSQL: this runs in CI's PostgreSQL pass",
)
def test_postgres_huey_runs_a_job_through_the_database() -> None:
    from huey import PostgresHuey

    params = connection.get_connection_params()
    dsn = " ".join(f"{k}={v}" for k, v in params.items() if k in {"dbname", "user", "host", "port"})
    huey = PostgresHuey("warta-test", dsn=dsn, table_prefix="warta_test_huey")

    @huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    result = add(2, 3)
    assert huey.pending_count() == 1
    task = huey.dequeue()
    assert task is not None
    huey.execute(task)
    assert result.get() == 5
    assert huey.pending_count() == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM warta_test_huey_task")
        assert cursor.fetchone() == (0,)
