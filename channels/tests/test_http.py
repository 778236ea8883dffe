"""The HTTP choke point: no internal addresses, and what a timeout means."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from channels import http
from channels.base import ChannelError
from channels.fakes import FakePlatforms


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/wp-json/",
        "http://localhost/",
        "http://10.1.2.3/",
        "http://192.168.1.10/",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
    ],
)
def test_internal_addresses_are_refused(url: str, settings: Any) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = False
    with pytest.raises(ChannelError) as caught:
        http.check_public(url)
    assert caught.value.permanent


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "//x", ""])
def test_only_web_addresses_are_allowed(url: str) -> None:
    with pytest.raises(ChannelError):
        http.check_public(url)


def test_a_public_address_passes(settings: Any) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = False
    http.check_public("http://93.184.215.14/")  # a literal public address: no DNS needed


def test_a_timeout_after_sending_a_post_is_unknown_but_a_get_is_only_transient(
    fake: FakePlatforms,
) -> None:
    fake.inject("timeout", "x", method="POST")
    with pytest.raises(ChannelError) as caught:
        http.request("POST", f"{fake.url}/2/tweets", json={"text": "a"})
    assert (caught.value.unknown, caught.value.permanent) == (True, False)
    fake.inject("timeout", "x", method="GET")
    with pytest.raises(ChannelError) as caught:
        http.request("GET", f"{fake.url}/2/users/me")
    assert (caught.value.unknown, caught.value.permanent) == (False, False)


def test_nothing_listening_is_transient_and_certainly_not_sent() -> None:
    with pytest.raises(ChannelError) as caught:
        http.request("POST", "http://127.0.0.1:9/")
    assert (caught.value.unknown, caught.value.permanent) == (False, False)


# --- one name lookup: the connection goes to the address that was checked -------------------

PUBLIC = "93.184.215.14"


REAL_GETADDRINFO = socket.getaddrinfo


class Resolver:
    """``socket.getaddrinfo`` for names: each lookup answers the next of ``answers`` (the last
    one again after that); an address literal resolves as usual."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = answers
        self.lookups: list[str] = []

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        self.lookups.append(host)
        answer = self.answers[min(len(self.lookups), len(self.answers)) - 1]
        return [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, int(port)))
            for a in answer
        ]


def test_it_connects_to_the_address_it_checked_not_to_a_second_answer(
    fake: FakePlatforms, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = False
    port = int(urlsplit(fake.url).port or 0)
    # DNS rebinding: a public address for the first lookup, the office's loopback after.
    rebinding = Resolver([PUBLIC], ["127.0.0.1"])
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    dialled: list[tuple[str, int]] = []
    real_dial = socket.create_connection

    def dial(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        dialled.append(address)
        # The public address is played by the fake platform (this machine has no Internet).
        assert address == (PUBLIC, port), f"connected to {address}, not the checked address"
        return real_dial(("127.0.0.1", port), *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", dial)

    response = http.request("GET", f"http://news.rebind.test:{port}/2/users/me")

    assert response.status_code in (200, 401)
    assert dialled == [(PUBLIC, port)]
    assert rebinding.lookups == ["news.rebind.test"]  # one lookup: the check is the connection
    (received,) = fake.received
    assert received.headers["host"] == f"news.rebind.test:{port}"


def test_a_name_with_any_internal_address_is_refused_before_connecting(
    fake: FakePlatforms, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = False
    port = int(urlsplit(fake.url).port or 0)
    monkeypatch.setattr(socket, "getaddrinfo", Resolver([PUBLIC, "127.0.0.1"]))

    with pytest.raises(ChannelError) as caught:
        http.request("POST", f"http://wp.kantor.test:{port}/wp-json/wp/v2/posts", json={})

    assert caught.value.permanent and not caught.value.unknown
    assert "wp.kantor.test" in caught.value.message
    assert fake.received == []


def test_private_addresses_are_reached_when_allowed(
    fake: FakePlatforms, monkeypatch: pytest.MonkeyPatch
) -> None:
    # WARTA_ALLOW_PRIVATE_URLS (this folder's default): the fakes on 127.0.0.1, by name too.
    port = int(urlsplit(fake.url).port or 0)
    monkeypatch.setattr(socket, "getaddrinfo", Resolver(["127.0.0.1"]))

    assert http.request("GET", f"http://fakes.test:{port}/2/users/me").status_code in (200, 401)
    assert len(fake.received) == 1


def test_a_name_that_cannot_be_found_is_transient(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.WARTA_ALLOW_PRIVATE_URLS = False

    def no_such_name(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    with pytest.raises(ChannelError) as caught:
        http.request("GET", "https://nowhere.invalid/")
    assert (caught.value.permanent, caught.value.unknown) == (False, False)
    assert "nowhere.invalid" in caught.value.message


# --- TLS keeps the name: SNI and the certificate are checked for it, not for the address ----


@dataclass
class TlsSite:
    port: int
    ca_file: Path
    server_names: list[str | None] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)


def _certificate(name: str, folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate for ``name`` signed by it: (ca.pem, cert.pem, key.pem)."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)

    def build(subject: str, issuer: str, key: Any, signer: Any, ca: bool) -> x509.Certificate:
        # Python 3.13 verifies strictly (RFC 5280): key identifiers are required.
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
                critical=False,
            )
        )
        if ca:
            builder = builder.add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
            )
        else:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key, site_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    ca = build("Warta test CA", "Warta test CA", ca_key, ca_key, ca=True)
    site = build(name, "Warta test CA", site_key, ca_key, ca=False)
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(site.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        site_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@pytest.fixture
def tls_site(tmp_path: Path) -> Iterator[TlsSite]:
    """An HTTPS site on 127.0.0.1 whose certificate names ``berita.kantor.test``."""
    ca_file, cert, key = _certificate("berita.kantor.test", tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    site = TlsSite(port=0, ca_file=ca_file)

    def remember_sni(sock: Any, server_name: str | None, ctx: Any) -> None:
        site.server_names.append(server_name)

    context.sni_callback = remember_sni

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            site.hosts.append(self.headers.get("Host", ""))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    site.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture
def trusting(tls_site: TlsSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client trusts the test CA (only the trust store changes) and resolves the name to
    127.0.0.1; a fresh client per test, so its pool holds nothing from another."""
    monkeypatch.setattr(
        http, "ssl_context", lambda: ssl.create_default_context(cafile=tls_site.ca_file)
    )
    monkeypatch.setattr(http, "_local", threading.local())
    monkeypatch.setattr(socket, "getaddrinfo", Resolver(["127.0.0.1"]))


def test_tls_names_the_host_and_checks_its_certificate_for_the_name(
    tls_site: TlsSite, trusting: None
) -> None:
    response = http.request("GET", f"https://berita.kantor.test:{tls_site.port}/")

    assert response.text == "ok"
    assert tls_site.server_names == ["berita.kantor.test"]
    assert tls_site.hosts == [f"berita.kantor.test:{tls_site.port}"]


def test_a_certificate_for_another_name_is_refused(tls_site: TlsSite, trusting: None) -> None:
    with pytest.raises(ChannelError):
        http.request("GET", f"https://lain.kantor.test:{tls_site.port}/")

    assert tls_site.server_names == ["lain.kantor.test"]
    assert tls_site.hosts == []  # no request was sent over the unverified connection
