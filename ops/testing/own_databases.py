"""A pytest plugin: each test run gets databases of its own on shared servers.

Loaded with ``-p ops.testing.own_databases`` (pyproject's addopts), before pytest-django reads
the settings, so that:

- with ``REDIS_URL``, the run claims an empty Redis database (ops/testing/redis_db.py) and the
  settings see that one: two runs on one Redis never flush each other's keys;
- the test database's name carries the run's process id (``test_<name>_<pid>`` on PostgreSQL,
  ``var/test-<pid>.sqlite3`` on SQLite): two runs on one server, or two checkouts sharing a
  ``var/``, never drop each other's database.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from ops.testing import redis_db

_claimed_redis: list[str] = []


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: Any, args: Any) -> None:
    url = os.environ.get("REDIS_URL")
    if url and not _claimed_redis:
        mine = redis_db.claim(url)
        _claimed_redis.append(mine)
        os.environ["REDIS_URL"] = mine


def pytest_unconfigure(config: pytest.Config) -> None:
    while _claimed_redis:
        redis_db.release(_claimed_redis.pop())


def own_redis_url() -> str | None:
    """The Redis database this run claimed, if ``REDIS_URL`` was set."""
    return _claimed_redis[0] if _claimed_redis else None


def give_test_databases_our_name() -> None:
    """Name every test database after this process (called before they are created)."""
    from django.conf import settings

    for alias in settings.DATABASES.values():
        test = alias.setdefault("TEST", {})
        if alias["ENGINE"].endswith("sqlite3"):
            folder = os.path.dirname(test.get("NAME") or alias["NAME"])
            test["NAME"] = os.path.join(folder, f"test-{os.getpid()}.sqlite3")
        else:
            test["NAME"] = f"test_{alias['NAME']}_{os.getpid()}"


def end_other_sessions() -> None:
    """End the other connections to this run's PostgreSQL test databases (threads of a live
    server keep theirs open); only databases named after this process are touched."""
    from django.db import connections

    for connection in connections.all():
        if connection.vendor != "postgresql":
            continue
        name = connection.settings_dict["NAME"]
        if not name.endswith(f"_{os.getpid()}"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
