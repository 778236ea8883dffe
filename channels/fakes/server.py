"""One threaded HTTP server that plays all four platforms (stdlib only: no Django here)."""

from __future__ import annotations

import base64
import itertools
import json
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from channels.fakes import graph, oauth, wordpress, x

PLATFORMS = ("facebook", "instagram", "x", "wordpress")


@dataclass
class Fault:
    """What to do to a matching request instead of (or after) answering it normally.

    kind: ``transient`` (a retryable error, nothing done), ``rate_limit`` (the platform's
    rate-limit answer, nothing done), ``not_found`` (the platform's 404, nothing done),
    ``html`` (200 with a web page, as a front controller or a captive portal answers; nothing
    done), ``empty`` (200 with ``{}``: JSON, but not the platform's answer; nothing done),
    ``timeout`` (done, then no answer until the client gave up), ``drop`` (done, then
    the connection closes without an answer).
    """

    kind: str
    platform: str = ""
    method: str = "POST"
    path_contains: str = ""
    times: int = 1


@dataclass
class Request:
    """A request as the fake understood it."""

    platform: str
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    files: dict[str, bytes]
    json: Any
    body: bytes
    headers: dict[str, str]
    # The API route asked for: the path, or for WordPress on "Plain" permalinks
    # (``/?rest_route=/wp/v2/posts``) the same route as with pretty ones (``/wp-json/wp/v2/posts``).
    route: str = ""

    def param(self, name: str) -> str:
        if isinstance(self.json, dict) and name in self.json:
            return str(self.json[name])
        return self.form.get(name) or self.query.get(name) or ""


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    # Sent as is instead of ``body`` as JSON (a web page, say).
    raw: bytes | None = None
    content_type: str = "application/json; charset=utf-8"


def web_page(title: str = "Situs Diskominfo", headers: dict[str, str] | None = None) -> Answer:
    """The front page a site (or a captive portal) answers where an API was expected."""
    html = f'<!DOCTYPE html><html lang="id"><head><title>{title}</title></head>'
    html += f"<body><h1>{title}</h1></body></html>"
    return Answer(200, None, headers or {}, html.encode(), "text/html; charset=UTF-8")


