"""The office's one key ring: every secret Warta stores is sealed with MultiFernet here.

Channel secrets (a JSON object per account: ``encrypt``/``decrypt``) and single secrets such as
the WhatsApp token (``seal``/``unseal``) share the keys. Keys come from ``WARTA_SECRETS_KEYS``
(comma-separated, the first encrypts, all decrypt) or, in the embedded default, from
``VAR_DIR/secrets_keys`` (one key a line, created 0600). Rotation: put a new key first, run
``manage.py rotate_secret_keys`` (it re-encrypts every sealed secret), then drop the old key.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

ENV = "WARTA_SECRETS_KEYS"


class SecretsUnreadable(Exception):
    """No key can decrypt a stored secret (the key was lost or changed without rotation)."""


def key_file() -> Path:
    return Path(settings.VAR_DIR) / "secrets_keys"


def _write_keys(path: Path, keys: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("\n".join(keys) + "\n")
    os.replace(tmp, path)


def keys() -> list[str]:
    if raw := os.environ.get(ENV, "").strip():
        return [k.strip() for k in raw.split(",") if k.strip()]
    path = key_file()
    if not path.exists():
        _write_keys(path, [Fernet.generate_key().decode()])
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def add_key_to_file() -> str:
    """Put a new key first in the key file (embedded default); returns it."""
    new = Fernet.generate_key().decode()
    _write_keys(key_file(), [new, *keys()])
    return new


def drop_old_keys_from_file() -> None:
    _write_keys(key_file(), keys()[:1])


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys()])


def seal(plain: str) -> str:
    """One secret encrypted with the first key ("" stays "")."""
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def unseal(token: str) -> str:
    """The secret ``seal`` encrypted; SecretsUnreadable when no configured key opens it."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretsUnreadable(token[:8]) from exc


def encrypt(values: dict[str, str]) -> str:
    return seal(json.dumps(values, sort_keys=True)) if values else ""


def decrypt(token: str) -> dict[str, str]:
    data: Any = json.loads(unseal(token)) if token else {}
    return {str(k): str(v) for k, v in data.items()}


def rotate(token: str) -> str:
    """The same secret (whatever it holds) encrypted with the current (first) key;
    SecretsUnreadable when no configured key opens it."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretsUnreadable(token[:8]) from exc


def mask(value: str) -> str:
    """Enough to recognise a secret, never enough to use it."""
    if len(value) <= 8:
        return "••••"
    return f"••••{value[-4:]}"
