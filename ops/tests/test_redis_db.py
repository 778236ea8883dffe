"""A test run's Redis database is its own: others' databases are never used or flushed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from ops.testing import own_databases, redis_db

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs a Redis server: runs in CI's Redis pass"
)


@pytest.fixture
def server() -> Iterator[object]:
    import redis

    url = os.environ["REDIS_URL"]
    touched: list[redis.Redis] = []

    def db(number: int) -> redis.Redis:
        client = redis.Redis.from_url(url.rsplit("/", 1)[0] + f"/{number}")
        touched.append(client)
        return client

    yield db
    for client in touched:
        client.close()


def test_the_run_uses_a_database_that_holds_only_its_mark() -> None:
    import redis

    mine = own_databases.own_redis_url()
    assert mine is not None and mine == os.environ["REDIS_URL"]
    with redis.Redis.from_url(mine) as client:
        assert client.get(redis_db.OWNER_KEY) == f"{socket.gethostname()}:{os.getpid()}".encode()


def test_a_database_with_somebody_elses_keys_is_passed_over_and_kept(server) -> None:  # type: ignore[no-untyped-def]
    busy = []
    for number in redis_db.CANDIDATE_DBS:
        client = server(number)
        if client.dbsize() == 0:
            client.set("somebody:else", "keep me")
            busy.append(client)
    try:
        with pytest.raises(RuntimeError, match="every one is in use"):
            redis_db.claim(os.environ["REDIS_URL"])
        for client in busy:
            assert client.get("somebody:else") == b"keep me"
            assert client.get(redis_db.OWNER_KEY) is None
    finally:
        for client in busy:
            client.delete("somebody:else")


def test_a_mark_left_by_a_killed_run_is_taken_back(server) -> None:  # type: ignore[no-untyped-def]
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    free = next(n for n in redis_db.CANDIDATE_DBS if server(n).dbsize() == 0)
    left = server(free)
    left.set(redis_db.OWNER_KEY, f"{socket.gethostname()}:{dead}")
    left.set("left:over", "1")

    mine = redis_db.claim(os.environ["REDIS_URL"])
    try:
        assert mine.endswith(f"/{free}")
        assert left.get("left:over") is None
    finally:
        redis_db.release(mine)
    assert left.dbsize() == 0


def test_release_leaves_a_database_that_is_not_ours(server) -> None:  # type: ignore[no-untyped-def]
    free = next(n for n in redis_db.CANDIDATE_DBS if server(n).dbsize() == 0)
    other = server(free)
    other.set(redis_db.OWNER_KEY, "another-host:1")
    other.set("their:data", "1")
    try:
        redis_db.release(os.environ["REDIS_URL"].rsplit("/", 1)[0] + f"/{free}")
        assert other.get("their:data") == b"1"
    finally:
        other.delete("their:data", redis_db.OWNER_KEY)