class FakePlatforms:
    """Start with ``start()``; ``url`` is its base; ``posts[platform]`` what was posted."""

    def __init__(self, *, delay: float = 0.0, hang_seconds: float = 2.0, seed: int = 0) -> None:
        self.delay, self.hang_seconds = delay, hang_seconds
        self.lock = threading.RLock()
        # Object ids start far from the page id (1001), so a path never names both.
        self.ids = itertools.count(500_001)
        self.tokens = {
            "facebook": "fb-page-token",
            "instagram": "ig-token",
            "x": "x-token",
        }
        self.x_refresh_token = "x-refresh-token"
        self.wp_user, self.wp_password = "editor", "abcd efgh ijkl mnop"
        # Other WordPress users (user name: (application password, role)).
        self.wp_users = {"pelanggan": ("qrst uvwx yzab cdef", "subscriber")}
        # "pretty" (/wp-json/) or "plain" (/?rest_route=; /wp-json/ answers the front page).
        self.wp_permalinks = "pretty"
        self.wp_terms: dict[str, list[dict[str, Any]]] = {"categories": [], "tags": []}
        self.page_id, self.ig_user_id, self.x_user_id = "1001", "17841400000", "42"
        self.posts: dict[str, list[dict[str, Any]]] = {p: [] for p in PLATFORMS}
        self.objects: dict[str, dict[str, Any]] = {}  # graph ids: photos, containers, media
        self.uploads: dict[str, dict[str, Any]] = {}  # X media, WordPress media
        self.received: list[Request] = []
        self.faults: list[Fault] = []
        self.chaos_rate = 0.0
        self.chaos_kinds: tuple[str, ...] = ("transient", "timeout", "drop")
        self.random = random.Random(seed)  # noqa: S311 (fault injection, not security)
        self.instagram_polls_until_ready = 1
        self.instagram_quota = 100
        self.x_limit, self.x_window = 100, 900.0
        self.x_calls: list[float] = []
        self.require_public_image_urls = False
        self.double_publish_attempts = 0
        self.server: ThreadingHTTPServer | None = None
        self.address: tuple[str, int] | None = None
        self.connections: set[socket.socket] = set()
        self.in_flight = 0
        # Sign-in (channels.fakes.oauth): the app's credentials, codes given out, tokens.
        self.client_id, self.client_secret = "warta-app", "warta-secret"
        self.oauth_deny = False  # the person presses "Cancel" instead of "Allow"
        self.oauth_codes: dict[str, dict[str, Any]] = {}
        self.authorize_requests: list[dict[str, str]] = []
        self.fb_user_token = "fb-user-long-token"
        self.fb_short_tokens: set[str] = set()
        self.ig_short_tokens: set[str] = set()

    # --- life ---------------------------------------------------------------------------------
    def start(self, port: int = 0, host: str = "127.0.0.1") -> FakePlatforms:
        handler = type("Handler", (_Handler,), {"fake": self})
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.address = (str(self.server.server_address[0]), int(self.server.server_address[1]))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        with self.lock:
            for connection in list(self.connections):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # already closed by the client
            self.connections.clear()

    def go_down(self) -> None:
        """Every platform is unreachable (connections refused) until ``come_back``."""
        self.stop()

    def come_back(self) -> None:
        """Listen again on the same address, with everything posted so far."""
        assert self.address is not None and self.server is None
        self.start(self.address[1], self.address[0])

    @property
    def url(self) -> str:
        assert self.address is not None
        host, port = self.address
        return f"http://{host!s}:{port}"

    def next_id(self) -> str:
        with self.lock:
            return str(next(self.ids))

    def settle(self, timeout: float = 5.0) -> None:
        """Wait until every request received so far has been acted on (answered or not).

        Warta waits at least 30 s before checking an unknown outcome; a test that compresses
        time calls this instead, so a request is never still on its way when Warta looks.
        """
        deadline = time.monotonic() + timeout
        quiet_checks = 0
        while quiet_checks < 2 and time.monotonic() < deadline:
            quiet = not self.in_flight and not self._unread_by_server()
            quiet_checks = quiet_checks + 1 if quiet else 0
            time.sleep(0.002)

    def _unread_by_server(self) -> bool:
        """Whether the kernel holds bytes or connections the server has not read yet.

        A request a client has sent may still sit in a socket buffer (or the accept queue) while
        the server's threads are busy: the fake has not counted it, yet it will act on it. On
        Linux the receive queues of the server's own sockets tell; elsewhere, assume none.
        """
        assert self.server is not None
        port = f"{self.server.server_address[1]:04X}"
        try:
            with open("/proc/net/tcp") as table:
                rows = table.read().splitlines()[1:]
        except OSError:
            return False
        for row in rows:
            fields = row.split()
            local, queues = fields[1], fields[4]
            if local.endswith(f":{port}") and int(queues.split(":")[1], 16) > 0:
                return True
        return False

    # --- faults -------------------------------------------------------------------------------
    def inject(self, kind: str, platform: str = "", **match: Any) -> None:
        with self.lock:
            self.faults.append(Fault(kind, platform, **match))

    def chaos(self, rate: float, kinds: tuple[str, ...] = ("transient", "timeout", "drop")) -> None:
        """Fault this share of POSTs at random (seeded), with one of ``kinds``."""
        self.chaos_rate, self.chaos_kinds = rate, kinds

    def fault_for(self, request: Request) -> str | None:
        with self.lock:
            for fault in self.faults:
                if (
                    fault.times > 0
                    and fault.platform in ("", request.platform)
                    and fault.method == request.method
                    and fault.path_contains in (request.route or request.path)
                ):
                    fault.times -= 1
                    return fault.kind
            if request.method == "POST" and self.random.random() < self.chaos_rate:
                return self.random.choice(self.chaos_kinds)
        return None

    # --- routing ------------------------------------------------------------------------------
    def platform_of(self, path: str) -> str:
        if signin := oauth.platform_of(path):
            return signin
        if path == "/refresh_access_token":
            return "instagram"
        if path.startswith("/wp-json/") or path in ("/", "/index.php"):
            return "wordpress"
        if path.startswith("/2/"):
            return "x"
        parts = path.strip("/").split("/")
        with self.lock:
            ids = parts[1:2]
            # The page's own id first: generated object ids count up and may reach it.
            if (
                ids
                and ids[0] != self.page_id
                and (ids[0] == self.ig_user_id or self.objects.get(ids[0], {}).get("ig"))
            ):
                return "instagram"
        return "facebook"

    def answer(self, request: Request) -> Answer:
        if (signin := oauth.answer(self, request)) is not None:
            return signin
        if request.platform == "wordpress":
            return wordpress.answer(self, request)
        if request.platform == "x":
            return x.answer(self, request)
        return graph.answer(self, request)

    def live(self, platform: str) -> list[dict[str, Any]]:
        """The posts anyone can see on ``platform`` (not deleted; WordPress: published)."""
        with self.lock:
            return [
                p
                for p in self.posts[platform]
                if not p.get("deleted") and p.get("status", "publish") == "publish"
            ]

    def count(self, platform: str, text: str) -> int:
        """How many live posts on ``platform`` carry exactly this text (or title, as the site
        shows it: WordPress titles are HTML, so an escaped title shows its plain words)."""
        key = {"facebook": "message", "instagram": "caption", "x": "text", "wordpress": "title"}
        shown = wordpress.shown if platform == "wordpress" else str
        return sum(1 for post in self.live(platform) if shown(post.get(key[platform])) == text)


