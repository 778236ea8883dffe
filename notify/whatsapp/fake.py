"""A fake WhatsApp Cloud API on localhost that enforces the contract Warta relies on.

- ``Authorization: Bearer <token>`` must match, else error 190 (401);
- the phone-number id in the path must match, else error 100;
- free text (``type: text``/``interactive``) only within 24 h of the recipient's last message to
  the business, else error 131047; templates must be known with the right number of variables
  (132001, 132000);
- ``fail_next(code, times)`` injects platform errors, e.g. 130429 (throughput, HTTP 429);
- every request is recorded in ``requests``.

Control endpoints (for the documented acceptance run): ``POST /_fake/inbound {"from": ...}``
opens a number's 24-hour window; ``GET /_fake/requests`` lists what was received.

Run: ``uv run python -m notify.whatsapp.fake --port 8899`` (stdlib only, no Django needed).
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from notify.whatsapp.templates import LANGUAGE, TEMPLATES

WINDOW_SECONDS = 24 * 3600
PATH = re.compile(r"^(?:/v\d+\.\d+)?/(?P<pnid>[^/]+)/messages$")


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    status: int
    answer: dict[str, Any]


@dataclass
class FakeWhatsApp:
    token: str = "fake-token"
    phone_number_id: str = "1234567890"
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[Recorded] = field(default_factory=list)
    # number -> unix time of that person's last message to the business
    last_inbound: dict[str, float] = field(default_factory=dict)
    _failures: list[tuple[int, int]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- control ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://{self.host}:{self._server.server_address[1]}"

    @property
    def api_base(self) -> str:
        """What WHATSAPP_API_BASE is set to: the host; Warta adds the Graph API version."""
        return self.url

    def open_window(self, number: str, at: float | None = None) -> None:
        self.last_inbound[number] = time.time() if at is None else at

    def fail_next(self, code: int, times: int = 1) -> None:
        """The next ``times`` sends fail with this platform error code."""
        with self._lock:
            self._failures.extend([(code, 429 if code in (4, 80007, 130429) else 400)] * times)

    def sent(self) -> list[dict[str, Any]]:
        """Bodies of the messages accepted (status 200)."""
        return [r.body for r in self.requests if r.status == 200 and "/messages" in r.path]

    def start(self) -> FakeWhatsApp:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                if self.path == "/_fake/requests":
                    self._answer(200, {"requests": [r.__dict__ for r in fake.requests]})
                else:
                    self._answer(404, {"error": {"message": "Unknown path", "code": 100}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                if self.path == "/_fake/inbound":
                    fake.open_window(str(body.get("from", "")))
                    self._answer(200, {"ok": True})
                    return
                status, answer = fake.answer(self.path, dict(self.headers), body)
                with fake._lock:
                    fake.requests.append(
                        Recorded(self.path, dict(self.headers), body, status, answer)
                    )
                self._answer(status, answer)

            def _answer(self, status: int, data: dict[str, Any]) -> None:
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- the contract ------------------------------------------------------------------------

    def answer(
        self, path: str, headers: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        if auth != f"Bearer {self.token}":
            return _error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        match = PATH.match(path)
        if match is None or match["pnid"] != self.phone_number_id:
            return _error(400, 100, "Unsupported post request: unknown phone-number id")
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            return _error(failure[1], failure[0], "Injected failure")
        to = str(body.get("to", ""))
        if body.get("messaging_product") != "whatsapp" or not to.isdigit():
            return _error(400, 100, "Invalid parameter: messaging_product and to are required")
        kind = body.get("type")
        if kind in ("text", "interactive"):
            last = self.last_inbound.get(to)
            if last is None or time.time() - last > WINDOW_SECONDS:
                return _error(
                    400,
                    131047,
                    "Re-engagement message: more than 24 hours have passed since the "
                    "recipient last replied",
                )
        elif kind == "template":
            problem = _template_problem(body.get("template") or {})
            if problem:
                return _error(400, *problem)
        else:
            return _error(400, 100, f"Unsupported message type {kind!r}")
        wamid = "wamid." + secrets.token_hex(12)
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": wamid}],
        }


def _template_problem(template: dict[str, Any]) -> tuple[int, str] | None:
    known = TEMPLATES.get(str(template.get("name", "")))
    if known is None or (template.get("language") or {}).get("code") != LANGUAGE:
        return 132001, "Template name does not exist in the translation"
    components = template.get("components") or []
    body: dict[str, Any] = next(
        (c for c in components if c.get("type") == "body"), {"parameters": []}
    )
    if len(body.get("parameters") or []) != known.params:
        return 132000, "Number of parameters does not match the expected number of params"
    buttons = [c for c in components if c.get("type") == "button"]
    if len(buttons) > len(known.buttons) or any(
        c.get("sub_type") != "quick_reply" or len(c["parameters"][0].get("payload", "")) > 256
        for c in buttons
    ):
        return 132000, "Button parameters do not match the template"
    return None


def _error(status: int, code: int, message: str) -> tuple[int, dict[str, Any]]:
    return status, {
        "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": secrets.token_hex(6),
        }
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8899)
    parser.add_argument("--token", default="fake-token")
    parser.add_argument("--phone-number-id", default="1234567890")
    args = parser.parse_args()
    fake = FakeWhatsApp(args.token, args.phone_number_id, args.host, args.port).start()
    print(
        f"Fake WhatsApp Cloud API at {fake.api_base}  (token {args.token!r}, phone-number id "
        f"{args.phone_number_id!r}); Ctrl-C stops it.",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
