"""WhatsApp secrets at rest: Fernet on the office's one key ring (``channels.secrets.keys()``:
``WARTA_SECRETS_KEYS``, newest first, or ``var/secrets_keys`` created 0600), so one rotation
procedure covers every stored secret."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from channels.secrets import keys


class SecretUnreadable(Exception):
    """The stored secret was encrypted with a key that is no longer configured."""


def _box() -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys()])


def encrypt(plain: str) -> str:
    return _box().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _box().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(
            "A stored WhatsApp secret cannot be decrypted with the configured keys "
            "(WARTA_SECRETS_KEYS or var/secrets_keys); enter it again in the admin."
        ) from exc


def rotate(token: str) -> str:
    """The same secret encrypted with the current (first) key."""
    return _box().rotate(token.encode()).decode() if token else ""