class _Handler(BaseHTTPRequestHandler):
    fake: FakePlatforms
    server_version = "FakePlatforms/1"
    protocol_version = "HTTP/1.1"  # keep-alive, as the platforms do
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stall

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``fake.received`` instead."""

    def parse_request(self) -> bool:
        # Counted from the moment the request line is read, so ``settle`` never sees a request
        # that is read from the socket but not yet counted.
        with self.fake.lock:
            self.fake.in_flight += 1
        parsed = super().parse_request()
        if not parsed:
            with self.fake.lock:
                self.fake.in_flight -= 1
        return parsed

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def setup(self) -> None:
        super().setup()
        with self.fake.lock:
            self.fake.connections.add(self.connection)

    def finish(self) -> None:
        with self.fake.lock:
            self.fake.connections.discard(self.connection)
        super().finish()

    def _handle(self) -> None:
        fake = self.fake
        try:
            request = self._parse()
        except BaseException:
            with fake.lock:
                fake.in_flight -= 1
            raise
        with fake.lock:
            fake.received.append(request)
        try:
            if fake.delay:
                time.sleep(fake.delay)
            fault = fake.fault_for(request)
            if fault == "html":
                answer = web_page()
            elif fault == "empty":
                answer = Answer(200, {})
            elif fault in ("transient", "rate_limit", "not_found"):
                answer = _fault_answer(request.platform, fault)
            else:
                answer = fake.answer(request)
        finally:
            with fake.lock:
                fake.in_flight -= 1
        if fault == "timeout":
            time.sleep(fake.hang_seconds)
        if fault in ("timeout", "drop"):
            self.close_connection = True
            return
        self._send(answer)

    def _parse(self) -> Request:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        ctype = self.headers.get("Content-Type", "")
        form: dict[str, str] = {}
        files: dict[str, bytes] = {}
        data: Any = None
        if ctype.startswith("application/x-www-form-urlencoded"):
            form = {k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        elif ctype.startswith("multipart/form-data"):
            message = BytesParser(policy=policy.default, _class=EmailMessage).parsebytes(
                f"Content-Type: {ctype}\r\n\r\n".encode() + body
            )
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                if part.get_filename():
                    files[str(name)] = bytes(payload)  # type: ignore[arg-type]
                else:
                    form[str(name)] = bytes(payload).decode()  # type: ignore[arg-type]
        elif ctype.startswith("application/json") and body:
            try:
                data = json.loads(body)
            except ValueError:
                data = None
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        route = parts.path
        if "rest_route" in query and parts.path in ("/", "/index.php"):
            route = "/wp-json" + query["rest_route"]
        return Request(
            route=route,
            platform=self.fake.platform_of(parts.path),
            method=self.command,
            path=parts.path,
            query=query,
            form=form,
            files=files,
            json=data,
            body=body,
            headers={k.lower(): v for k, v in self.headers.items()},
        )

    def _send(self, answer: Answer) -> None:
        raw = answer.raw if answer.raw is not None else json.dumps(answer.body).encode()
        self.send_response_only(answer.status)
        self.send_header("Server", self.version_string())
        self.send_header("Date", self.date_time_string())
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(raw)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        try:
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up waiting: like a real platform


def _fault_answer(platform: str, kind: str) -> Answer:
    if kind == "not_found":
        return Answer(
            404,
            {
                "facebook": graph.error_body(100, "Object does not exist", subcode=33),
                "instagram": graph.error_body(100, "Object does not exist", subcode=33),
                "x": {"title": "Not Found Error", "detail": "Could not find tweet", "status": 404},
                "wordpress": {"code": "rest_post_invalid_id", "message": "Invalid post ID.",
                              "data": {"status": 404}},
            }[platform],
        )  # fmt: skip
    if platform in ("facebook", "instagram"):
        if kind == "rate_limit":
            usage = {
                "1001": [
                    {
                        "type": "pages",
                        "call_count": 100,
                        "total_cputime": 10,
                        "total_time": 10,
                        "estimated_time_to_regain_access": 1,
                    }
                ]
            }
            return Answer(
                400,
                graph.error_body(32, "Page request limit reached", kind="OAuthException"),
                {"X-Business-Use-Case-Usage": json.dumps(usage)},
            )
        body = graph.error_body(2, "Service temporarily unavailable", kind="OAuthException")
        body["error"]["is_transient"] = True
        return Answer(503, body)
    if platform == "x":
        if kind == "rate_limit":
            reset = str(int(time.time()) + 2)
            return Answer(
                429,
                {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
                {
                    "x-rate-limit-limit": "100",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": reset,
                },
            )
        return Answer(503, {"title": "Service Unavailable", "status": 503})
    if kind == "rate_limit":
        return Answer(
            429, {"code": "rest_too_many_requests", "message": "Slow down", "data": {"status": 429}}
        )
    return Answer(
        503, {"code": "internal_server_error", "message": "Try later", "data": {"status": 503}}
    )


def basic_auth(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        user, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return None
    return user, password


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.startswith("Bearer "):
        return header[7:]
    return request.query.get("access_token") or request.form.get("access_token") or ""
