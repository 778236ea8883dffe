"""Serve the web app (gunicorn) and run the job worker (Huey) together until stopped.

One command for the embedded default: both run as child processes; Ctrl-C or SIGTERM stops both,
and if either one dies the other is stopped too and the command fails, so a supervisor (systemd,
a container runtime) sees one unit that is either wholly up or down.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from accounts.demo import DEMO_ACCOUNTS, demo_password
from accounts.models import User

# How long a child may take to finish its requests or running jobs after being asked to stop.
STOP_TIMEOUT = 10
POLL_SECONDS = 0.2


@dataclass
class Child:
    name: str
    argv: list[str]
    # The signal that asks this child for a graceful stop (gunicorn: TERM, huey consumer: INT).
    stop_signal: signal.Signals
    process: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            self.argv,
            env=env,
            cwd=settings.BASE_DIR,
            # Own process group: Ctrl-C reaches only serve, which then sends each child exactly
            # one stop signal (gunicorn's gthread workers can hang when INT and TERM both land).
            process_group=0,
            preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
        )

    def returncode(self) -> int | None:
        assert self.process is not None
        return self.process.poll()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(self.stop_signal)

    def wait_or_kill(self, deadline: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Command(BaseCommand):
    help = "Serve Warta (gunicorn) and run its job worker (Huey) until Ctrl-C or SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=2, help="threads per web worker")

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        if settings.HUEY.get("immediate"):
            raise CommandError(
                "HUEY_IMMEDIATE is set, so jobs would run inside web requests and the worker "
                "cannot start; unset it to serve."
            )
        _check_port_free(host, port)
        env = {**os.environ, "PORT": str(port)}
        url = os.environ.get("SITE_URL", f"http://{host}:{port}").rstrip("/")
        children = [
            Child(
                "web",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "warta.wsgi:application",
                    # The production config (access log with request ids, or none with JSON
                    # logs, timeouts); the options below override its address and sizes.
                    f"--config={settings.BASE_DIR / 'deploy' / 'gunicorn.conf.py'}",
                    f"--bind={host}:{port}",
                    f"--workers={options['workers']}",
                    f"--threads={options['threads']}",
                    f"--graceful-timeout={STOP_TIMEOUT}",
                    # No control socket: its default path is shared by every instance on a host.
                    "--no-control-socket",
                ],
                signal.SIGTERM,
            ),
            Child(
                "jobs",
                [
                    sys.executable,
                    str(settings.BASE_DIR / "manage.py"),
                    "run_huey",
                    # Threads: deliveries to several channels go out in parallel.
                    "--workers=8",
                    "--worker-type=thread",
                    # Pick up a new job within a second (Huey's idle back-off reaches 10 s).
                    "--max-delay=1",
                    f"--shutdown-timeout={STOP_TIMEOUT}",
                    # serve has just run the system checks (the SOP file among them).
                    "--skip-checks",
                ],
                signal.SIGINT,
            ),
        ]

        stop_requested: list[int] = []

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop_requested.append(signum)

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)

        self._print_banner(url)
        for child in children:
            child.start(env)

        died: Child | None = None
        while not stop_requested and died is None:
            time.sleep(POLL_SECONDS)
            died = next((c for c in children if c.returncode() is not None), None)

        for child in children:
            child.stop()
        deadline = time.monotonic() + STOP_TIMEOUT + 5
        for child in children:
            child.wait_or_kill(deadline)

        if died is not None and not stop_requested:
            raise CommandError(
                f"the {died.name} process exited with code {died.returncode()}; "
                "stopped the other one too."
            )
        self.stdout.write("Warta stopped.")

    def _print_banner(self, url: str) -> None:
        self.stdout.write(self.style.SUCCESS(f"Warta is at {url}/  (Ctrl-C stops it)"))
        try:
            present = set(
                User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).values_list(
                    "username", flat=True
                )
            )
        except DatabaseError:
            present = set()
        accounts = [a for a in DEMO_ACCOUNTS if a.username in present]
        if accounts:
            names = ", ".join(f"{a.username} ({a.role.label})" for a in accounts)
            self.stdout.write(f"Demo accounts: {names}")
            self.stdout.write(f"Demo password: {demo_password()}  (WARTA_DEMO_PASSWORD)")
        self.stdout.flush()


def _stop_with_parent() -> None:
    """In the child: get SIGTERM if serve itself is killed, so no orphan keeps holding the port."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _check_port_free(host: str, port: int) -> None:
    """Fail with a sentence a person can act on instead of gunicorn's retry loop."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            raise CommandError(
                f"cannot listen on {host}:{port} ({exc.strerror}); "
                f"pick another port, e.g. PORT={port + 123} make run"
            ) from exc
