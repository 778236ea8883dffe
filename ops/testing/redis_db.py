"""A Redis database of one's own, on a Redis server that others may share.

Tests, the multi-process test and the benchmarks need a Redis database they can empty at will.
A database counts as ours only if it was empty when we put our owner mark in it: a database
that somebody else uses (Warta's own `make run` on db 0, another project, another test run) is
never touched, let alone flushed. A mark left by a run that was killed (its process is gone from
this host) is taken back, with the left-overs of that run.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

# 0 stays for the developer's own `make run`.
CANDIDATE_DBS = range(15, 0, -1)
OWNER_KEY = "warta:test-owner"


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _left_by_a_dead_run(owner: bytes | None) -> bool:
    """True when the mark names a process of this host that no longer runs."""
    if not owner:
        return False
    host, _colon, pid = owner.decode(errors="replace").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def claim(url: str) -> str:
    """``url`` pointed at a Redis database that is now ours (empty but for our mark)."""
    import redis

    parts = urlsplit(url)
    for number in CANDIDATE_DBS:
        candidate = urlunsplit(parts._replace(path=f"/{number}"))
        with redis.Redis.from_url(candidate) as client:
            if client.set(OWNER_KEY, _me(), nx=True):
                if client.dbsize() == 1:
                    return candidate
                # Somebody else's keys live here without a mark: not ours to use.
                client.delete(OWNER_KEY)
                continue
            if _left_by_a_dead_run(client.get(OWNER_KEY)):
                client.flushdb()
                client.set(OWNER_KEY, _me())
                return candidate
    raise RuntimeError(f"no empty Redis database among 1-15 at {url}: every one is in use")


def release(url: str) -> None:
    """Empty a database that :func:`claim` gave us, mark included."""
    import redis

    with redis.Redis.from_url(url) as client:
        if client.get(OWNER_KEY) == _me().encode():
            client.flushdb()


def empty(url: str) -> None:
    """Remove everything but our mark from a database that :func:`claim` gave us."""
    import redis

    with redis.Redis.from_url(url) as client:
        if client.get(OWNER_KEY) != _me().encode():
            raise RuntimeError(f"{url} is not this process's Redis database")
        client.flushdb()
        client.set(OWNER_KEY, _me())


@contextlib.contextmanager
def private_db(url: str) -> Iterator[str]:
    """A Redis database of our own for the duration of the block."""
    mine = claim(url)
    try:
        yield mine
    finally:
        release(mine)
