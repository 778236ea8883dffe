"""Two-step secrets at rest: the authenticator-app (TOTP) secret and the recovery-code seed.

allauth keeps them in ``Authenticator.data`` and passes each through the MFA adapter's
``encrypt``/``decrypt`` (accounts/adapter.py). Warta encrypts them with the key ring of the
channel secrets (channels/secrets.py: ``WARTA_SECRETS_KEYS`` or ``var/secrets_keys``), so the
database, its backups and ``manage.py backup`` archives hold only ciphertext, and
``manage.py rotate_secret_keys`` re-encrypts them with the channel secrets.

A stored value is ``fernet:<token>``; anything else is refused, never taken as plain text.
"""

from __future__ import annotations

from typing import Any

from channels import secrets as keyring

PREFIX = "fernet:"
# The fields of Authenticator.data that allauth passes through encrypt(): a value, or a list.
ENCRYPTED_FIELDS = ("secret", "seed", "migrated_codes")


class MfaSecretUnreadable(Exception):
    """A stored two-step secret is not Warta ciphertext, or no key of the ring opens it."""


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt(text: str) -> str:
    return PREFIX + keyring.encrypt({"v": text})


def decrypt(stored: str) -> str:
    if not is_encrypted(stored):
        raise MfaSecretUnreadable("a two-step secret is stored unencrypted")
    try:
        return keyring.decrypt(stored.removeprefix(PREFIX))["v"]
    except (keyring.SecretsUnreadable, KeyError) as exc:
        raise MfaSecretUnreadable("no key of the ring decrypts a two-step secret") from exc


def rotate(stored: str) -> str:
    """The same secret encrypted with the ring's current (first) key."""
    decrypt(stored)  # refuses plain text and unknown keys alike
    return PREFIX + keyring.rotate(stored.removeprefix(PREFIX))


def _map_fields(data: dict[str, Any], change: Any) -> dict[str, Any]:
    """``data`` with ``change`` applied to each secret it holds (lists element by element)."""
    result = dict(data)
    for name in ENCRYPTED_FIELDS:
        value = data.get(name)
        if isinstance(value, str):
            result[name] = change(value)
        elif isinstance(value, list):
            result[name] = [change(item) for item in value]
    return result


def encrypted_data(data: dict[str, Any]) -> dict[str, Any]:
    """``Authenticator.data`` with every plain secret encrypted (encrypted ones kept)."""
    return _map_fields(data, lambda v: v if is_encrypted(v) else encrypt(v))


def decrypted_data(data: dict[str, Any]) -> dict[str, Any]:
    """``Authenticator.data`` with every secret in plain text (to undo the migration)."""
    return _map_fields(data, lambda v: decrypt(v) if is_encrypted(v) else v)


def rotated_data(data: dict[str, Any]) -> dict[str, Any]:
    return _map_fields(data, rotate)


def rotate_mfa_secrets() -> int:
    """Re-encrypt every stored two-step secret with the current key (``rotate_secret_keys``);
    returns how many authenticators were re-encrypted. Call inside a transaction: one
    unreadable secret raises MfaSecretUnreadable and nothing should change."""
    from allauth.mfa.models import Authenticator

    count = 0
    for authenticator in Authenticator.objects.select_for_update().exclude(
        type=Authenticator.Type.WEBAUTHN  # public keys only: nothing secret to encrypt
    ):
        authenticator.data = rotated_data(authenticator.data)
        authenticator.save(update_fields=["data"])
        count += 1
    return count
