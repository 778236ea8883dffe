"""One heavy image job at a time on this machine, whatever the number of worker processes and
threads: a lock file under ``var/`` (``flock``), which the kernel releases if its holder dies.

Every decode of an original into renditions takes it (``images.renditions.make_all``), so two
workers never hold two large pictures at once and the machine's memory stays predictable. With
several machines (object storage) each machine has its own lock and makes its own share.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

POLL_SECONDS = 0.1


class Busy(RuntimeError):
    """Another process kept the image lock for longer than the caller would wait."""


def lock_path() -> Path:
    return Path(settings.VAR_DIR) / "locks" / "image-work.lock"


@contextmanager
def one_at_a_time(wait: float) -> Iterator[None]:
    """Hold the machine's image lock for the block; wait up to ``wait`` seconds for it.

    flock locks belong to an open file, so two threads of one process exclude each other too.
    Raises Busy when the lock is still taken after ``wait`` seconds."""
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(str(path)) from None
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
