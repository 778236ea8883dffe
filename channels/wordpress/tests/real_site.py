"""A real WordPress on loopback for the contract tests: Debian's ``wordpress`` package run by
PHP's built-in web server, with a MariaDB database of its own.

The site lives in a temporary folder (its ``wp-config.php``, ``wp-content`` with uploads and a
must-use plugin that can kill PHP mid-request) around Debian's code in ``/usr/share/wordpress``;
``site/wpctl.php`` installs it, adds users with application passwords, switches permalinks and
reads what the site holds, over the command line. The database is created at start and
dropped at stop; the server listens on a free port of 127.0.0.1 and stops with the tests.

Needs the Debian packages ``wordpress``, ``php-cli`` and ``php-mysql``, and MariaDB (or MySQL)
answering at ``WARTA_TEST_WORDPRESS_DB`` (``user[:password]@host:port``, default
``root@127.0.0.1:3306``). ``missing()`` says what is absent.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).parent / "site"
CODE = Path(os.environ.get("WARTA_TEST_WORDPRESS_CODE", "/usr/share/wordpress"))
DATABASE = os.environ.get("WARTA_TEST_WORDPRESS_DB", "root@127.0.0.1:3306")
APT = "apt-get install wordpress php-cli php-mysql mariadb-server"


@dataclass(frozen=True)
class Database:
    user: str
    password: str
    host: str

    @classmethod
    def parse(cls, value: str) -> Database:
        credentials, _at, host = value.rpartition("@")
        user, _colon, password = credentials.partition(":")
        return cls(user or "root", password, host or "127.0.0.1:3306")


def missing() -> str:
    """What this machine lacks to run a real WordPress ("" when nothing), as one sentence."""
    packages = []
    if not (CODE / "wp-settings.php").exists():
        packages.append("wordpress")
    elif not any((CODE / "wp-content" / "themes").glob("*/style.css")):
        packages.append("wordpress-theme-twentytwentythree (or another theme)")
    php = shutil.which("php")
    if php is None:
        packages.append("php-cli")
    else:
        modules = subprocess.run([php, "-m"], capture_output=True, text=True, check=False).stdout
        if "mysqli" not in modules.split():
            packages.append("php-mysql")
    if packages:
        return f"missing Debian packages: {' '.join(packages)} ({APT})"
    database = Database.parse(DATABASE)
    probe = (
        "$h = explode(':', $argv[1]); mysqli_report(MYSQLI_REPORT_OFF);"
        "exit(@mysqli_connect($h[0], $argv[2], $argv[3], '', (int) ($h[1] ?? 3306)) ? 0 : 1);"
    )
    answered = subprocess.run(
        [str(php), "-r", probe, database.host, database.user, database.password],
        capture_output=True,
        check=False,
    )
    if answered.returncode:
        return (
            f"no MariaDB answering at {database.host} as {database.user} "
            f"(install mariadb-server and start it, or set WARTA_TEST_WORDPRESS_DB)"
        )
    return ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Site:
    """One WordPress site; ``start()`` installs and serves it, ``stop()`` removes it."""

    folder: Path
    port: int = field(default_factory=_free_port)
    database: Database = field(default_factory=lambda: Database.parse(DATABASE))
    name: str = field(default_factory=lambda: f"warta_wp_{os.getpid()}_{secrets.token_hex(3)}")
    version: str = ""
    # What ran: the WordPress, PHP and database server versions.
    versions: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)  # login: application password
    server: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def root(self) -> Path:
        return self.folder / "site"

    # --- life ---------------------------------------------------------------------------------
    def start(self) -> Site:
        self._lay_out()
        self.ctl("create-database")
        self.version = str(self.ctl("install", self.url))
        for login, role in (("editor", "editor"), ("pelanggan", "subscriber")):
            self.users[login] = str(self.ctl("user", login, role)["password"])
        self.serve()
        self.versions = {k: str(v) for k, v in self.ctl("versions").items()}
        return self

    def _lay_out(self) -> None:
        content = self.root / "wp-content"
        for folder in ("plugins", "mu-plugins", "uploads"):
            (content / folder).mkdir(parents=True, exist_ok=True)
        for name in ("wp-admin", "wp-includes"):
            (self.root / name).symlink_to(CODE / name)
        (content / "themes").symlink_to(CODE / "wp-content" / "themes")
        shutil.copy(HERE / "warta-faults.php", content / "mu-plugins" / "warta-faults.php")
        salts = "".join(
            f"define('{key}', '{secrets.token_hex(32)}');\n"
            for key in ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
                        "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT")
        )  # fmt: skip
        (self.root / "wp-config.php").write_text(
            "<?php\n"
            f"define('DB_NAME', '{self.name}');\n"
            f"define('DB_USER', '{self.database.user}');\n"
            f"define('DB_PASSWORD', '{self.database.password}');\n"
            f"define('DB_HOST', '{self.database.host}');\n"
            "define('DB_CHARSET', 'utf8mb4');\ndefine('DB_COLLATE', '');\n"
            f"define('WP_HOME', '{self.url}');\ndefine('WP_SITEURL', '{self.url}');\n"
            # Application passwords need HTTPS, or a site that says it is a local one.
            "define('WP_ENVIRONMENT_TYPE', 'local');\n"
            "define('DISABLE_WP_CRON', true);\ndefine('AUTOMATIC_UPDATER_DISABLED', true);\n"
            "define('WP_HTTP_BLOCK_EXTERNAL', true);\ndefine('FS_METHOD', 'direct');\n"
            f"{salts}$table_prefix = 'wp_';\n"
            f"require_once '{CODE}/wp-settings.php';\n"
        )

    def serve(self) -> None:
        """Start PHP's web server (again, after a crash: same port, same database)."""
        log = (self.folder / "server.log").open("ab")
        self.server = subprocess.Popen(
            ["php", "-S", f"127.0.0.1:{self.port}", "-t", str(self.root), str(HERE / "router.php")],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "WARTA_WORDPRESS_CODE": str(CODE)},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.head(f"{self.url}/", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                if self.server.poll() is not None:
                    break
            time.sleep(0.1)
        raise RuntimeError(f"WordPress did not start: see {self.folder / 'server.log'}")

    @property
    def running(self) -> bool:
        return self.server is not None and self.server.poll() is None

    def wait_until_down(self, seconds: float = 10) -> bool:
        if self.server is None:
            return True
        try:
            self.server.wait(seconds)
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop(self) -> None:
        if self.running:
            assert self.server is not None
            self.server.terminate()
            try:
                self.server.wait(10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        self.ctl("drop-database")

    # --- what the tests do to it -----------------------------------------------------------
    def ctl(self, command: str, *args: str) -> Any:
        done = subprocess.run(
            ["php", str(HERE / "wpctl.php"), str(self.root), command, *args],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "WARTA_WORDPRESS_CODE": str(CODE)},
        )
        if done.returncode:
            raise RuntimeError(f"wpctl {command}: {done.stderr or done.stdout}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def permalinks(self, structure: str) -> None:
        """``"/%postname%/"`` (pretty) or ``""`` (Plain)."""
        self.ctl("permalinks", structure)

    def reset(self) -> None:
        """Delete every post, page, photo and term (but the default category)."""
        self.ctl("reset")
        self.permalinks("/%postname%/")

    def die_after_saving_the_next_post(self) -> None:
        (self.root / "wp-content" / "warta-die-after-saving").touch()

    def posts(self) -> list[dict[str, Any]]:
        """Every post (any status, trash too) and photo the site holds, read from its database."""
        return [p for p in self.ctl("posts") if p["type"] == "post"]

    def photos(self) -> list[dict[str, Any]]:
        return [p for p in self.ctl("posts") if p["type"] == "attachment"]
