"""Channel secrets (tokens, passwords) encrypted at rest with MultiFernet.

Keys come from ``WARTA_SECRETS_KEYS`` (comma-separated, the first encrypts, all decrypt) or, in
the embedded default, from ``VAR_DIR/secrets_keys`` (one key a line, created 0600). Rotation:
put a new key first, run ``manage.py rotate_secret_keys``, then drop the old key.
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


def encrypt(values: dict[str, str]) -> str:
    if not values:
        return ""
    return _fernet().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        data: Any = json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise SecretsUnreadable(token[:8]) from exc
    return {str(k): str(v) for k, v in data.items()}


def rotate(token: str) -> str:
    """The same secrets encrypted with the current (first) key."""
    return _fernet().rotate(token.encode()).decode() if token else ""


def mask(value: str) -> str:
    """Enough to recognise a secret, never enough to use it."""
    if len(value) <= 8:
        return "••••"
    return f"••••{value[-4:]}"
