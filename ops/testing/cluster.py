"""Real Warta processes on one database: gunicorn web servers and Huey workers.

The multi-process test (ops/tests/test_multiprocess.py) and the load benchmark
(bench/load_staff.py) start the same cluster a production host runs — several web processes and
several job workers sharing one PostgreSQL and one Redis — so "no publication handled twice, no
decision applied twice" is shown by real processes, not by threads in one interpreter.

Every child runs in its own process group and gets SIGTERM from the kernel if the process that
started it dies (``PR_SET_PDEATHSIG``), and ``Cluster.stop`` kills what does not stop in time: no
orphan keeps holding a port or a database connection after a failed run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ops.management.commands.serve import _stop_with_parent

ROOT = Path(__file__).resolve().parent.parent.parent
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url(settings_dict: dict[str, Any]) -> str:
    """The ``DATABASE_URL`` of the PostgreSQL database Django is connected to (the test
    database under pytest), for child processes that must share it."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def child_env(
    *,
    database: str,
    redis: str,
    var_dir: Path,
    secret_key: str,
    secrets_keys: str,
    site_url: str = "http://127.0.0.1:8000",
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a production-like child: PostgreSQL, RedisHuey, real workers."""
    env = {k: v for k, v in os.environ.items() if k not in ("HUEY_IMMEDIATE", "WARTA_JOBS")}
    env.update(
        DATABASE_URL=database,
        REDIS_URL=redis,
        WARTA_JOBS="redis",
        WARTA_VAR_DIR=str(var_dir),
        SECRET_KEY=secret_key,
        WARTA_SECRETS_KEYS=secrets_keys,
        SITE_URL=site_url,
        DEBUG="0",
        LOG_LEVEL="WARNING",
        # The fake platforms listen on 127.0.0.1.
        WARTA_ALLOW_PRIVATE_URLS="1",
        WARTA_INSTAGRAM_POLL_SECONDS="0.05",
    )
    env.update(extra or {})
    return env


@dataclass
class Child:
    name: str
    argv: list[str]
    stop_signal: signal.Signals
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str]) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603
                self.argv,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                process_group=0,
                preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Cluster:
    """``webs`` gunicorn servers (each on its own port) and ``workers`` Huey consumers."""

    env: dict[str, str]
    log_dir: Path
    webs: int = 2
    web_workers: int = 1
    web_threads: int = 4
    workers: int = 4
    worker_threads: int = 2
    children: list[Child] = field(default_factory=list)
    web_urls: list[str] = field(default_factory=list)

    def start(self) -> Cluster:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for number in range(self.webs):
            port = free_port()
            self.web_urls.append(f"http://127.0.0.1:{port}")
            self.children.append(self._web(number, port))
        for number in range(self.workers):
            self.children.append(self._worker(number))
        for child in self.children:
            child.start(self.env)
        self._wait_for_webs()
        return self

    def _web(self, number: int, port: int) -> Child:
        argv = [
            sys.executable, "-m", "gunicorn", "warta.wsgi:application",
            f"--bind=127.0.0.1:{port}", f"--workers={self.web_workers}",
            f"--threads={self.web_threads}", "--timeout=120", "--graceful-timeout=5",
            # Longer than a client's pause between requests (a proxy's keep-alive in production).
            "--keep-alive=75",
            "--no-control-socket",
        ]  # fmt: skip
        return Child(f"web{number}", argv, signal.SIGTERM, self.log_dir / f"web{number}.log")

    def _worker(self, number: int) -> Child:
        argv = [
            sys.executable, str(ROOT / "manage.py"), "run_huey",
            f"--workers={self.worker_threads}", "--worker-type=thread",
            "--delay=0.05", "--max-delay=0.2", "--shutdown-timeout=5", "--skip-checks",
        ]  # fmt: skip
        # SIGTERM: Huey stops at once (SIGINT would wait for running jobs, up to 5 s).
        return Child(f"worker{number}", argv, signal.SIGTERM, self.log_dir / f"worker{number}.log")

    def _wait_for_webs(self) -> None:
        """Until every web server answers a request through Django (any status but 5xx)."""
        deadline = time.monotonic() + START_TIMEOUT
        pending = list(self.web_urls)
        while pending:
            self.check()
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{pending} did not answer within {START_TIMEOUT:.0f} s; the end of the "
                    f"first server's log:\n{self.children[0].tail()}"
                )
            try:
                urllib.request.urlopen(f"{pending[0]}/api/v1/me", timeout=5).close()  # noqa: S310
                pending.pop(0)
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    pending.pop(0)
                else:
                    time.sleep(0.2)
            except OSError:
                time.sleep(0.2)

    def check(self) -> None:
        """Raise, with the end of its log, if a process died."""
        for child in self.children:
            if child.process is not None and child.process.poll() is not None:
                raise RuntimeError(
                    f"{child.name} exited with {child.process.returncode}:\n{child.tail()}"
                )

    def stop(self) -> None:
        """Ask every child to stop, then kill each process group that is still there."""
        for child in self.children:
            if child.alive():
                assert child.process is not None
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(child.stop_signal)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=5)

    def __enter__(self) -> Cluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()
