"""Jobs of ops: a ping the doctor sends through the queue to see that a worker answers."""

from __future__ import annotations

from huey.contrib.djhuey import task


@task()
def ping() -> str:
    return "pong"
