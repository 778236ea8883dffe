"""`manage.py serve` runs gunicorn and the Huey worker as children and stops them together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

# A liveness guard, not a speed goal: on a loaded 2-core machine gunicorn and the worker can take
# tens of seconds to import Django.
START_TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@dataclass
class Served:
    server: subprocess.Popen[str]
    port: int
    log: Path

    def output(self) -> str:
        """What serve and its children printed."""
        return self.log.read_text()


def wait_for_http(url: str, served: Served) -> int:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if served.server.poll() is not None:
            pytest.fail(f"serve exited early with {served.server.returncode}: {served.output()}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return int(response.status)
        except OSError:  # refused while gunicorn binds, or a slow first request
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {START_TIMEOUT} s")


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Served]:
    port = free_port()
    env = {
        **os.environ,
        "WARTA_VAR_DIR": str(tmp_path),
        # DEBUG serves static names unhashed, so no collectstatic is needed for the login page.
        "DEBUG": "1",
        "PORT": str(port),
    }
    # The suite runs with HUEY_IMMEDIATE=1; a served Warta has a real worker.
    for name in ("DATABASE_URL", "REDIS_URL", "HUEY_IMMEDIATE"):
        env.pop(name, None)
    # Output goes to a file, not a pipe: a pipe nobody reads fills up (64 KiB of access and
    # worker logs) and blocks the children that write to it.
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield Served(server, port, tmp_path / "serve.log")
    log.close()
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()  # its children get SIGTERM from the kernel (PR_SET_PDEATHSIG)
            server.wait()


def test_it_serves_and_stops_both_children_on_sigint(
    serve: Served,
) -> None:
    server, port = serve.server, serve.port

    assert wait_for_http(f"http://127.0.0.1:{port}/admin/login/", serve) == 200
    children = children_of(server.pid)
    commands = sorted(_cmdline(pid) for pid in children)
    assert "gunicorn warta.wsgi:application" in commands[0]
    assert "manage.py run_huey" in commands[1]
    server.send_signal(signal.SIGINT)
    server.wait(timeout=60)
    output = serve.output()

    assert server.returncode == 0, output
    assert not [pid for pid in children if is_running(pid)]
    assert f"http://127.0.0.1:{port}/" in output
    assert "Warta stopped." in output


def test_it_stops_the_web_server_when_the_worker_dies(
    serve: Served,
) -> None:
    server, port = serve.server, serve.port
    wait_for_http(f"http://127.0.0.1:{port}/admin/login/", serve)
    web, jobs = sorted(children_of(server.pid), key=lambda pid: "huey" in _cmdline(pid))

    os.kill(jobs, signal.SIGKILL)
    server.wait(timeout=60)
    output = serve.output()

    assert server.returncode == 1
    assert "the jobs process exited" in output
    assert not is_running(web)


def test_it_stops_its_children_when_it_is_killed(
    serve: Served,
) -> None:
    server, port = serve.server, serve.port
    wait_for_http(f"http://127.0.0.1:{port}/admin/login/", serve)
    children = children_of(server.pid)

    server.kill()
    server.wait()

    deadline = time.monotonic() + 30
    while [pid for pid in children if is_running(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if is_running(pid)]


def test_it_refuses_to_serve_with_jobs_run_inline(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "serve", "--port", str(free_port())],
        cwd=settings.BASE_DIR,
        env={**os.environ, "WARTA_VAR_DIR": str(tmp_path), "HUEY_IMMEDIATE": "1"},
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )

    assert result.returncode == 1
    assert "HUEY_IMMEDIATE is set" in result.stderr


def test_it_refuses_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=settings.BASE_DIR,
            env={**os.environ, "WARTA_VAR_DIR": str(tmp_path), "HUEY_IMMEDIATE": "0"},
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
            check=False,
        )

    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
